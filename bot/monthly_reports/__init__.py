"""The bot's side of the monthly update: its effects and the reminders about it."""
