"""Coordinates pasted or typed: "21.0285, 105.8542", a maps link, degrees-minutes-seconds."""

from __future__ import annotations

import re

_NUM = r"-?[0-9]{1,3}(?:\.[0-9]{1,15})?"
_DECIMAL = r"-?[0-9]{1,3}\.[0-9]{1,15}"
_SEP = r"\s*(?:,|%2c)\s*"
_COORDINATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # geo:21.0285,105.8542 (Android share intents)
    re.compile(rf"geo:(?P<lat>{_NUM}){_SEP}(?P<lon>{_NUM})", re.IGNORECASE),
    # google.com/maps/@21.0285,105.8542,17z and /maps/place/.../@...
    re.compile(rf"@(?P<lat>{_NUM}){_SEP}(?P<lon>{_NUM})", re.IGNORECASE),
    # ?q=, &ll=, query=, destination=, center=, daddr= (Google and Apple Maps)
    re.compile(
        rf"[?&;](?:q|ll|sll|query|destination|center|daddr|saddr)="
        rf"(?:loc:)?(?P<lat>{_NUM}){_SEP}(?P<lon>{_NUM})",
        re.IGNORECASE,
    ),
    # OpenStreetMap: #map=17/21.0285/105.8542
    re.compile(rf"#map=[0-9]{{1,2}}/(?P<lat>{_NUM})/(?P<lon>{_NUM})", re.IGNORECASE),
    # Google data URLs: !3d21.0285!4d105.8542
    re.compile(rf"!3d(?P<lat>{_NUM})!4d(?P<lon>{_NUM})", re.IGNORECASE),
    # Plain "21.0285, 105.8542" or "21.0285 105.8542": decimals are required so
    # that ordinary numbers such as "1,200" are not mistaken for a position.
    re.compile(
        rf"(?<![0-9.\-])(?P<lat>{_DECIMAL})(?:\s*[,;]\s*|\s+)(?P<lon>{_DECIMAL})(?![0-9.])",
    ),
)
# Degrees-minutes-seconds, as Google Maps shows: 21°01'42.6"N 105°51'15.1"E
_DMS_PART = r"([0-9]{1,3})°\s*([0-9]{1,2})['′]\s*([0-9]{1,2}(?:\.[0-9]{1,10})?)[\"″]?\s*"
_DMS = re.compile(rf"{_DMS_PART}([NS])[\s,]*{_DMS_PART}([EW])", re.IGNORECASE)

# Shared links are short; anything far longer is not a location message and is
# not worth scanning.
_MAX_COORDINATE_TEXT = 4096


def _valid_pair(lat: float, lon: float) -> tuple[float, float] | None:
    """Return the pair if it is a position on Earth, else None."""
    if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
        return lat, lon
    return None


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """Find a (latitude, longitude) in a shared map link or a "lat, lon" pair.

    Understands geo: URIs, Google/Apple/OpenStreetMap links and DMS text.
    Returns None when nothing in range is found; never raises.
    """
    if len(text) > _MAX_COORDINATE_TEXT:
        return None
    for pattern in _COORDINATE_PATTERNS:
        for match in pattern.finditer(text):
            pair = _valid_pair(float(match["lat"]), float(match["lon"]))
            if pair is not None:
                return pair
    for match in _DMS.finditer(text):
        lat_d, lat_m, lat_s, ns, lon_d, lon_m, lon_s, ew = match.groups()
        lat = int(lat_d) + int(lat_m) / 60 + float(lat_s) / 3600
        lon = int(lon_d) + int(lon_m) / 60 + float(lon_s) / 3600
        if ns.upper() == "S":
            lat = -lat
        if ew.upper() == "W":
            lon = -lon
        pair = _valid_pair(lat, lon)
        if pair is not None:
            return pair
    return None
