"""Group spacecraft by configuration, agency and status, in a stable order, in one pass."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .crew import NO_CREW, Crewed
from .models import Agency, Configuration, FetchMeta, Group, Spacecraft, Status


class Derived(dict[str, Any]):
    """What the site works out from a catalog alone (site/derived.py), pickled with it. `made`: a value
    was made in this process rather than loaded; never pickled, so a loaded catalog starts False."""

    made = False

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        return (Derived, (dict(self),))


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything a build renders, gathered before anything is written."""

    spacecraft: tuple[Spacecraft, ...]  # sorted by name, then id
    configurations: tuple[Group, ...]
    agencies: tuple[Group, ...]
    statuses: tuple[Group, ...]
    meta: FetchMeta
    crew: Crewed = NO_CREW  # flights, crews, dockings, stations and people (data/crew.py)
    # The quality checks, statistics... the site derives from the records, kept with them (site/derived.py).
    derived: Derived = field(default_factory=Derived, compare=False, repr=False)

    @property
    def in_space(self) -> tuple[Spacecraft, ...]:
        return tuple(s for s in self.spacecraft if s.in_space)


_DIGITS = re.compile(r"\d+")


def sort_key(craft: Spacecraft) -> tuple[str, int]:
    """Name order as people expect it: "Progress 2" before "Progress 10"; the id breaks ties."""
    return (_DIGITS.sub(lambda m: m.group().zfill(12), craft.name.casefold()), craft.id)


def build_catalog(spacecraft: Sequence[Spacecraft], meta: FetchMeta, *, crew: Crewed = NO_CREW) -> Catalog:
    """Sort the spacecraft and build every group; linear in the number of records."""
    ordered = tuple(sorted(spacecraft, key=sort_key))
    by_config: dict[int, list[Spacecraft]] = defaultdict(list)
    by_status: dict[int, list[Spacecraft]] = defaultdict(list)
    by_agency_craft: dict[int, list[Spacecraft]] = defaultdict(list)  # filled in order: no second sort
    configs: dict[int, Configuration] = {}
    statuses: dict[int, Status] = {}
    for craft in ordered:
        by_config[craft.config.id].append(craft)
        by_status[craft.status.id].append(craft)
        by_agency_craft[craft.config.agency.id].append(craft)
        configs[craft.config.id] = craft.config
        statuses[craft.status.id] = craft.status

    config_groups = [
        Group("configuration", c.slug, c.name, c, tuple(by_config[c.id]))
        for c in configs.values()
    ]
    config_groups.sort(key=lambda g: (g.name.casefold(), g.subject.id))

    by_agency: dict[int, list[Group]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for group in config_groups:
        agency = group.subject.agency  # type: ignore[union-attr]
        by_agency[agency.id].append(group)
        agencies[agency.id] = agency
    agency_groups = [
        Group("agency", a.slug, a.name, a,
              tuple(by_agency_craft[a.id]),
              configurations=tuple(g.subject for g in by_agency[a.id]))  # type: ignore[misc]
        for a in agencies.values()
    ]
    agency_groups.sort(key=lambda g: (g.name.casefold(), g.subject.id))

    status_groups = [Group("status", s.slug, s.name, s, tuple(by_status[s.id])) for s in statuses.values()]
    status_groups.sort(key=lambda g: (g.subject.id, g.name))

    return Catalog(ordered, tuple(config_groups), tuple(agency_groups), tuple(status_groups), meta, crew)
