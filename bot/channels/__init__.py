"""The channels people write on: Telegram, Zalo and the console."""

# Zalo's bot platform cannot send files: a file made for a member there is described instead.
CHANNELS_WITHOUT_FILES = frozenset({"zalo"})
