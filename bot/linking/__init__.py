"""One person, several accounts: performing the link effects (``conversations.linking``)."""
