"""What a document's figure counts when only its layout says it.

Tables flattened into text, subjects of a verb of measure, figures that share the unit of the one before: used by
propose-facts (proposals.py) on what the figure reader found.

- A **row of values** read as one number: "Population 889 029 908 600 874 436 … 863 310" (a table's row, as a PDF or a
  web page gives it) is no 10^47; beyond four groups of three digits, the figure is split into values of equal
  width, the narrowest whose values start with no 0 and stay within a factor of two of each other (six digits here:
  889 029, 908 600, … 863 310).
- A **label before its value**: "Étudiants Près de 80 000 Effectif 8 000" (an infobox) counts students, then staff:
  at the start of a sentence, or right after the previous value, a capitalised word followed by the figure (and
  perhaps "près de", "environ") is what the figure counts, and the capitalised word after it is the next label, not
  its unit.
  The values of one row share its label.
- A figure **after its subject and a verb of measure**: "its population was 1,889,666", "l'effectif atteint
  8 000": the subject, when the figure reader knows it as something counted.
- A figure **sharing the previous one's unit**: "9 200 personnes en France dont 8 500 à Marignane": after "dont",
  "soit", "parmi lesquels", "including", "of which", a figure with no unit of its own counts what the figure before it
  in the sentence counts."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.verify.figures import Figure, extract_figures

_GROUPS = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3}){4,}$")
_APPROX = r"(?:près de|pres de|environ|plus de|moins de|presque|quelque|about|around|nearly|over|some|almost)"
_LABEL_BEFORE = re.compile(r"(?:^|\s)([A-ZÀ-Ý][^\W\d_]+(?:[ '’-][a-zà-ÿ][^\W\d_]+)?)\s+(?:" + _APPROX + r"\s+)?$",
                           re.IGNORECASE)
_CAPITAL = re.compile(r"[A-ZÀ-Ý]")
# "its population was 1,889,666", "la population de la métropole s'élève à 1 900 000", "l'effectif atteint 8 000"
_SUBJECT = re.compile(r"([^\W\d_]{3,})(?:\s+(?:de|du|des|of)(?:\s+(?:la|le|les|the))?\s+(?:l['’])?[^\W\d_]+)?"
                      r"\s+(?:was|is|were|are|stood at|reached|totall?ed|est de|était de|sont de|"
                      r"s'élève à|s’élève à|s'élevait à|s’élevait à|atteint|atteignait|se monte à)\s+(?:"
                      + _APPROX + r"\s+)?$", re.IGNORECASE)
_NEXT_LABEL = re.compile(r"^\s+[A-ZÀ-Ý][^\W\d_]+(?:\s+[^\W\d_]+){0,2}\s+(?:" + _APPROX + r"\s+)?\d")
_SHARES = re.compile(r"\b(?:dont|soit|parmi lesquels|parmi lesquelles|including|of which)\s+(?:" + _APPROX
                     + r"\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """What a figure counts when the sentence's layout says it: the reader's family and the words shown."""

    family: str
    words: str


def split_rows(figs: list[Figure]) -> list[Figure]:
    """The figures with every run-together row replaced by its values (in place, reading order kept)."""
    out: list[Figure] = []
    for g in figs:
        out += _row(g) if g.kind == "number" and g.unit is None and _GROUPS.match(g.raw) else [g]
    return out


def _row(g: Figure) -> list[Figure]:
    groups = re.split(r"[ \u00a0\u202f]", g.raw)
    if len(groups[0]) != 3:  # a row's values are all written in full groups
        return [g]
    for width in range(1, len(groups) // 2 + 1):
        if len(groups) % width:
            continue
        values = [" ".join(groups[i:i + width]) for i in range(0, len(groups), width)]
        amounts = [float(v.replace(" ", "")) for v in values]
        if any(v.startswith("0") for v in values) or max(amounts) > 2 * min(amounts):
            continue
        out, at = [], g.start
        for v, amount in zip(values, amounts):
            out.append(replace(g, raw=v, value=amount, start=at, end=at + len(v), precision=1.0, scale=1.0))
            at += len(v) + 1
        return out
    return [g]


def layout_units(sentence: str, figs: list[Figure], lang: str) -> dict[int, Unit]:
    """figure's position in `figs` → what it counts by the sentence's layout (a row's label, a shared unit), for the
    figures whose own reading does not say or says wrong."""
    out: dict[int, Unit] = {}
    for n, g in enumerate(figs):
        if g.kind != "number":
            continue
        prev = figs[n - 1] if n and figs[n - 1].end <= g.start else None
        head = sentence[prev.end if prev else 0:g.start]  # from the figure before (or the sentence's start)
        label = _label_before(head)
        if label and (g.unit is None and g.noun is None or _NEXT_LABEL.match(sentence[g.end:])):
            unit = _counted(label, lang)
            if unit:
                out[n] = Unit(unit, label)
                continue
        if g.unit is not None or g.noun is not None:
            continue
        subject = _SUBJECT.search(head)
        unit = _counted(subject.group(1), lang) if subject else ""
        if unit:
            out[n] = Unit(unit, subject.group(1).lower())
            continue
        if prev is None:
            continue
        if not head.strip() and (n - 1) in out:  # the next value of the same row
            out[n] = out[n - 1]
        elif _SHARES.search(head):
            if (n - 1) in out:
                out[n] = out[n - 1]
            elif prev.kind == "number" and (prev.unit or prev.noun):
                out[n] = Unit(prev.unit or prev.noun, "")  # "": the words of the figure before
    return out


def _label_before(head: str) -> str:
    """The capitalised label that ends `head` (the text from the sentence's start or the figure before up to the
    figure) and is all of it."""
    m = _LABEL_BEFORE.search(head)
    if not m or not _CAPITAL.match(m.group(1)) or head[:m.start(1)].strip():
        return ""
    return m.group(1)


def _counted(label: str, lang: str) -> str:
    """What the figure reader reads `label` as counting ("Étudiants" → student, "Population" → inhabitant)."""
    figs = extract_figures(f"1000 {label}", lang)
    return (figs[0].unit or figs[0].noun or "") if figs else ""
