"""The whole barometer from the corpus: every indicator's report, then the compass over them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.barometer.compass import Compass, compute_compass
from pipeline.barometer.model import YEAR_TOLERANCE, IndicatorReport, Point
from pipeline.barometer.series import indicator_report
from pipeline.config import Settings
from pipeline.corpus.facts import load_corpus
from pipeline.corpus.indicators import Indicator, Territories, as_compared, load_indicators, load_territories
from pipeline.corpus.relations import conflict_map, superseded_map
from pipeline.errors import BarometerError
from pipeline.types import Fact


@dataclass
class Barometer:
    home: str
    home_name: str
    today: date
    indicators: list[IndicatorReport]
    compass: Compass
    notes: list[str] = field(default_factory=list)
    territories: Territories | None = None  # the names in each language (the published pages, in English too)
    publish_report: bool = True  # publish writes the barometer report (DOCX, PDF: some seconds) with its pages
    since: tuple | None = None  # (newest frozen edition, its changes to now): the published page says them
    report_cache: Path | None = None  # where publish keeps the reports it made, to reuse them unchanged

    def points(self) -> list[Point]:
        """Every figure the barometer shows: each is one fact's value."""
        return [p for r in self.indicators for p in r.points()]

    def report(self, indicator_id: str) -> IndicatorReport:
        for r in self.indicators:
            if r.indicator.id == indicator_id:
                return r
        raise BarometerError(f"unknown indicator {indicator_id!r}",
                             fix="use an id of corpus/indicators.yaml: " + ", ".join(r.indicator.id
                                                                                      for r in self.indicators))

    def to_json(self) -> dict[str, Any]:
        return {"home": self.home, "home_name": self.home_name, "date": self.today.isoformat(),
                "year_tolerance": YEAR_TOLERANCE, "indicators": [r.to_json() for r in self.indicators],
                "compass": self.compass.to_json(), "notes": self.notes}


def build_barometer(facts: list[Fact], indicators: dict[str, Indicator], territories: Territories, today: date,
                    weights: dict[str, float] | None = None, draws: int = 1000, seed: int = 0) -> Barometer:
    """The barometer of `facts` (as the corpus loader gives them)."""
    if not indicators:
        raise BarometerError("no indicator is defined", fix="describe the indicators in corpus/indicators.yaml "
                             "(format: corpus/README.md, 'Territories and indicators')")
    facts = as_compared(facts, territories)
    conflicts, superseded = conflict_map(facts), superseded_map(facts)
    by_indicator: dict[str, list[Fact]] = {}
    for f in facts:
        if f.indicator:
            by_indicator.setdefault(f.indicator, []).append(f)
    reports = []
    for ind in indicators.values():
        r = indicator_report(ind, by_indicator.get(ind.id, []), territories, today, conflicts, superseded)
        if not by_indicator.get(ind.id):
            r.notes.append(f"no fact is tagged 'indicator: {ind.id}': nothing to show")
        reports.append(r)
    names = {t: territories.label(t) for t in {p.territory for r in reports for p in r.points()}}
    compass = compute_compass(reports, names, weights, draws=draws, seed=seed)
    return Barometer(territories.home, territories.label(""), today, reports, compass, territories=territories)


def load_barometer(settings: Settings, weights: dict[str, float] | None = None, draws: int = 1000) -> Barometer:
    """The barometer of the corpus in `settings` (CorpusError when the corpus has errors)."""
    facts, _ = load_corpus(settings.corpus_dir, settings.today())
    indicators, issues = load_indicators(settings.corpus_dir)
    if issues:  # load_corpus already refused these; kept for a corpus read another way
        raise BarometerError(issues[0].message, fix=issues[0].fix)
    return build_barometer(facts, indicators, load_territories(settings.corpus_dir), settings.today(), weights, draws)
