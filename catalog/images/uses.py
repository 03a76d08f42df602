"""Which images a catalog shows: one Use per unique image (Image.key), with the pages showing it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..data.models import Image


@dataclass(slots=True)
class Use:
    image: Image
    users: list[str]  # names of the spacecraft, configurations, astronauts and stations that show it

    def who(self) -> str:
        """The users for a warning: the first three, and how many more."""
        names = self.users[:3]
        more = len(self.users) - len(names)
        return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def plan(catalog: Any) -> dict[str, Use]:
    """Every unique image of the catalog with the pages showing it, in a stable order."""
    uses: dict[str, Use] = {}

    def add(image: Image | None, name: str) -> None:  # once per spacecraft: no Use made in vain
        if image is not None:
            use = uses.get(key := image.key)
            if use is None:
                use = uses[key] = Use(image, [])
            use.users.append(name)

    for group in catalog.configurations:
        add(group.subject.image, f"configuration {group.subject.name}")
    for craft in catalog.spacecraft:
        add(craft.shown_image, f"spacecraft {craft.name}")
    for person in catalog.crew.astronauts.values():  # the crew data's pages (issue 26)
        add(person.image, f"astronaut {person.name}")
    for station in catalog.crew.stations.values():
        add(station.image, f"station {station.name}")
    return uses
