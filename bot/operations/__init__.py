"""Running the bot for years: backups that restore and a server key that can be replaced."""
