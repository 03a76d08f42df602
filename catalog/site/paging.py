"""Long lists split into numbered static pages, and the pager each page shows (a view value).

The first page keeps the list's own address; the n-th is wherever the URL builder puts it
(`page-2.html` in a section folder, `<slug>-page-2.html` for a group, `credits-2.html`). A pager
with many pages is compact: the first and last page, the current one and two either side, and a
gap between (None) where numbers are left out.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple, TypeVar

T = TypeVar("T")
NEAR = 2  # pages shown either side of the current one


class Pager(NamedTuple):
    """Where a page sits in its list: its number, how many there are, and the path of each."""

    number: int
    paths: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.paths)

    @property
    def path(self) -> str:
        return self.paths[self.number - 1]

    @property
    def prev(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.paths[self.number] if self.number < self.total else None

    @property
    def shown(self) -> list[int | None]:
        """The page numbers the pager links, in order, with None for a gap."""
        keep = {1, self.total} | set(range(self.number - NEAR, self.number + NEAR + 1))
        out: list[int | None] = []
        for n in range(1, self.total + 1):
            if n in keep:
                out.append(n)
            elif out[-1] is not None:
                out.append(None)
        return out


def paged(items: Sequence[T], size: int, path_of: Callable[[int], str]) -> Iterator[tuple[Sequence[T], Pager]]:
    """Yield each page's slice of items with its pager; an empty list still gets its first page."""
    total = max(1, -(-len(items) // size))
    paths = tuple(path_of(n) for n in range(1, total + 1))
    for number in range(1, total + 1):
        yield items[(number - 1) * size: number * size], Pager(number, paths)
