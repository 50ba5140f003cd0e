"""The bot's side of personal data: consent, one's own data, erasure, and the requests an
office receives on paper (``antq privacy``)."""
