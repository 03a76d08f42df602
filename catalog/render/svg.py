"""Charts as inline SVG, drawn at build time from the views of site/stats.py and site/timelines.py.

Hand-written rather than a chart library: four kinds of chart of a few dozen marks each need
rectangles, lines and text, and a library would bring a dependency (or a script) for that. Every
chart is role="img" with a <title> and a <desc>, every mark has a <title> naming what it stands
for, every text is XML-escaped, every number has fixed decimals (the same data, the same bytes),
and colours come from site.css's custom properties (--chart-*), so dark mode and print follow the
page. No script, no link, no external reference: a chart works from file:// and on paper.
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup

from ..site.stats import ROWS, Breakdown, Histogram, Occupancy, Year, Years
from ..site.timelines import Timeline

WIDTH = 800
SERIES = 6  # colours of site.css: --chart-0 .. --chart-5
BAR_ROWS = ROWS  # bars drawn in a breakdown; the rest are one "others" bar (so is the table)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def esc(text: str) -> str:
    """Text or an attribute value, XML-escaped."""
    return text.translate(_ESCAPES)


def n(value: float) -> str:
    """A coordinate with one fixed decimal: the same bytes on every machine."""
    return f"{value:.1f}"


CHAR_W = 0.62  # the widest a character of the system sans-serif usually is, in ems (a capital, a digit)


def cut(text: str, width: float, font: float = 13) -> str:
    """A label short enough for `width` px of its column at `font` px (the mark's <title> keeps the whole
    name): measured against a generous character width, so no label runs past the chart's edge."""
    limit = max(int(width / (font * CHAR_W)), 2)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(kind: str, width: int, height: float, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {n(height)}" width="{width}" height="{n(height)}" fill="currentColor" font-size="13">'
        f"<title>{esc(title)}</title><desc>{esc(desc)}</desc>{''.join(body)}</svg>")


def _mark(tag: str, attrs: str, title: str) -> str:
    return f"<{tag} {attrs}><title>{esc(title)}</title></{tag}>"


def _ticks(low: float, high: float, count: int = 5) -> list[int]:
    """Round values for an axis from low to high (about `count` of them)."""
    span = max(high - low, 1)
    step = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = candidate
        if span / candidate <= count:
            break
    first = int(-(-low // step) * step)
    return list(range(first, int(high) + 1, step))


# --- Timelines ------------------------------------------------------------------------------------

def timeline(view: Timeline) -> Markup:
    """A timeline: a row per spacecraft (or flight), each flight a bar from launch to mission end."""
    label_w, row_h, top = 190, 20, 8
    x0, x1 = label_w + 10, WIDTH - 24
    span = max(view.end - view.start, 1)

    def x(day: int) -> float:
        return x0 + (day - view.start) * (x1 - x0) / span

    height = top + len(view.rows) * row_h + 28
    axis_y = top + len(view.rows) * row_h + 4
    body = [f'<rect class="plot" x="{x0}" y="{top - 4}" width="{x1 - x0}" height="{len(view.rows) * row_h + 8}"/>']
    first, last = date.fromordinal(view.start).year, date.fromordinal(view.end).year
    for year in _ticks(first, last, 8):
        tx = x(date(year, 1, 1).toordinal())
        body.append(f'<line class="grid" x1="{n(tx)}" y1="{top - 4}" x2="{n(tx)}" y2="{axis_y}"/>'
                    f'<text class="tick" x="{n(tx)}" y="{axis_y + 16}" text-anchor="middle">{year}</text>')
    for i, row in enumerate(view.rows):
        y = top + i * row_h
        mid = y + row_h / 2
        body.append(f'<text class="label" x="{label_w}" y="{n(mid + 4)}" text-anchor="end"><title>{esc(row.title)}'
                    f"</title>{esc(cut(row.label, label_w))}</text>")
        for bar in row.bars:
            bx, bw = x(bar.start), max(x(bar.end) - x(bar.start), 3.0)
            if bar.gap_from is not None:
                gx = x(bar.gap_from)
                body.append(_mark("line", f'class="mark gap" x1="{n(gx)}" y1="{n(mid)}" x2="{n(bx)}" y2="{n(mid)}"',
                                  f"{bar.gap}: {bar.title}"))
                if bar.gap:  # on the gap when it has room, else beside the bar, else before the gap
                    text_w = len(bar.gap) * 6.2  # 11 px text, about 6 px a character
                    if bx - gx >= text_w + 8:
                        tx, anchor = (gx + bx) / 2, "middle"
                    elif bx + bw + 5 + text_w <= x1:
                        tx, anchor = bx + bw + 5, "start"
                    else:
                        tx, anchor = max(gx - 5, x0 + text_w), "end"
                    body.append(f'<text class="gap-label" x="{n(tx)}" y="{n(mid + 4)}" text-anchor="{anchor}">'
                                f"{esc(bar.gap)}</text>")
            if bar.kind == "point":
                body.append(_mark("circle", f'class="mark point" cx="{n(bx)}" cy="{n(mid)}" r="4"', bar.title))
            else:
                body.append(_mark("rect", f'class="mark {bar.kind}" x="{n(bx)}" y="{n(y + 4)}" width="{n(bw)}" '
                                          f'height="{row_h - 8}" rx="2"', bar.title))
            for dock, leave in bar.docked:
                dx = x(dock)
                body.append(_mark("rect", f'class="mark docked" x="{n(dx)}" y="{n(y + 7)}" '
                                          f'width="{n(max(x(leave) - dx, 2.0))}" height="{row_h - 14}"',
                                  f"docked from {date.fromordinal(dock).isoformat()} to "
                                  f"{date.fromordinal(leave).isoformat()}: {bar.title}"))
    return _svg("timeline", WIDTH, height, view.title, view.desc, body)


# --- Statistics -----------------------------------------------------------------------------------

def years(view: Years) -> Markup:
    """Flights per year, stacked by agency: one path per agency (its bars), one titled column per year.

    A mark per agency and year would be some 300 rectangles and titles at 10,000 records; drawn as a
    path per series, the chart stays a few dozen elements whatever the catalog's size, and each year's
    column still names its figures on hover (and the table under the chart lists them)."""
    desc = (f"{view.flights:,} flights of {view.spacecraft:,} spacecraft with listed flights, by year of launch from "
            f"{view.years[0].year} to {view.years[-1].year}, stacked by the agency of the spacecraft's configuration.")
    return _stacked(view.series, view.years, ("flight", "flights"), "Flights per year, by agency", desc)


def occupancy(view: Occupancy) -> Markup:
    """Days docked per year at each station, stacked: how occupied the stations were over time."""
    desc = (f"Days docked per year, summed over {view.events:,} docking events of the catalog's spacecraft, "
            f"from {view.years[0].year} to {view.years[-1].year}, stacked by station.")
    return _stacked(view.series, view.years, ("day docked", "days docked"), "Station occupancy per year", desc)


def _stacked(series: tuple[str, ...], years: tuple[Year, ...], unit: tuple[str, str], title: str,
             desc: str) -> Markup:
    """Stacked bars per year, one path per series; `unit` in the singular and the plural."""
    left, top, plot_h = 44, 12, 220
    x1 = WIDTH - 10
    legend_h = 22 * ((len(series) + 2) // 3)
    height = top + plot_h + 30 + legend_h
    peak = max((y.total for y in years), default=0) or 1
    ticks = _ticks(0, peak, 5)
    scale = plot_h / max(peak, ticks[-1] if ticks else 1)
    slot = (x1 - left) / max(len(years), 1)
    base = top + plot_h
    body = []
    for t in ticks:
        ty = base - t * scale
        body.append(f'<line class="grid" x1="{left}" y1="{n(ty)}" x2="{x1}" y2="{n(ty)}"/>'
                    f'<text class="tick" x="{left - 6}" y="{n(ty + 4)}" text-anchor="end">{t}</text>')
    paths: list[list[str]] = [[] for _ in series]
    totals = [0] * len(series)
    columns, labels = [], []
    label_every = max(1, round(len(years) / 12))
    bw = max(slot * 0.76, 1.0)
    for i, year in enumerate(years):
        bx = left + i * slot + slot * 0.12
        y = float(base)
        for s, count in enumerate(year.parts):
            if count:
                h = count * scale
                y -= h
                paths[s].append(f"M{n(bx)} {n(y)}h{n(bw)}v{n(h)}h-{n(bw)}z")
                totals[s] += count
        columns.append(_mark("rect", f'class="mark hit" x="{n(left + i * slot)}" y="{top}" width="{n(slot)}" '
                                     f'height="{plot_h}"',
                             f"{year.year}: {year.total:,} {unit[year.total != 1]}"
                             + (f" ({year.by_series(series)})" if year.total else "")))
        if i % label_every == 0:
            labels.append(f'<text class="tick" x="{n(left + i * slot + slot / 2)}" y="{base + 16}" '
                          f'text-anchor="middle">{year.year}</text>')
    for s, d in enumerate(paths):
        if d:
            body.append(_mark("path", f'class="mark s{s % SERIES}" d="{"".join(d)}"',
                              f"{series[s]}: {totals[s]:,} {unit[totals[s] != 1]} from "
                              f"{years[0].year} to {years[-1].year}"))
    body += labels + columns  # the columns last, over the bars, so that hovering a year names its figures
    for s, name in enumerate(series):
        lx, ly = left + (s % 3) * 250, base + 34 + (s // 3) * 22
        body.append(f'<rect class="s{s % SERIES}" x="{lx}" y="{ly - 10}" width="12" height="12" rx="2"/>'
                    f'<text x="{lx + 18}" y="{ly}">{esc(cut(name, 250 - 18 - 8))}</text>')
    return _svg("years", WIDTH, height, title, desc, body)


def histogram(view: Histogram) -> Markup:
    """How many spacecraft spent how long in space."""
    left, top, plot_h = 44, 12, 200
    x1 = WIDTH - 10
    height = top + plot_h + 34
    peak = max((b.value for b in view.buckets), default=0) or 1
    ticks = _ticks(0, peak, 5)
    scale = plot_h / max(peak, ticks[-1] if ticks else 1)
    slot = (x1 - left) / len(view.buckets)
    base = top + plot_h
    body = []
    for t in ticks:
        ty = base - t * scale
        body.append(f'<line class="grid" x1="{left}" y1="{n(ty)}" x2="{x1}" y2="{n(ty)}"/>'
                    f'<text class="tick" x="{left - 6}" y="{n(ty + 4)}" text-anchor="end">{t:,}</text>')
    for i, bucket in enumerate(view.buckets):
        bx, h = left + i * slot + slot * 0.1, bucket.value * scale
        body.append(_mark("rect", f'class="mark s0" x="{n(bx)}" y="{n(base - h)}" width="{n(slot * 0.8)}" '
                                  f'height="{n(h)}"',
                          f"{bucket.label} in space: {bucket.value:,} spacecraft"))
        body.append(f'<text class="tick" x="{n(left + i * slot + slot / 2)}" y="{base + 16}" '
                    f'text-anchor="middle">{esc(bucket.label)}</text>')
    desc = (f"The time in space of {view.counted:,} spacecraft in {len(view.buckets)} ranges, from under a day to "
            f"two years or more; {view.unknown:,} spacecraft with no time in space given are left out.")
    return _svg("histogram", WIDTH, height, "Distribution of time in space", desc, body)


def breakdown(view: Breakdown) -> Markup:
    """A count per group as horizontal bars, the largest first; past BAR_ROWS, one bar for the rest."""
    counts = list(view.shown)
    rest = view.rest
    rows = [(c.label, c.value, f"{c.label}: {c.value:,} spacecraft") for c in counts]
    if rest:
        total = view.rest_total
        rows.append((f"{len(rest):,} others", total, f"{len(rest):,} others together: {total:,} spacecraft"))
    label_w, row_h, top = 230, 22, 4
    x0, x1 = label_w + 10, WIDTH - 70
    peak = max((r[1] for r in rows), default=0) or 1
    height = top + len(rows) * row_h + 6
    body = []
    for i, (label, count, title) in enumerate(rows):
        y = top + i * row_h
        w = max(count * (x1 - x0) / peak, 1.0)
        body.append(f'<text class="label" x="{label_w}" y="{n(y + 15)}" text-anchor="end">{esc(cut(label, label_w))}</text>')
        body.append(_mark("rect", f'class="mark s{i % SERIES if view.key == "status" else 0}" x="{x0}" y="{n(y + 3)}" '
                                  f'width="{n(w)}" height="{row_h - 6}" rx="2"', title))
        body.append(f'<text class="value" x="{n(x0 + w + 6)}" y="{n(y + 15)}">{count:,}</text>')
    shown = f"the {len(counts)} largest and the other {len(rest):,} together" if rest else f"all {len(counts)}"
    desc = f"{view.title}: {shown}, as horizontal bars, largest first."
    return _svg("bars", WIDTH, height, view.title, desc, body)


def draw(view: object) -> Markup:
    """The chart of a view (the templates' `chart` filter)."""
    if isinstance(view, Timeline):
        return timeline(view)
    if isinstance(view, Years):
        return years(view)
    if isinstance(view, Occupancy):
        return occupancy(view)
    if isinstance(view, Histogram):
        return histogram(view)
    if isinstance(view, Breakdown):
        return breakdown(view)
    raise TypeError(f"no chart for {type(view).__name__}")
