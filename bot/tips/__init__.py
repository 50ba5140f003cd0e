"""The bot's side of tips: the officers' inbox and handling, and the 24-hour rule."""
