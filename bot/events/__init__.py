"""The bot's side of events: registrations, cancellations, turnout, reminders."""
