"""The bot's side of personal data: the retention schedule and its report."""
