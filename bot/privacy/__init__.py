"""The bot's side of personal data: consent, one's own data, erasure, the requests an office
receives on paper, and the retention schedule with its report (``antq privacy``)."""
