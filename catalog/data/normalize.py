"""Turn raw LL2 spacecraft dicts into models: parse durations, default nullables, assign slugs."""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from sys import intern
from typing import Any

from . import weburl
from .models import (
    Agency,
    Configuration,
    Duration,
    Family,
    Flight,
    Image,
    License,
    Spacecraft,
    Spec,
    Status,
    format_seconds,  # noqa: F401 - part of this module's interface (tests, benchmarks)
)

log = logging.getLogger(__name__)

_NON_WORD = re.compile(r"[\W_]+")
MAX_SLUG = 80  # characters: a file name a reader can still take in
# Bytes: a file name is at most 255 bytes on ext4, XFS, Btrfs, ZFS, APFS (and 255 UTF-16 units on
# NTFS, never more than its UTF-8 bytes), ".html" included. 80 characters of a 4-byte script are 320.
MAX_SLUG_BYTES = 255 - len(".html")
# Names Windows refuses for a file, with any extension and in any case: a zip of the site must open there.
_WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)", re.IGNORECASE)


class RecordError(ValueError):
    """A raw record that cannot be turned into a model."""


def slugify(text: str, *, fallback: str) -> str:
    """Make a file-name-safe slug: letters of any script, digits and single dashes, at most
    MAX_SLUG characters and MAX_SLUG_BYTES bytes of UTF-8."""
    slug = _NON_WORD.sub("-", unicodedata.normalize("NFKC", text).casefold()).strip("-")
    return _cut(slug[:MAX_SLUG], MAX_SLUG_BYTES) or fallback


def _cut(slug: str, limit: int) -> str:
    """slug cut to at most limit bytes of UTF-8, at a character boundary, without a dash at the end."""
    data = slug.encode()
    if len(data) > limit:
        slug = data[:limit].decode("utf-8", "ignore")  # "ignore" drops the part of a cut character
    return slug.rstrip("-")


def _fold(slug: str) -> str:
    """What a case-insensitive file system (Windows, macOS) compares: "ı" and "i" are one name there."""
    return slug.upper().casefold()


def shown(value: Any, limit: int = 100) -> str:
    """A value from the data for a one-line message: cut short, control characters escaped."""
    text = value if isinstance(value, str) else repr(value)
    cut = text[:limit]
    if not cut.isprintable():
        cut = cut.encode("unicode_escape").decode("ascii")
    return cut + ("…" if len(text) > limit else "")


def text(value: Any) -> str | None:
    """Return a stripped string, or None for null, non-strings and empty strings.

    A short one is interned: the data repeats the same few names thousands of times (a landing place,
    a role, a station, an orbit: 389,000 strings of which 162,000 differ at 10,000 records), and one
    object for each keeps the catalog 15 % smaller in memory and 11 % in its pickle (data/gathered.py),
    which stores a shared object once."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) <= SHARED_TEXT:
        return intern(value) if value else None
    return value


SHARED_TEXT = 40  # characters: names and labels, not descriptions


def http_url(value: Any) -> str | None:
    """Return the URL when it is http(s) and every parser reads it alike (weburl.read), else None
    (javascript:, data:, relative, a space, a backslash, a user name...)."""
    url = text(value)
    return url if url and _readable(url) else None


@lru_cache(maxsize=4096)  # records share their configuration's image and license links
def _readable(url: str) -> bool:
    try:
        weburl.read(url)
    except weburl.UrlError:
        return False
    return True


def mapping(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one (null, a list, a string...)."""
    return value if isinstance(value, dict) else {}


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_SIMPLE_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def duration(value: Any, *, where: str | None = None, field: str = "") -> Duration | None:
    """Parse an ISO 8601 duration ("P36DT7H42M8S") into seconds and text; None when absent or bad.

    A value that is there but unreadable is warned about on every call that names `where` (the
    record) and `field`: parsed values are cached, warnings are not.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed = _duration(value) if isinstance(value, str) else None  # a list would not even be hashable
    if parsed is None and where is not None:
        log.warning("%s: unreadable duration %s in %s", where,
                    repr(value[:80]) if isinstance(value, str) else shown(value, 80), field)
    return parsed


@lru_cache(maxsize=65536)
def _duration(value: str) -> Duration | None:
    simple = _SIMPLE_DURATION.fullmatch(value.strip())
    if simple:  # the API's usual form, parsed without isodate's generality
        days, hours, minutes, secs = simple.groups()
        if days or hours or minutes or secs:
            return Duration((((int(days or 0) * 24 + int(hours or 0)) * 60 + int(minutes or 0)) * 60) + int(secs or 0))
    import isodate  # only for the rare other forms: most builds never load it

    try:
        parsed = isodate.parse_duration(value.strip())
        if not isinstance(parsed, timedelta):  # years or months: measure from a fixed epoch
            parsed = parsed.totimedelta(start=isodate.parse_date("2000-01-01"))
    except (isodate.ISO8601Error, ValueError, TypeError, OverflowError):
        return None  # the caller, who knows the record and the field, warns
    return Duration(int(parsed.total_seconds()))


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII: \d also matches other scripts' digits


def iso_date(value: Any) -> str | None:
    """Return the YYYY-MM-DD part of an ISO date or date-time, when it is a real calendar day."""
    value = text(value)
    if not value or not _ISO_DAY.match(value):
        return None
    try:
        date.fromisoformat(value[:10])  # 2026-02-31 is no day
    except ValueError:
        return None
    return intern(value[:10])  # as text(): a date is shared by many flights and events


_AUTO_PREFIX = re.compile(r"^\[AUTO\]\s*", re.IGNORECASE)


def image_title(value: Any) -> str:
    """An image's title as a visitor reads it: without the "[AUTO] " LL2 puts before the titles it made."""
    return _AUTO_PREFIX.sub("", text(value) or "")


def _number(value: Any, unit: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return f"{value:g} {unit}"


class Normalizer:
    """Turn raw records into models, sharing one object per configuration, agency, status, image.

    Sharing matters at scale: 100,000 records name about 60 configurations.

    `reserved` matches the file stems the site writes itself in the folder of every kind's pages
    (a section's index, its list pages: site/urls.py's OWN_STEMS, handed in by the build, since the
    data stage knows no folders): no slug takes one.
    """

    def __init__(self, *, reserved: re.Pattern[str] | None = None) -> None:
        self._configs: dict[int, Configuration] = {}
        self._agencies: dict[int, Agency] = {}
        self._statuses: dict[int, Status] = {}
        self._images: dict[Any, Image] = {}
        self._refused: set[Any] = set()  # keys of images with no http(s) URL, warned about once
        self._contradicted: set[str] = set()  # flights warned about (a flight read again from the flights data)
        self._slugs: dict[str, set[str]] = {"spacecraft": set(), "configuration": set(), "agency": set(),
                                             "status": set(), "flight": set(), "astronaut": set(), "station": set()}
        self._reserved = reserved

    def unique_slug(self, kind: str, name: str, ident: int) -> str:
        """Slug from the name; a later record of the same name gets its id appended, and so does a
        name that is one of the site's own files or a name Windows refuses ("index", "con").

        Slugs are unique as a case-insensitive file system compares them, and stay within
        MAX_SLUG_BYTES with the suffix (the name is cut to make room).
        """
        used = self._slugs[kind]
        slug = slugify(name, fallback=f"{kind}-{ident}")
        if not self._free(slug, used):
            base, tries = slug, 0
            while True:  # "-x" as it always was; past a few, numbers: a bounded name, always an end
                suffix = f"-{ident}" + ("-x" * tries if tries <= 3 else f"-{tries}")
                slug = _cut(base, MAX_SLUG_BYTES - len(suffix)) + suffix
                if self._free(slug, used):
                    break
                tries += 1
        used.add(_fold(slug))
        return slug

    def _free(self, slug: str, used: set[str]) -> bool:
        """Whether a page may be named slug: not taken, not a file of the site's own, not a device name."""
        if _fold(slug) in used or _WINDOWS_DEVICES.fullmatch(slug):
            return False
        return self._reserved is None or not self._reserved.fullmatch(slug)

    def spacecraft(self, raw: Any) -> Spacecraft:
        """Turn one raw spacecraft dict into a model; raise RecordError when it cannot be used."""
        if not isinstance(raw, dict):
            raise RecordError("not an object")
        ident = integer(raw.get("id"))
        if ident is None:
            raise RecordError("no integer id")
        name = text(raw.get("name"))
        if name is None:
            raise RecordError(f"spacecraft {ident}: no name")
        config = self.configuration(raw.get("spacecraft_config"), owner=ident)
        flights = raw.get("flights")
        where = f"spacecraft {ident}"
        return Spacecraft(
            id=ident,
            name=name,
            serial_number=text(raw.get("serial_number")),
            is_placeholder=raw.get("is_placeholder") is True,
            in_space=raw.get("in_space") is True,
            time_in_space=duration(raw.get("time_in_space"), where=where, field="time_in_space"),
            time_docked=duration(raw.get("time_docked"), where=where, field="time_docked"),
            flights_count=integer(raw.get("flights_count")),
            mission_ends_count=integer(raw.get("mission_ends_count")),
            fastest_turnaround=duration(raw.get("fastest_turnaround"), where=where,
                                        field="fastest_turnaround"),
            status=self.status(raw.get("status")),
            description=text(raw.get("description")) or "",
            config=config,
            image=self.image(raw.get("image"), user=f"spacecraft {name}"),
            flights=tuple(self.flights(flights, owner=ident, name=name)) if isinstance(flights, list) else None,
            slug=self.unique_slug("spacecraft", name, ident),
        )

    def configuration(self, raw: Any, *, owner: int) -> Configuration:
        if not isinstance(raw, dict) or integer(raw.get("id")) is None or not text(raw.get("name")):
            raise RecordError(f"spacecraft {owner}: no usable spacecraft_config")
        ident = raw["id"]
        if ident in self._configs:  # every record embeds its configuration; the first copy serves all
            return self._configs[ident]
        name = text(raw["name"]) or ""
        config = Configuration(
            id=ident,
            name=name,
            type=text((raw.get("type") or {}).get("name")) if isinstance(raw.get("type"), dict) else None,
            agency=self.agency(raw.get("agency")),
            family=tuple(self.families(raw.get("family"))),
            in_use=raw.get("in_use") if isinstance(raw.get("in_use"), bool) else None,
            image=self.image(raw.get("image"), user=f"configuration {name}"),
            specs=self.specs(raw, owner=owner),
            details=text(raw.get("details")),
            slug=self.unique_slug("configuration", name, ident),
        )
        self._configs[ident] = config
        return config

    def agency(self, raw: Any) -> Agency:
        if not isinstance(raw, dict) or integer(raw.get("id")) is None:
            raw = {"id": 0, "name": "Unknown agency"}
        ident = raw["id"]
        if ident not in self._agencies:
            name = text(raw.get("name")) or f"Agency {ident}"
            kind = raw.get("type")
            self._agencies[ident] = Agency(
                id=ident,
                name=name,
                abbrev=text(raw.get("abbrev")),
                type=text(kind.get("name")) if isinstance(kind, dict) else None,
                slug=self.unique_slug("agency", text(raw.get("abbrev")) or name, ident),
            )
        return self._agencies[ident]

    def status(self, raw: Any) -> Status:
        if not isinstance(raw, dict) or integer(raw.get("id")) is None:
            raw = {"id": 0, "name": "Unknown"}
        ident = raw["id"]
        if ident not in self._statuses:
            name = text(raw.get("name")) or f"Status {ident}"
            self._statuses[ident] = Status(ident, name, self.unique_slug("status", name, ident))
        return self._statuses[ident]

    def image(self, raw: Any, *, user: str) -> Image | None:
        """The image of `user` ("spacecraft Soyuz 29"), or None: no image, or none with an http(s)
        URL (javascript:, data:, file:...), which is warned about once per image as any image that
        cannot be shown is."""
        if not isinstance(raw, dict):
            return None
        image_url, thumb_url = http_url(raw.get("image_url")), http_url(raw.get("thumbnail_url"))
        ident = integer(raw.get("id"))
        if not image_url and not thumb_url:
            given = text(raw.get("image_url")) or text(raw.get("thumbnail_url"))
            if given is not None and (ident if ident is not None else given) not in self._refused:
                self._refused.add(ident if ident is not None else given)
                log.warning("no image for %s: %s is not an http(s) URL", shown(user), shown(given))
            return None
        key = ident if ident is not None else image_url or thumb_url
        if key not in self._images:
            lic = mapping(raw.get("license"))
            self._images[key] = Image(
                id=ident,
                name=image_title(raw.get("name")),
                image_url=image_url,
                thumbnail_url=thumb_url,
                credit=text(raw.get("credit")),
                license=License(text(lic.get("name")) or "Unknown", http_url(lic.get("link"))),
            )
        return self._images[key]

    def families(self, raw: Any) -> Iterator[Family]:
        for fam in raw if isinstance(raw, list) else ():
            if isinstance(fam, dict) and integer(fam.get("id")) is not None and text(fam.get("name")):
                maker = fam.get("manufacturer")
                yield Family(
                    id=fam["id"],
                    name=text(fam["name"]) or "",
                    description=text(fam.get("description")),
                    manufacturer=text(maker.get("name")) if isinstance(maker, dict) else None,
                    maiden_flight=iso_date(fam.get("maiden_flight")),
                )

    def specs(self, raw: dict[str, Any], *, owner: int) -> tuple[Spec, ...]:
        """The detailed-mode configuration fields worth showing, in reading order."""
        def yes_no(v: Any) -> str | None:
            return None if not isinstance(v, bool) else ("Yes" if v else "No")

        def count(v: Any) -> str | None:
            return None if integer(v) is None else f"{v:,}"

        rows: list[tuple[str, str | None, str | None]] = [
            ("Capability", text(raw.get("capability")), None),
            ("History", text(raw.get("history")), None),
            ("Maiden flight", iso_date(raw.get("maiden_flight")), None),
            ("Human-rated", yes_no(raw.get("human_rated")), None),
            ("Crew capacity", count(raw.get("crew_capacity")), None),
            ("Height", _number(raw.get("height"), "m"), None),
            ("Diameter", _number(raw.get("diameter"), "m"), None),
            ("Payload capacity", _number(raw.get("payload_capacity"), "kg"), None),
            ("Payload return capacity", _number(raw.get("payload_return_capacity"), "kg"), None),
            ("Flight life", text(raw.get("flight_life")), None),
            ("Spacecraft flown", count(raw.get("spacecraft_flown")), None),
            ("Launches", count(raw.get("total_launch_count")), None),
            ("Successful launches", count(raw.get("successful_launches")), None),
            ("Failed launches", count(raw.get("failed_launches")), None),
            ("Attempted landings", count(raw.get("attempted_landings")), None),
            ("Successful landings", count(raw.get("successful_landings")), None),
            ("Failed landings", count(raw.get("failed_landings")), None),
            ("Fastest turnaround", _duration_text(raw.get("fastest_turnaround"), where=f"spacecraft {owner}",
                                                  field="spacecraft_config.fastest_turnaround"), None),
            ("Wikipedia", "Wikipedia article", http_url(raw.get("wiki_link"))),
            ("More information", "Official page", http_url(raw.get("info_link"))),
        ]
        return tuple(Spec(label, value, link) for label, value, link in rows
                     if value and (link or label not in ("Wikipedia", "More information")))

    def flights(self, raw: list[Any], *, owner: int, name: str | None = None) -> Iterator[Flight]:
        contradicted: list[str] = []  # flights whose mission end is before their launch: one warning
        for item in raw:
            if not isinstance(item, dict) or integer(item.get("id")) is None:
                continue
            launch = mapping(item.get("launch"))
            landing = mapping(item.get("landing"))
            where = f"spacecraft {owner}, flight {item['id']}"
            yield Flight(
                id=item["id"],
                launch_name=text(launch.get("name")),
                launch_date=iso_date(launch.get("net")),
                destination=text(item.get("destination")),
                mission_end=iso_date(item.get("mission_end")),
                duration=duration(item.get("duration"), where=where, field="duration"),
                turnaround=duration(item.get("turn_around_time"), where=where, field="turn_around_time"),
                landing=_landing_text(landing),
                launch_id=text(launch.get("id")),
                **_launch_details(launch, item, contradicted),
            )
        contradicted = [c for c in contradicted if c not in self._contradicted]  # once per flight and build
        self._contradicted.update(contradicted)
        if contradicted:
            log.warning("spacecraft %s (%s): %s; shown as the API gives %s, with no duration computed", owner,
                        shown(name or "?"), "; ".join(contradicted), "it" if len(contradicted) == 1 else "them")


def _launch_details(launch: Any, item: dict[str, Any], contradicted: list[str]) -> dict[str, Any]:
    """A flight's launch details (LaunchNormal: designator, rocket, pad, mission, status) and what
    follows from its dates: the span where the API gives no duration, or the contradiction of a
    mission end before the launch (noted in `contradicted`, which the caller warns about once)."""
    def name(value: Any, key: str = "name") -> str | None:
        return text(value.get(key)) if isinstance(value, dict) else None

    def part(value: Any, key: str) -> Any:
        return value.get(key) if isinstance(value, dict) else None

    mission, pad = part(launch, "mission"), part(launch, "pad")
    rocket = part(part(launch, "rocket"), "configuration")
    mission_type = part(mission, "type")  # a string in 2.3.0's Mission; an object in some older data
    details: dict[str, Any] = {
        "designator": name(launch, "launch_designator") or name(mission, "launch_designator"),
        "rocket": name(rocket, "full_name") or name(rocket),
        "pad": name(pad), "location": name(part(pad, "location")),
        "mission": name(mission), "mission_type": text(mission_type) or name(mission_type),
        "orbit": name(part(mission, "orbit")), "launch_status": name(part(launch, "status")),
        "docked": _docked(item.get("docking_events")),
    }
    start, end = _instant(part(launch, "net")), _instant(item.get("mission_end"))
    if start is not None and end is not None:
        if end < start:
            details["ends_before_launch"] = True
            contradicted.append(f"flight {shown(item.get('id'))} ({shown(name(launch) or '?')}) ends "
                                f"{end.date().isoformat()}, before its launch on {start.date().isoformat()}")
        elif item.get("duration") in (None, ""):
            details["span"] = Duration(int((end - start).total_seconds()))
    return details


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 date-time of the API (UTC), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _docked(events: Any) -> tuple[tuple[str, str | None], ...]:
    """(docking, departure) dates of a detailed flight's docking events; the spacecraft endpoint sends none."""
    out = []
    for event in events if isinstance(events, list) else ():
        docking = iso_date(event.get("docking")) if isinstance(event, dict) else None
        if docking:
            out.append((docking, iso_date(event.get("departure"))))
    return tuple(sorted(out))


def _duration_text(value: Any, *, where: str, field: str) -> str | None:
    parsed = duration(value, where=where, field=field)
    return parsed.text if parsed else None


def _landing_text(landing: dict[str, Any]) -> str | None:
    location = landing.get("landing_location")
    where = text(location.get("name")) if isinstance(location, dict) else None
    success = landing.get("success")
    outcome = {True: "Landed", False: "Landing failed"}.get(success) if isinstance(success, bool) else None
    parts = [p for p in (outcome, where) if p]
    return intern(" — ".join(parts)) if parts else None  # a few values, on every flight (text())


def normalize_all(records: Iterable[Any], *, reserved: re.Pattern[str] | None = None,
                  normalizer: Normalizer | None = None) -> list[Spacecraft]:
    """Normalize records in order, skipping (with a warning naming the id) those that cannot be used;
    no slug matches `reserved` (the site's own file stems, see Normalizer). Pass `normalizer` to
    share its agencies, images and slugs with what is normalized after (the crew data)."""
    normalizer = normalizer or Normalizer(reserved=reserved)
    out: list[Spacecraft] = []
    seen: set[int] = set()
    for raw in records:
        ident = integer(raw.get("id")) if isinstance(raw, dict) else None
        if ident is not None and ident in seen:  # a hand-made or merged file; a crawl keeps each id once
            log.warning("spacecraft record %s appears again in the data: the first is kept", ident)
            continue
        try:
            out.append(normalizer.spacecraft(raw))
            if ident is not None:
                seen.add(ident)
        except RecordError as exc:
            ident = raw.get("id") if isinstance(raw, dict) else None
            log.warning("skipping spacecraft record %s: %s", ident if ident is not None else "?", exc)
    return out
