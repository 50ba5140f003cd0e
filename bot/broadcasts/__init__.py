"""The bot's side of campaign messages: effects, fan-out and the command line."""
