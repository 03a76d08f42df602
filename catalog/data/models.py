"""Frozen models of the catalog: what templates, the search index and images work from. No I/O."""
from __future__ import annotations

from dataclasses import dataclass, field

UNKNOWN_LICENSE = "Unknown"  # the license name LL2 gives an image whose license nobody recorded


@dataclass(frozen=True, slots=True)
class License:
    name: str
    link: str | None  # http(s) only; anything else was dropped by normalize

    @property
    def known(self) -> bool:
        """Whether the API names a license: "Unknown" (its own word, or normalize's default) is none."""
        return self.name.casefold() != UNKNOWN_LICENSE.casefold()


@dataclass(frozen=True, slots=True)
class Image:
    id: int | None
    name: str
    image_url: str | None
    thumbnail_url: str | None
    credit: str | None
    license: License

    @property
    def key(self) -> str:
        """Identity used to download each image once: the API id, else the URL."""
        return f"id-{self.id}" if self.id is not None else f"url-{self.image_url or self.thumbnail_url}"


@dataclass(frozen=True, slots=True)
class Duration:
    seconds: int

    @property
    def text(self) -> str:
        """Human-readable, e.g. "36 d 7 h 42 min"; made when a page shows it, in the render workers."""
        return format_seconds(self.seconds)


def format_seconds(total: int) -> str:
    """Show a duration like "36 d 7 h 42 min"; seconds only when under an hour."""
    if total <= 0:
        return "0 min" if total == 0 else "−" + format_seconds(-total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if seconds and total < 3600:
        parts.append(f"{seconds} s")
    return " ".join(parts) or "0 min"


@dataclass(frozen=True, slots=True)
class Agency:
    id: int
    name: str
    abbrev: str | None
    type: str | None
    slug: str = ""

    @property
    def label(self) -> str:
        """The name with its abbreviation, unless the name already ends with one in parentheses:
        "Russian Federal Space Agency (ROSCOSMOS)", never "... (ROSCOSMOS) (RFSA)"."""
        if not self.abbrev or self.name.rstrip().endswith(")") or self.abbrev in self.name.split():
            return self.name
        return f"{self.name} ({self.abbrev})"


@dataclass(frozen=True, slots=True)
class Family:
    id: int
    name: str
    description: str | None
    manufacturer: str | None
    maiden_flight: str | None


@dataclass(frozen=True, slots=True)
class Spec:
    label: str
    value: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Configuration:
    id: int
    name: str
    type: str | None
    agency: Agency
    family: tuple[Family, ...]
    in_use: bool | None
    image: Image | None
    specs: tuple[Spec, ...]  # empty in normal mode; detailed mode adds capability, history...
    details: str | None
    slug: str = ""


@dataclass(frozen=True, slots=True)
class Status:
    id: int
    name: str
    slug: str = ""


@dataclass(frozen=True, slots=True)
class Flight:
    id: int
    launch_name: str | None
    launch_date: str | None  # ISO date (YYYY-MM-DD) of the launch NET
    destination: str | None
    mission_end: str | None  # ISO date
    duration: Duration | None
    turnaround: Duration | None
    landing: str | None
    launch_id: str | None = None  # the launch's LL2 id (a UUID)
    # The launch details detailed mode sends with each flight (its `launch`, a LaunchNormal):
    designator: str | None = None  # the international designator (COSPAR), e.g. "1992-026A"
    rocket: str | None = None  # the launcher configuration's full name
    pad: str | None = None
    location: str | None = None  # the pad's location
    mission: str | None = None  # the mission's name
    mission_type: str | None = None
    orbit: str | None = None
    launch_status: str | None = None
    # Derived by normalize, honestly marked where shown:
    span: Duration | None = None  # launch to mission end, computed where the API gives no duration
    ends_before_launch: bool = False  # the API's mission end is before its launch (STS-72): no span
    docked: tuple[tuple[str, str | None], ...] = ()  # (docking, departure) dates, where the flight lists them

    @property
    def launch_label(self) -> str:
        """The mission's name, else the launch's, for titles and timeline rows."""
        return self.mission or self.launch_name or f"Flight {self.id}"


@dataclass(frozen=True, slots=True)
class Spacecraft:
    id: int
    name: str
    serial_number: str | None
    is_placeholder: bool
    in_space: bool
    time_in_space: Duration | None
    time_docked: Duration | None
    flights_count: int | None
    mission_ends_count: int | None
    fastest_turnaround: Duration | None
    status: Status
    description: str
    config: Configuration
    image: Image | None
    flights: tuple[Flight, ...] | None  # None in normal mode (the API sent no flights)
    slug: str = ""

    @property
    def shown_image(self) -> Image | None:
        """The image pages show: the spacecraft's own, else its configuration's."""
        return self.image or self.config.image


@dataclass(frozen=True, slots=True)
class Group:
    """A set of spacecraft sharing a configuration, agency or status."""

    kind: str  # "configuration" | "agency" | "status"
    slug: str
    name: str
    subject: Configuration | Agency | Status
    spacecraft: tuple[Spacecraft, ...]
    configurations: tuple[Configuration, ...] = field(default=())

    @property
    def in_space_count(self) -> int:
        return sum(1 for s in self.spacecraft if s.in_space)


@dataclass(frozen=True, slots=True)
class FetchMeta:
    api_url: str | None
    count: int | None
    fetched_at: str | None  # ISO 8601 UTC; None for the shipped sample
    records: int
