"""Dates as readers of each language write them (Babel: the one module that imports it).

"30 novembre 2026" on a French page, "November 30, 2026" on an English one: the CLDR formats Babel ships,
not formats written by hand."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def local_day(at: datetime) -> date:
    """The calendar day in Provence of a moment (an approval at 23:30 UTC is the next day in Marseille)."""
    if at.tzinfo is None:
        return at.date()
    try:
        return at.astimezone(ZoneInfo("Europe/Paris")).date()
    except ZoneInfoNotFoundError:  # no time-zone data on this system: the UTC day
        return at.date()


def long_date(day: date, lang: str) -> str:
    """The day written out in `lang` ("30 novembre 2026", "30 November 2026")."""
    return format_date(day, format="long", locale=_LOCALES.get(lang, "fr_FR"))


def og_locale(lang: str) -> str:
    """The Open Graph locale of a language (fr_FR, en_GB)."""
    return _LOCALES.get(lang, "fr_FR")
