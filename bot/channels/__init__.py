"""The channels people write on: Telegram, Zalo (Bot Platform and Official Account) and the
console."""

# Zalo's bot platform cannot send files, and our OA channel sends none (the OA's file upload
# takes PDF/DOC only): a file made for a member there is described instead.
CHANNELS_WITHOUT_FILES = frozenset({"zalo", "zalo_oa"})
