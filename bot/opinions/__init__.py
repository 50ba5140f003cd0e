"""The bot's side of opinions and proposals: the engine's reads and the effects' handlers."""
