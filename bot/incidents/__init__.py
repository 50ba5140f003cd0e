"""The bot's side of urgent incident reports."""
