"""The bot's side of self-managed security models and their activity logs."""
