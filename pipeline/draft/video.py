"""Composing a short-video script from the facts each shot was given, timed to its target duration.

Each shot shows one fact: its figure on screen, its wording (or, when time is short, the wording's clause that holds
the figure, or with a second fact of the shot when time is long) in the voice-over. The hook and the call to action
are the lines of prompts/video.yaml. Levels are chosen shot by shot until the spoken words last the target ± 10 %;
a target the facts at hand cannot reach is refused with the duration they do reach."""
from __future__ import annotations

import re
from itertools import product

import yaml

from pipeline.config import PROMPTS_DIR
from pipeline.draft.compose import wording_sentence
from pipeline.draft.script import Script, Shot, render, spoken_seconds, within
from pipeline.errors import DraftError
from pipeline.llm.prompts import read_prompt_text
from pipeline.textnorm import fold
from pipeline.types import RetrievedFact
from pipeline.verify.figures import extract_figures
from pipeline.verify.units import UNIT_PATTERN

_CLAUSE_END = re.compile(r"[,;:(]")
HEDGE_WORDS = {"fr": {"approx": "près de ", "min": "plus de ", "max": "moins de "},
               "en": {"approx": "nearly ", "min": "over ", "max": "under "}}
SILENT_S = 2.0  # a shot without voice-over: its on-screen figure read


def lines(lang: str) -> dict[str, str]:
    raw = yaml.safe_load(read_prompt_text(PROMPTS_DIR / "video.yaml"))["lines"]
    return {"hook": raw[f"hook_{lang}"], "cta": raw[f"cta_{lang}"]}


def _main_figure(text: str, lang: str):
    """The figure a shot shows: the first one written with digits (a number in words or a rank is no screen text)."""
    return next((g for g in extract_figures(text, lang) if g.kind not in ("year", "date", "ordinal")
                 and any(c.isdigit() for c in g.raw)), None)


def on_screen(hit: RetrievedFact, lang: str) -> str:
    """The figure and its unit, with the fact's year: "70,5 millions de tonnes (2024) [MAR-001]"; a figure with no
    unit keeps the words that say what it counts ("200 métiers", "une capacité de 67 394")."""
    text = hit.fact.wording(lang)
    g = _main_figure(text, lang)
    if g is None:
        return ""
    unit = UNIT_PATTERN.match(fold(text), g.end)
    phrase = text[g.start:unit.end() if unit else g.end]
    if not unit and g.noun:  # the word counted, when it is no unit we know: "200 trades", "200 métiers"
        noun = re.match(r"\s+[\w’'-]+", text[g.end:])
        phrase += noun.group(0) if noun else ""
    elif not unit and g.kind == "number":  # a percentage or a sum says itself: "76 %", "€910 million"
        phrase = " ".join([*text[:g.start].split()[-3:], phrase])
    hedge = HEDGE_WORDS[lang].get(g.hedge or "", "")  # "près de 9 milliards": the screen keeps the fact's hedge
    return f"{hedge}{phrase.strip()} ({hit.fact.year}) [{hit.fact.id}]"


def short_voice(hit: RetrievedFact, lang: str) -> str:
    """The wording up to the end of the clause that holds its figure: "En 2024, le port a traité 70,5 Mt [MAR-001]."."""
    text = hit.fact.wording(lang)
    g = _main_figure(text, lang)
    end = _CLAUSE_END.search(text, g.end) if g else None
    if not end:
        return wording_sentence(hit, lang)
    return f"{text[:end.start()].rstrip(' .')} [{hit.fact.id}]."


def _options(facts: list[RetrievedFact], lang: str) -> list[str]:
    """A shot's voice-overs, shortest first."""
    first = facts[0]
    opts = [short_voice(first, lang), wording_sentence(first, lang)]
    if len(facts) > 1:
        opts.append(wording_sentence(first, lang) + " " + wording_sentence(facts[1], lang))
    return list(dict.fromkeys(opts))


def compose(spec, lang: str, shots: list[tuple[object, list[RetrievedFact]]], filiere_label: str) -> tuple[str, dict]:
    """(the script's Markdown, its timing) for `spec` (kind video) from (section, facts) per shot with facts."""
    usable = [(sec, facts) for sec, facts in shots if facts and on_screen(facts[0], lang)]
    if len(usable) < 3:
        raise DraftError(f"video {spec.id!r} [{lang}]: {len(usable)} shot(s) have a usable fact with a figure; a "
                         "script needs 3", fix="add or re-verify facts for its shots' queries, or change them in "
                                               "corpus/pages.yaml")
    words = lines(lang)
    hook, cta = words["hook"].format(filiere=filiere_label.lower()), words["cta"]
    options = [["", *_options(facts, lang)] for _, facts in usable]  # "": a silent shot
    fixed = spoken_seconds(f"{hook} {cta}", lang)

    def total_of(levels) -> float:
        return fixed + sum(spoken_seconds(o[lv], lang) if lv else SILENT_S for o, lv in zip(options, levels))
    # every choice of voice-over per shot, on the first 3 to 6 shots: within the target, the fewest silent shots,
    # then the most shots, then the closest; a few shots with four levels each is a few thousand sums
    combos = [lv for k in range(len(options), 2, -1) for lv in product(*(range(len(o)) for o in options[:k]))]
    levels = min(combos, key=lambda lv: (not within(total_of(lv), spec.duration), lv.count(0), -len(lv),
                                         abs(total_of(lv) - spec.duration)))
    usable, options = usable[:len(levels)], options[:len(levels)]
    total = total_of(levels)
    if not within(total, spec.duration):
        raise DraftError(f"video {spec.id!r} [{lang}]: the facts at hand make {total:.0f} s of voice-over at best, "
                         f"not {spec.duration} s ± 10 %", fix=f"give it duration {_nearest(total)} in "
                                                              "corpus/pages.yaml, or shots whose facts say more (or less)")
    script = Script(spec.title(lang), hook, [Shot(sec.shot(lang), on_screen(facts[0], lang), o[lv])
                                             for (sec, facts), o, lv in zip(usable, options, levels)], cta)
    return render(script, lang), {"target_s": spec.duration, "seconds": round(total, 1), "shots": len(usable)}


def _nearest(seconds: float) -> int:
    from pipeline.corpus.catalogue import DURATIONS
    return min(DURATIONS, key=lambda d: abs(d - seconds))
