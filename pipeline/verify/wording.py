"""Wording parity: a fact's publication wordings say what the fact says, with the same figures in both languages."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from pipeline.corpus.names import load_aliases, load_glossary
from pipeline.types import Fact, ValidationIssue
from pipeline.verify.checker import ClaimChecker
from pipeline.verify.figures import Figure, extract_figures

LANGS = ("fr", "en")


def _key(g: Figure) -> tuple:
    """What two wordings must share for a figure: its kind and value, not its spelling ("2024 Olympic Games" reads
    as a number, "Jeux de 2024" as a year: both are the year)."""
    kind = "year" if g.kind == "number" and g.value.is_integer() and 1800 <= g.value <= 2100 else g.kind
    return (kind, round(g.value, 6), g.day, g.month)


def figure_keys(text: str, lang: str) -> dict[tuple, list[str]]:
    """The figures written with digits, by what they say, with how they are written (a number in words, "sept
    membres", "six-building", is not compared, nor a rank, "2e" against "second-largest": the languages spell them
    too differently; each wording is still checked against the fact)."""
    out: dict[tuple, list[str]] = {}
    for g in extract_figures(text, lang):
        if g.kind != "ordinal" and any(c.isdigit() for c in g.raw):
            out.setdefault(_key(g), []).append(g.raw)
    return out


def _lacking(a: dict[tuple, list[str]], b: dict[tuple, list[str]]) -> list[str]:
    """How `a` writes the figures `b` has fewer of."""
    return [raw for k, raws in a.items() for raw in raws[len(b.get(k, [])):]]


def wording_checker(facts: list[Fact], aliases=None, glossary=None) -> ClaimChecker:
    """A checker that knows the facts by their statements only (a wording must not back itself), whatever their
    review dates (a stale fact's wording is still judged on what it says)."""
    bare = [replace(f, wording_fr="", wording_en="") for f in facts]
    return ClaimChecker(bare, date.min, aliases=aliases, glossary=glossary)


def wording_problems(fact: Fact, checker: ClaimChecker, text: str, lang: str) -> list[str]:
    """Why `text`, as the fact's wording in `lang`, cannot be published (empty: it can).

    The wording, read as a sentence citing the fact, must pass every sentence check in its language (figures and
    years backed by the fact, no name the fact lacks, no link, no other language), and carry the same figures as
    the fact's wording in the other language when there is one.
    """
    problems = []
    verdict = checker.check_sentence(f"{text.rstrip().rstrip('.')} [{fact.id}].", lang)
    if verdict.status == "dangling_citation":
        pass  # the fact itself is retired, superseded or a draft: validate says so on its own line
    elif not verdict.ok:
        problems.append(f"{verdict.status}: {verdict.reason}" if verdict.reason else verdict.status)
    elif verdict.entity_problem:
        problems.append(verdict.entity_problem)
    other = next(x for x in LANGS if x != lang)
    if fact.wording(other):
        mine, theirs = figure_keys(text, lang), figure_keys(fact.wording(other), other)
        missing, extra = _lacking(theirs, mine), _lacking(mine, theirs)
        if missing or extra:
            said = "; ".join(x for x in (
                f"wording_{other} has {', '.join(missing)} that this one lacks" if missing else "",
                f"this one has {', '.join(extra)} that wording_{other} lacks" if extra else "") if x)
            problems.append(f"figures differ from wording_{other}: {said}")
    return problems


def parity_issues(facts: list[Fact], checker: ClaimChecker) -> list[tuple[Fact, str, str]]:
    """(fact, language, problem) for every wording that does not say what its fact says."""
    out = []
    for f in (f for f in facts if f.status != "retired"):
        for lang in LANGS:
            if f.wording(lang):
                out += [(f, lang, p) for p in wording_problems(f, checker, f.wording(lang), lang)]
    return out


def parity_validation(facts: list[Fact], corpus_dir) -> list:
    """`validate`'s lines for wordings: an error when a wording contradicts its fact or the other language's
    figures (a page would publish it), a warning when it names what the statement does not (staff to read)."""
    checker = wording_checker(facts, load_aliases(corpus_dir), load_glossary(corpus_dir))
    out = []
    for f, lang, problem in parity_issues(facts, checker):
        serious = problem.startswith(("contradicted", "figures differ"))
        out.append(ValidationIssue(
            "error" if serious else "warning", f.file, f.line, f.id, f"wording_{lang} {problem}",
            f"make wording_{lang} give the figures, year and names of statement_fr"
            + (" (or add the other name to corpus/aliases.yaml)" if not serious else "")
            + ", and mark it 'wording_status: draft' until a person confirms it"))
    return out
