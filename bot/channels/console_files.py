"""Files a terminal chat sends: ``/anh NAME`` stands for a photo only when NAME is a file on
this machine and of the kind it claims (a phone never sends a missing photo, or a text file
as one)."""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from pathlib import Path

from conversations.fields import MEDIA_KIND_LABELS
from conversations.i18n import N_, Catalogues
from conversations.replies import MediaItem

# The first bytes of the image formats phones send as photos (WebP: "RIFF", size, "WEBP").
_IMAGE_STARTS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
# What a file's name must say it holds for the kinds other than photos and documents.
_MIME_PREFIXES = {"video": "video/", "voice": "audio/"}


def is_image(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(12)
    return head.startswith(_IMAGE_STARTS) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def of_its_kind(path: Path, kind: str) -> bool:
    if kind == "photo":
        return is_image(path)
    prefix = _MIME_PREFIXES.get(kind)
    return prefix is None or (mimetypes.guess_type(path.name)[0] or "").startswith(prefix)


def checked_file(media: MediaItem, catalogues: Catalogues) -> MediaItem | str:
    """The typed file with its size (the bot's limits then apply as on a phone), or why it
    cannot be sent, as the chat says it."""
    name = media.file_name or ""
    path = Path(name).expanduser()
    if not path.is_file():
        return catalogues.text(None, N_("console.file_missing"), name=name)
    if not of_its_kind(path, media.kind):
        kind = catalogues.text(None, MEDIA_KIND_LABELS[media.kind])
        return catalogues.text(None, N_("console.file_not_of_kind"), name=name, kind=kind)
    return replace(media, size_bytes=path.stat().st_size)
