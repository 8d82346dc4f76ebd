"""Comment threads: where a reply attaches, and turning flat rows into a tree.

Nesting is capped so that a thread stays readable on a phone: a thread's first comment has
depth 0 and a reply at most depth MAX_DEPTH - 1. A reply to a comment at the deepest level
attaches beside it, under the same parent, and names the comment it answers
(`in_reply_to_id`), so nothing said is lost and the indentation never runs off the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

#: levels a thread shows: depths 0 … MAX_DEPTH - 1
MAX_DEPTH = 6

T = TypeVar("T")


@dataclass(frozen=True)
class Attachment:
    """Where a new reply goes: under `parent_id` at `depth`, answering `in_reply_to_id`."""

    parent_id: int
    depth: int
    #: set when the reply attached higher than the comment it answers
    in_reply_to_id: int | None


def attach_reply(target_id: int, target_depth: int, target_parent_id: int | None) -> Attachment:
    """Return where a reply to the comment `target_id` (at `target_depth`) attaches."""
    if target_depth + 1 < MAX_DEPTH or target_parent_id is None:
        return Attachment(target_id, min(target_depth + 1, MAX_DEPTH - 1), None)
    return Attachment(target_parent_id, target_depth, target_id)


@dataclass
class Node(Generic[T]):
    item: T
    replies: list[Node[T]] = field(default_factory=list)


def build_tree(
    items: Iterable[T], key: Callable[[T], int], parent: Callable[[T], int | None]
) -> list[Node[T]]:
    """Arrange items (oldest first) into threads; an item whose parent is missing starts one."""
    nodes = {key(item): Node(item) for item in items}
    roots: list[Node[T]] = []
    for node in nodes.values():
        parent_key = parent(node.item)
        holder = nodes.get(parent_key) if parent_key is not None else None
        (holder.replies if holder is not None else roots).append(node)
    return roots


def walk(nodes: Iterable[Node[T]]) -> Iterable[T]:
    """Every item of the threads, each before its replies."""
    for node in nodes:
        yield node.item
        yield from walk(node.replies)
