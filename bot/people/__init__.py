"""The bot's side of people, places and roles, the official area list and the CLI."""
