"""A short name for the browser a User-Agent header describes ("Firefox · Linux"), for the list
of someone's signed-in devices. Only this summary is kept, never the whole header."""

from __future__ import annotations

#: browsers, most specific first (Edge and Opera say "Chrome" too, Chrome says "Safari")
BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
)
#: systems, most specific first (Android says "Linux", iOS says "Mac OS X")
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def summary(user_agent: str | None) -> str:
    """'Firefox · Linux', 'Safari · iOS' (no words to translate), or '' when nothing is known."""
    header = user_agent or ""
    browser = next((name for marker, name in BROWSERS if marker in header), "")
    system = next((name for marker, name in SYSTEMS if marker in header), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system
