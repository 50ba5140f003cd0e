"""The web side of the bot: one Starlette app for the webhooks and the health check."""
