"""TEMPORARY interface shim for core.anchors until its real module lands (replaced, never shipped)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Anchor:
    paragraph: int
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    position: int


@dataclass(frozen=True)
class Placement:
    paragraph: int | None
    start: int | None
    end: int | None

    @property
    def outdated(self) -> bool:
        return self.paragraph is None


OUTDATED = Placement(None, None, None)


def locate(paragraphs, quote, paragraph=None, near=None):
    return None


def reanchor(old, new, items):
    return [placement for _, placement in items]


def reparagraph(old, new, paragraphs):
    return list(paragraphs)
