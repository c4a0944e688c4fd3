"""Figures in French and English text: numbers with scale, unit, hedge, percentages, money, years, dates, ranks.

`extract_figures` reads what a sentence asserts; `matches` says whether a sentence figure is backed by a fact
figure. Tolerances (documented in bench/README.md):
- no hedge: equal within the rounding of the written figure, and at most 2 % apart;
- approximate (près de, environ, about, nearly, some…): at most 5 % apart;
- lower bound (plus de, more than, over, at least…): the fact's value is at least the bound (0.5 % slack) and
  at most 1.5 times it; upper bound (moins de, under, up to…): mirror image.
A hedge never rescues a figure off by more than that: "près de 900" is not 9 000.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.textnorm import fold
from pipeline.verify.number_words import APPROX_NOUNS, MONTHS, ORDINAL_WORDS, WORD_NUMBERS
from pipeline.verify.units import UNIT_PATTERN, rate_after, unit_family, units_compatible

SPACE = "[ \u00a0\u202f]"
SCALES = {"million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9, "billion": 1e9, "billions": 1e9,
          "bn": 1e9, "md": 1e9, "mds": 1e9, "mrd": 1e9, "mrds": 1e9, "mio": 1e6, "m": 1e6, "k": 1e3,
          "mille": 1e3, "thousand": 1e3, "mn": 1e6}
HEDGES = [  # longest first; folded, lower case
    ("un peu moins de", "max"), ("un peu plus de", "min"), ("a peu pres", "approx"), ("pas loin de", "approx"),
    ("approximativement", "approx"), ("approximately", "approx"), ("in excess of", "min"), ("upwards of", "min"),
    ("more than", "min"), ("fewer than", "max"), ("less than", "max"), ("au moins", "min"), ("at least", "min"),
    ("plus de", "min"), ("moins de", "max"), ("jusqu'a", "max"), ("up to", "max"), ("just under", "max"),
    ("just over", "min"), ("close to", "approx"), ("autour de", "approx"), ("pres de", "approx"),
    ("presque", "approx"), ("environ", "approx"), ("quelque", "approx"), ("quelques", "approx"),
    ("nearly", "approx"), ("almost", "approx"), ("about", "approx"), ("around", "approx"), ("roughly", "approx"),
    ("some", "approx"), ("circa", "approx"), ("over", "min"), ("above", "min"), ("under", "max"),
    ("below", "max"), ("quasi", "approx"), ("~", "approx"), ("+ de", "min"), ("> ", "min"), ("< ", "max"),
    ("depasse", "min"), ("exceeds", "min"), ("exceeding", "min"), ("dont plus de", "min"),
]
_HEDGE_RE = re.compile(r"(?:^|[\s(,;:«\"'])(" + "|".join(re.escape(h) for h, _ in HEDGES) + r")\s*(?:de\s+|d'|of\s+)?"
                       r"(?:€|\$|eur\s|usd\s|us\$)?\s*$")
_HEDGE_KIND = dict(HEDGES)


@dataclass(frozen=True)
class Figure:
    raw: str
    value: float
    kind: str            # number | percent | money | year | date | ordinal
    unit: str | None     # unit family (see units.py) or currency (eur, usd) for money
    hedge: str | None    # approx | min | max | None
    precision: float     # place value of the last written digit, scaled
    start: int
    end: int
    day: int | None = None
    month: int | None = None
    scale: float = 1.0
    rate: str | None = None  # "year" for "84 000 t par an", "day" for "12 500 spectateurs par jour"
    noun: str | None = None  # the word counted when it is no unit we know ("950 événements" -> "evene"; with the next
    #                          word when it may be the head: "92 member municipalities" -> "membe|munic")

    def to_json(self) -> dict:
        d = {"raw": self.raw, "value": self.value, "kind": self.kind, "unit": self.unit, "hedge": self.hedge,
             "rate": self.rate}
        if self.kind == "date":
            d.update(day=self.day, month=self.month)
        return d


# ------------------------------------------------------------------ patterns
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_DMY = re.compile(rf"\b(1er|\d{{1,2}})(?:st|nd|rd|th)?{SPACE}+({_MONTH})\.?(?:{SPACE}+(\d{{4}}))?\b")
_DATE_MDY = re.compile(rf"\b({_MONTH})\.?{SPACE}+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?{SPACE}+(\d{{4}}))?\b")
_DATE_MY = re.compile(rf"\b(?:mi-|mid-|debut |fin |early |late )?({_MONTH}){SPACE}+(\d{{4}})\b")
_DATE_NUM = re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\b")
_NUMBER = re.compile(
    rf"(?<![\w.,/])(?<![a-z]-)"
    rf"(\d{{1,3}}(?:{SPACE}\d{{3}})+(?:,\d+)?|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:\.\d{{3}}){{2,}}|\d+(?:[.,]\d+)?)"
    rf"(?![\d])")
_SCALE_AFTER = re.compile(
    rf"^(?:{SPACE}?(?i:(millions?|milliards?|billions?|thousand|mille|mrds?|mds?|mio|mn))\b"
    rf"|(?i:(bn|m|k))(?![a-zA-Z²])|{SPACE}?(?i:(md|mds))(?=\s*€)|{SPACE}?(M|m)(?=\s*(?:€|\$|t\b|d'|de ))"
    rf"|{SPACE}(M)(?=$|[\s.,;)]))")
_PERCENT_AFTER = re.compile(rf"^{SPACE}?(?:%|per{SPACE}?cent\b|percent\b|pour{SPACE}?cent\b|pc\b)")
_CURRENCY_AFTER = re.compile(rf"^{SPACE}?(?:(€|eur\b|euros?\b|d'euros\b|de dollars\b|dollars?\b|usd\b|\$))", re.I)
_CURRENCY_BEFORE = re.compile(r"(€|eur|us\$|\$|usd)\s?$", re.I)
_ORDINAL_AFTER = re.compile(r"^(?:e|eme|ème|è|er|re|ère|nd|nde|st|rd|th)\b")
_NUMBER_WORDS = sorted([k for k in WORD_NUMBERS if not k.endswith("_")] + ["six", "un", "une", "one", "et", "and",
                                                                              "mille", "thousand", "cents"],
                       key=len, reverse=True)
_WORDNUM = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")(?:[- ](?:" + "|".join(_NUMBER_WORDS) + r"))*\b")
_APPROX_NOUN = re.compile(r"\b(?:une?|a)\s+(" + "|".join(APPROX_NOUNS) + r")s?\b")
_ORDINAL_WORD = re.compile(r"\b(" + "|".join(ORDINAL_WORDS) + r")\b")
# "le million de mètres carrés", "plus d'un million de m²", "a billion euros": a scale word standing alone
_LONE_SCALE = re.compile(r"(?:\b(?:un|le|one|a)|(?<=d')un)\s+(million|milliard|billion)\b")
_ELIDED_HEDGE = re.compile(r"\b(plus|moins|pres|pas loin|autour) d'$")


def _parse_number(tok: str, lang: str) -> tuple[float, float]:
    """('1 500 000' | '1,889,666' | '1,5' | '1.5', lang) -> (value, place value of the last digit)."""
    t = re.sub(SPACE, "", tok)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t) and (lang == "en" or t.count(",") > 1 or "." in t):
        t = t.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", t):
        t = t.replace(".", "")
    t = t.replace(",", ".")
    value = float(t)
    if "." in t:
        place = 10.0 ** -len(t.split(".")[1])
    else:
        stripped = t.rstrip("0")
        place = 10.0 ** (len(t) - len(stripped)) if stripped else 1.0
    return value, place


def _hedge_before(folded: str, start: int) -> str | None:
    m = _HEDGE_RE.search(folded[max(0, start - 28):start])
    return _HEDGE_KIND[m.group(1)] if m else None


_NOT_NOUNS = set("""de d des du of the a an à a au aux en in on at et and ou or pour for par by avec with dans sur
sont est was were is are ont has have had qui que which who soit dont ce cette ces son sa ses leur leurs
contre against vs versus selon according plus more moins less than que them eux elles lesquels lesquelles
which whom whose those these ceux celles""".split())


def _loose_unit(folded: str, end: int) -> tuple[str | None, str | None]:
    """A unit after one unknown word ('5 major campuses', '1,000+ heritage sites'); else the word counted."""
    words = re.findall(r"[a-z][a-z'-]*|[^\sa-z+]", folded[end:end + 50])[:2]
    words = [re.sub(r"^(d|l)'", "", w) for w in words]
    if not words or not re.match(r"[a-z]", words[0]) or words[0] in _NOT_NOUNS:
        return None, None
    if len(words) > 1 and re.match(r"[a-z]", words[1]) and unit_family(words[1]):
        return unit_family(words[1]), None
    if len(words[0]) <= 2:
        return None, None
    # the head noun is the first word in French ("92 communes membres"), often the second in English ("92 member
    # municipalities"): both are kept, and two counts differ only when they share neither
    second = words[1] if len(words) > 1 and re.fullmatch(r"[a-z][a-z'-]{2,}", words[1]) \
        and words[1] not in _NOT_NOUNS else ""
    return None, words[0][:5] + (f"|{second[:5]}" if second else "")


def _unit_after(folded: str, end: int) -> str | None:
    m = UNIT_PATTERN.match(folded, end)
    if m and m.group("unit") == "member":  # English "92 member municipalities": the next unit word is the head
        head = UNIT_PATTERN.match(folded, m.end())
        if head:
            return unit_family(head.group("unit"))
    return unit_family(m.group("unit")) if m else None


def extract_figures(text: str, lang: str = "fr") -> list[Figure]:
    """Every figure the text asserts, left to right."""
    folded = fold(text)
    taken = [False] * len(text)
    out: list[Figure] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def take(a: int, b: int) -> None:
        for i in range(a, b):
            taken[i] = True

    for rx, order in ((_DATE_DMY, "dmy"), (_DATE_MDY, "mdy"), (_DATE_NUM, "num"), (_DATE_MY, "my")):
        for m in rx.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            if order == "dmy":
                day = 1 if m.group(1) == "1er" else int(m.group(1))
                month, year = MONTHS[m.group(2)], m.group(3)
            elif order == "mdy":
                month, day, year = MONTHS[m.group(1)], int(m.group(2)), m.group(3)
            elif order == "num":
                day, month, year = int(m.group(1)), int(m.group(3)), m.group(4)
                if month > 12 and day <= 12:
                    day, month = month, day
            else:
                day, month, year = None, MONTHS[m.group(1)], m.group(2)
            if (day is not None and not 1 <= day <= 31) or not 1 <= month <= 12:
                continue
            take(m.start(), m.end())
            if day is None:  # "octobre 2023", "July-August 2025": the claim is the year
                out.append(Figure(text[m.start():m.end()], float(year), "year", None, None, 1.0, m.start(), m.end()))
                continue
            out.append(Figure(text[m.start():m.end()], float(year) if year else 0.0, "date", None, None, 1.0,
                              m.start(), m.end(), day, month))

    for m in _NUMBER.finditer(folded):
        a, b = m.start(), m.end()
        if not free(a, b):
            continue
        value, place = _parse_number(m.group(1), lang)
        rest = folded[b:b + 40]
        kind, unit, raw_end, scale = "number", None, b, 1.0
        om = _ORDINAL_AFTER.match(rest)
        if om and value < 100 and "." not in m.group(1) and "," not in m.group(1):
            take(a, b + om.end())
            out.append(Figure(text[a:b + om.end()], value, "ordinal", None, None, 1.0, a, b + om.end()))
            continue
        sm = _SCALE_AFTER.match(text[b:b + 40])
        if sm:
            word = next(g for g in sm.groups() if g)
            scale = SCALES.get(word.lower(), 1.0)
            raw_end = b + sm.end()
        tail = folded[raw_end:raw_end + 40]
        pm = _PERCENT_AFTER.match(tail)
        cm = _CURRENCY_AFTER.match(tail)
        cb = _CURRENCY_BEFORE.search(folded[max(0, a - 5):a])
        if pm:
            kind, unit, raw_end = "percent", "percent", raw_end + pm.end()
        elif cm or cb:
            cur = (cm.group(1) if cm else cb.group(1)).lower()
            kind, unit = "money", ("usd" if ("$" in cur or "dollar" in cur or "usd" in cur) else "eur")
            if cm:
                raw_end += cm.end()
        else:
            if sm and sm.group(0).strip() in ("m", "M") and re.match(r"\s*t\b", tail):
                unit, raw_end = "tonne", raw_end + re.match(r"\s*t\b", tail).end()
            else:
                unit = _unit_after(folded, raw_end)
        noun = None
        if kind == "number" and unit is None:
            unit, noun = _loose_unit(folded, raw_end)
        plus = re.match(r"\+(?![\d])", folded[raw_end:raw_end + 2])
        if plus and kind == "number" and unit is None:
            unit, noun = _loose_unit(folded, raw_end + 1)
        full = value * scale
        start = a - (len(cb.group(0)) if cb else 0)
        named = unit is not None and re.match(r"\s*[A-Z]", text[raw_end:raw_end + 3]) is not None
        if (kind == "number" and (unit is None or named) and scale == 1.0 and place >= 1 and 1800 <= full <= 2100
                and re.fullmatch(r"\d{4}", m.group(1))):
            kind, unit = "year", None  # "In 2016 Airbus Helicopters…": a year before a name, not 2016 aircraft
        take(start, raw_end)
        if full in (0.0, 1.0) and kind == "number" and unit is None and scale == 1.0:
            continue  # a lone "1" or "0" ("dont 1 consacré…") is not a figure anyone checks
        hedge = "min" if plus else _hedge_before(folded, start)
        out.append(Figure(text[start:raw_end], full, kind, unit, hedge, place * scale,
                          start, raw_end, scale=scale, rate=rate_after(folded, raw_end), noun=noun))

    for m in _LONE_SCALE.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        take(m.start(), m.end())
        elided = _ELIDED_HEDGE.search(folded[max(0, m.start() - 12):m.start()])
        hedge = ({"plus": "min", "moins": "max"}.get(elided.group(1), "approx") if elided
                 else _hedge_before(folded, m.start()))
        value = SCALES[m.group(1)]
        out.append(Figure(text[m.start():m.end()], value, "number", _unit_after(folded, m.end()), hedge, value,
                          m.start(), m.end(), scale=value))
    for m in _APPROX_NOUN.finditer(folded):
        if free(m.start(), m.end()):
            take(m.start(), m.end())
            out.append(Figure(text[m.start():m.end()], float(APPROX_NOUNS[m.group(1)]), "number",
                              _unit_after(folded, m.end()), "approx", 1.0, m.start(), m.end()))
    for m in _WORDNUM.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        value = _word_value(m.group(0))
        if value is None or m.group(0) in ("cent", "mille", "thousand", "hundred"):
            continue
        unit = _unit_after(folded, m.end())
        if value < 10 and unit is None:
            continue  # "trois" alone is rarely a claim; "trois heures" is
        take(m.start(), m.end())
        out.append(Figure(text[m.start():m.end()], float(value), "number", unit,
                          _hedge_before(folded, m.start()), 1.0, m.start(), m.end()))
    for m in _ORDINAL_WORD.finditer(folded):
        if free(m.start(), m.end()):
            take(m.start(), m.end())
            out.append(Figure(text[m.start():m.end()], float(ORDINAL_WORDS[m.group(1)]), "ordinal", None, None,
                              1.0, m.start(), m.end()))
    out.sort(key=lambda f: f.start)
    return _share_units_in_ranges(out, folded)


def _word_value(words: str) -> int | None:
    """'trois cent soixante-trois' -> 363, 'thirty-five' -> 35, 'dix-sept' -> 17; None if not a number."""
    total = current = 0
    seen = False
    for p in re.split(r"[- ]+", words):
        if p in ("et", "and"):
            continue
        if p in ("un", "une", "one"):
            current += 1
        elif p == "six":
            current += 6
        elif p in ("cent", "cents", "hundred"):
            current = (current or 1) * 100
        elif p in ("mille", "thousand"):
            total += (current or 1) * 1000
            current = 0
        elif p in WORD_NUMBERS:
            v = WORD_NUMBERS[p]
            current = current + v if not (current % 100 and v >= 10 and current % 10 == 0 and v < 10) else current + v
        else:
            return None
        seen = True
    value = total + current
    if not seen or value <= 1 or re.fullmatch(r"(un|une|one|et|and)([- ](un|une|one|et|and))*", words):
        return None
    return value


def _share_units_in_ranges(figs: list[Figure], folded: str) -> list[Figure]:
    """'11 à 15 milliards d'euros', '400 000 to 500 000 people': the first bound takes the second's scale/unit."""
    from dataclasses import replace
    out = list(figs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not re.fullmatch(r"\s*(?:a|to|-|–|et|and|ou|or)\s*", folded[a.end:b.start]):
            continue
        if a.kind == "money" and b.kind == "number" and b.unit is None:  # "€11–15 billion"
            b = out[i + 1] = replace(b, kind="money", unit=a.unit)
        inherit = (a.kind == "number" and a.unit is None and b.kind in ("number", "money", "percent")) or \
                  (a.kind == "money" and b.kind == "money")
        if not inherit:
            continue
        scale = b.scale if a.scale == 1.0 and a.value * b.scale <= b.value * 10 else 1.0
        out[i] = replace(a, value=a.value * scale, precision=a.precision * scale, scale=a.scale * scale,
                         kind=b.kind, unit=a.unit if a.kind == "money" else b.unit, hedge=a.hedge or b.hedge,
                         noun=a.noun or b.noun)
    return out


# ------------------------------------------------------------------ comparing
EXACT_REL = 0.02
APPROX_REL = 0.05
BOUND_SLACK = 0.005
BOUND_SPAN = 1.5


def comparable(s: Figure, f: Figure) -> bool:
    """Same kind of quantity (kind and, when both are known, unit): a different value is then a contradiction."""
    kinds = {s.kind, f.kind}
    if s.kind == f.kind:
        pass
    elif kinds == {"number", "money"}:
        if (s.unit if s.kind == "number" else f.unit) is not None:
            return False
    elif kinds <= {"year", "date", "number"} and "number" not in kinds:
        pass
    else:
        return False
    if s.kind in ("number", "money") and not units_compatible(s.unit, f.unit):
        return False
    if s.kind == f.kind == "number" and s.unit is None and f.unit is None and s.noun and f.noun \
            and not set(s.noun.split("|")) & set(f.noun.split("|")):
        return False  # two counts of different things, neither a unit we know
    if s.rate and f.rate and s.rate != f.rate:
        return False
    return True


def _close(s: Figure, f: Figure) -> bool:
    sv, fv = abs(s.value), abs(f.value)
    big = max(sv, fv) or 1.0
    # Only the sentence's hedge widens the tolerance: "environ 877 215" in a fact still means 877 215.
    if s.hedge == "approx" or (s.hedge and f.hedge and s.hedge != f.hedge):
        return abs(sv - fv) <= APPROX_REL * big + 1e-9
    if s.hedge == "min":
        return fv >= sv * (1 - BOUND_SLACK) and fv <= sv * BOUND_SPAN
    if s.hedge == "max":
        return fv <= sv * (1 + BOUND_SLACK) and fv >= sv / BOUND_SPAN
    tol = min(max(s.precision, f.precision) / 2, EXACT_REL * big)
    return abs(sv - fv) <= tol + 1e-9


def matches(s: Figure, f: Figure) -> bool:
    """True when fact figure `f` backs sentence figure `s`."""
    if s.kind in ("year", "date") or f.kind in ("year", "date"):
        return _dates_match(s, f)
    if s.kind == "ordinal" or f.kind == "ordinal":
        return s.kind == f.kind and s.value == f.value
    if not comparable(s, f):
        return False
    return _close(s, f)


def _dates_match(s: Figure, f: Figure) -> bool:
    if s.kind == "year":
        if f.kind == "year" or (f.kind == "number" and f.unit is None):
            return s.value == f.value
        return f.kind == "date" and f.value == s.value
    if s.kind == "date":
        if f.kind != "date":
            return False
        if s.day is not None and f.day is not None and s.day != f.day:
            return False
        if s.day is not None and f.day is None:
            return False
        if s.month != f.month:
            return False
        return not (s.value and f.value and s.value != f.value)
    return False
