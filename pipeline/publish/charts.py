"""The published barometer's charts as static SVG.

The published barometer's charts as static SVG, written here: a series over the years, bars among peers, and the
compass as one small radar per territory.

Written by hand rather than rendered by a charting library because each chart is a few shapes and what matters is
in the markup: every mark is a link to its fact's card with a tooltip (<title>) giving the figure, year, source and
fact id, and carries `data-fact` / `data-value` so the tests read every plotted value back; the chart has its own
<title> and <desc> (its accessible name and text alternative, with the data table beside it on the page); nothing is
fetched (no script, no font), so the same SVG shows offline, in the page and in the PDF report. Labels are the
figures themselves (no numbered value axis): every number on a chart is a fact's figure, a year, a rank or a
compass score. Every text is escaped; the output is well-formed XML.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

SEA, SEA_DARK, OCHRE, MUTED, LINE, INK = "#0b4f71", "#083a54", "#9a3b17", "#4a545e", "#d9cfbf", "#1c2329"
FONT = 'font-family="DejaVu Sans, Segoe UI, Arial, sans-serif"'


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Mark:
    """One plotted figure: its category (a year, a territory), its value, the value as shown, where it links."""

    label: str
    value: float
    text: str          # the figure as shown beside the mark (the fact's value in the page's language)
    href: str
    tip: str           # the tooltip: figure, year, source, fact id
    fact: str          # the fact id ("" for a compass score)
    highlight: bool = False   # the home territory
    stale: bool = False


def _open(cid: str, width: int, height: int, title: str, desc: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="group" aria-labelledby="{cid}-t" aria-describedby="{cid}-d" '
            f'id="{cid}">\n<title id="{cid}-t">{_e(title)}</title>\n<desc id="{cid}-d">{_e(desc)}</desc>\n')


def _link(m: Mark, shape: str) -> str:
    """A mark as a link to its fact: the tooltip is the link's <title>, its accessible name the same words."""
    return (f'<a href="{_e(m.href)}" aria-label="{_e(m.tip)}" class="mark{" home" if m.highlight else ""}'
            f'{" stale" if m.stale else ""}" data-fact="{_e(m.fact)}" data-value="{m.value!r}" '
            f'data-label="{_e(m.label)}"><title>{_e(m.tip)}</title>{shape}</a>\n')


def _text(x: float, y: float, text: str, size: int = 13, anchor: str = "middle", fill: str = INK,
          weight: str = "normal", cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" {FONT}{c}>{_e(text)}</text>\n')


def line_svg(cid: str, title: str, desc: str, marks: list[Mark], invert: bool = False) -> str:
    """The home territory's figures over the years: one point per year, each labelled with its figure.

    The vertical scale starts at zero (a rank: 1 at the top when `invert`); the years are placed in proportion."""
    width, height, left, right, top, bottom = 640, 280, 40, 40, 36, 44
    n = len(marks)
    hi = max((m.value for m in marks), default=1) or 1
    lo = 0.0 if not invert else min(1.0, min(m.value for m in marks))

    years = [int(m.label) for m in marks] if all(m.label.isdigit() for m in marks) else list(range(n))
    lo_x, hi_x = min(years, default=0), max(years, default=0)

    def x(i: int) -> float:  # proportional to the year: a year with no figure is a gap, not hidden
        return left + (width - left - right) * (0.5 if hi_x == lo_x else (years[i] - lo_x) / (hi_x - lo_x))

    def y(v: float) -> float:
        span = (hi - lo) or 1
        share = (v - lo) / span
        return top + (height - top - bottom) * (share if invert else 1 - share)

    out = [_open(cid, width, height, title, desc),
           f'<line x1="{left - 10}" y1="{height - bottom}" x2="{width - right + 10}" y2="{height - bottom}" '
           f'stroke="{LINE}" stroke-width="1"/>\n']
    if n > 1:
        pts = " ".join(f"{x(i):.1f},{y(m.value):.1f}" for i, m in enumerate(marks))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{SEA}" stroke-width="2.5"/>\n')
    for i, m in enumerate(marks):
        cx, cy = x(i), y(m.value)
        fill = "#fff" if m.stale else SEA
        shape = (f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{fill}" stroke="{SEA_DARK}" stroke-width="2"/>'
                 + _text(cx, cy - 12, m.text, 13, weight="bold", fill=SEA_DARK))
        out.append(_link(m, shape))
        out.append(_text(cx, height - bottom + 22, m.label, 13, fill=MUTED))
    out.append("</svg>")
    return "".join(out)


def bars_svg(cid: str, title: str, desc: str, marks: list[Mark], invert: bool = False) -> str:
    """The territories' figures for one year as horizontal bars, in rank order, each labelled with its figure.

    The home's bar is drawn in ochre and its name in bold (the table beside says it in words too). With `invert` (a
    rank, lower is better) each figure is a dot on a line from rank 1 on the left: a longer bar would read as more."""
    row, left, width, right, top = 34, 230, 640, 90, 10
    height = top + row * len(marks) + 10
    hi = max((abs(m.value) for m in marks), default=1) or 1
    out = [_open(cid, width, height, title, desc)]
    for i, m in enumerate(marks):
        y0 = top + i * row
        w = max(2.0, (width - left - right) * abs(m.value) / hi)
        colour = OCHRE if m.highlight else SEA
        if invert:  # a rank: a dot at its place on a line from 1 (the best, on the left), not a bar whose length
            # would read as "more"
            cx = left + 8 + (width - left - right - 8) * (m.value - 1) / max(hi - 1, 1)
            shape = (f'<line x1="{left}" y1="{y0 + row / 2:.1f}" x2="{width - right}" y2="{y0 + row / 2:.1f}" '
                     f'stroke="{LINE}"/><circle cx="{cx:.1f}" cy="{y0 + row / 2:.1f}" r="7" '
                     f'fill="{"#fff" if m.stale else colour}" stroke="{colour}" stroke-width="2"/>'
                     + _text(cx + 12, y0 + row / 2 + 5, m.text, 13, anchor="start", weight="bold", fill=INK))
            out.append(_text(left - 8, y0 + row / 2 + 5, m.label, 13, anchor="end", fill=INK,
                             weight="bold" if m.highlight else "normal"))
            out.append(_link(m, shape))
            continue
        shape = (f'<rect x="{left}" y="{y0 + 6}" width="{w:.1f}" height="{row - 12}" fill="{colour}"'
                 + (f' fill-opacity="0.45" stroke="{colour}" stroke-dasharray="4 2"' if m.stale else "") + "/>"
                 + _text(left + w + 6, y0 + row / 2 + 5, m.text, 13, anchor="start", weight="bold", fill=INK))
        out.append(_text(left - 8, y0 + row / 2 + 5, m.label, 13, anchor="end", fill=INK,
                         weight="bold" if m.highlight else "normal"))
        out.append(_link(m, shape))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Radar:
    """One territory's compass: its score (0-100) per dimension, None where it has none."""

    name: str
    caption: str                 # e.g. "1er · 62" (its rank and overall score), or "non classé"
    scores: list[float | None]   # in the order of the axes
    marks: list[Mark | None]     # the same scores as links (None where no score)
    highlight: bool = False


def radar_svgs(cid: str, axes: list[str], radars: list[Radar], names: tuple[str, str]) -> list[str]:
    """The compass as small multiples: one radar (one SVG, so that they wrap on a narrow screen) per territory, the
    same axes (dimensions), 0 at the centre and 100 at the rim; a dimension without a score is left open (no point,
    no line to it), never drawn as 0. `names`: the title and description templates ({name}, {caption}, {scores})."""
    cell_w, cell_h, r = 300, 236, 62
    k = len(axes)
    out = []

    def point(cx: float, cy: float, i: int, share: float) -> tuple[float, float]:
        a = -math.pi / 2 + 2 * math.pi * i / k
        return cx + r * share * math.cos(a), cy + r * share * math.sin(a)

    for n, rad in enumerate(radars):
        x0, y0 = 0, 0
        cx, cy = cell_w / 2, 58 + r + 8
        colour = OCHRE if rad.highlight else SEA
        scores = "; ".join(f"{a} {m.text}" for a, m in zip(axes, rad.marks) if m is not None)
        svg = [_open(f"{cid}-{n}", cell_w, cell_h, names[0].format(name=rad.name, caption=rad.caption),
                     names[1].format(name=rad.name, caption=rad.caption, scores=scores or "—")),
               f'<g class="radar{" home" if rad.highlight else ""}" data-territory="{_e(rad.name)}">\n',
               _text(cx, y0 + 18, rad.name, 14, weight="bold", fill=OCHRE if rad.highlight else SEA_DARK),
               _text(cx, y0 + 35, rad.caption, 12, fill=MUTED)]
        for ring in (0.5, 1.0):
            pts = " ".join("{:.1f},{:.1f}".format(*point(cx, cy, i, ring)) for i in range(k))
            svg.append(f'<polygon points="{pts}" fill="none" stroke="{LINE}" stroke-width="1"/>\n')
        for i, label in enumerate(axes):
            ex, ey = point(cx, cy, i, 1.0)
            svg.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{LINE}"/>\n')
            half = 3.4 * len(label) + 4  # about half the label's width at 11 px: kept inside the radar's box
            lx = min(max(ex, x0 + half), x0 + cell_w - half)
            ly = ey - 7 if ey < cy - 1 else ey + 16
            svg.append(_text(lx, ly, label, 11, fill=MUTED))
        have = [(i, s) for i, s in enumerate(rad.scores) if s is not None]
        if len(have) == k and k > 2:
            pts = " ".join("{:.1f},{:.1f}".format(*point(cx, cy, i, s / 100)) for i, s in have)
            svg.append(f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.22" stroke="{colour}" '
                       f'stroke-width="2"/>\n')
        else:  # open where a score is missing: only the segments between neighbours that both have one
            for (i, s), (j, t) in zip(have, have[1:] + have[:1]):
                if (j - i) % k == 1:
                    (x1, y1), (x2, y2) = point(cx, cy, i, s / 100), point(cx, cy, j, t / 100)
                    svg.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                               f'stroke-width="2"/>\n')
        for i, m in enumerate(rad.marks):
            if m is None:
                continue
            px, py = point(cx, cy, i, m.value / 100)
            svg.append(_link(m, f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="{colour}" stroke="#fff" '
                                f'stroke-width="1"/>'))
        svg.append("</g>\n</svg>")
        out.append("".join(svg))
    return out
