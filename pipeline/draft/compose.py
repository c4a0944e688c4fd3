"""Composing a section for publication: the fact that leads a conflict group, the sentences kept, the completion.

Which of the model's sentences are kept, and how a section is completed from the facts' publication wordings (in
the target language, each with its [ID]).

Conflict preference, in this order (the first that tells two facts apart decides):
1. a fact staff marked `preferred: true`;
2. a fact that supersedes another fact of the group;
3. a fact whose source is primary (`source.primary: true`: the entity itself or the official statistics body);
4. the most recent year;
5. the retrieval score (the fact closest to the section's query).
"""
from __future__ import annotations

import re

from pipeline.corpus.preference import fact_preference
from pipeline.types import RetrievedFact
from pipeline.verify.checker import CITATION, ClaimChecker, cited_ids


def preference(hit: RetrievedFact, group: set[str]) -> tuple:
    """Sort key of a fact within its conflict group `group` (ids): higher leads (order in the module docstring)."""
    return (*fact_preference(hit.fact, group), hit.score)


def settle(candidates: list[RetrievedFact], group: set[str] | None = None) -> RetrievedFact:
    """The fact that leads a conflict group among `candidates` (the group's usable facts)."""
    group = group if group is not None else {h.fact.id for h in candidates}
    return max(candidates, key=lambda h: preference(h, group))


def wording_sentence(hit: RetrievedFact, lang: str) -> str:
    """A fact's publication wording in `lang`, cited: "In 2024, the port handled … [MAR-001]."."""
    text = hit.fact.wording(lang).strip()
    end = text[-1] if text.endswith(("!", "?")) else "."
    return f"{text.rstrip('.!?').rstrip()} [{hit.fact.id}]{end}"


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", CITATION.sub("", text).lower()))


def sort_sentences(checker: ClaimChecker, text: str, lang: str, allowed: set[str],
                   titles: tuple[str, ...] = ()) -> tuple[list[str], list[tuple[str, str]]]:
    """The model's sentences that can stay (checked ok, citing only the facts it was given; a backed but uncited
    figure gets its citation), and the others with the reason they were dropped. A sentence that repeats a heading
    (`titles`) is dropped; one that repeats an earlier sentence is kept once."""
    kept, failed = [], []
    seen: list[set[str]] = []
    heads = [_words(h) for h in titles if h]
    for v in checker.check(text, lang).sentences:
        s = text[v.start:v.end].strip().strip('"“”«» ')
        words = _words(s)
        if words and any(len(words & w) >= 0.8 * min(len(words), len(w)) for w in seen):
            continue  # the small model repeats itself: keep a sentence once
        seen.append(words)
        if words and any(len(words & h) >= 0.8 * len(words) for h in heads):
            failed.append((s, "repeats the heading"))
        elif v.cited and not set(v.cited) <= allowed:
            failed.append((s, "cites a fact that was not given"))
        elif not v.ok:  # supported, or a short connective in the target language
            failed.append((s, f"{v.status}: {v.reason}" if v.reason else v.status))
        elif v.figures and not v.cited:
            backing = [i for i in v.fact_ids if i in allowed]
            if backing and v.figure_status == "supported" and all(set(fc.backed_by) & allowed for fc in v.figures):
                kept.append(add_citation(tidy_citations(s), _covering(v, backing)))
            else:
                failed.append((s, "figure without a citation of a fact given"))
        elif v.cited and v.entity_ok is False:
            failed.append((s, v.reason or "names something its facts do not"))
        elif not v.cited and not plain_connective(s):
            failed.append((s, "a sentence citing nothing that names something or ranks it"))
        elif len(s) > 3 and not looks_like_echo(s):
            kept.append(tidy_citations(s))
    return kept, failed


_CLAIM_WORDS = re.compile(r"\b(?:largest|biggest|leading|first|best|top|most|only|record|premi[eè]re?|plus|meilleure?s?|"
                          r"seule?s?|leader|num[ée]ro)\b", re.I)


def plain_connective(sentence: str) -> bool:
    """A sentence citing nothing may link others only if it names nothing (no capitalised word after the first) and
    ranks nothing ("the largest", "le plus grand", "premier"): otherwise it is a claim no fact stands behind."""
    words = re.findall(r"[^\W\d_][\w'’-]*", sentence)
    return not any(w[0].isupper() for w in words[1:]) and not _CLAIM_WORDS.search(sentence)


def tidy_citations(sentence: str) -> str:
    """The sentence's citations gathered at its end, before the full stop: "[A-1] Text. [A-1]" -> "Text [A-1]."."""
    ids = cited_ids(sentence)
    if not ids:
        return sentence
    bare = re.sub(r"\s+([.,;:!?…])", r"\1", re.sub(r"\s{2,}", " ", CITATION.sub(" ", sentence))).strip()
    m = re.search(r"([.!?…])$", bare)
    body, end = (bare[:m.start()], m.group(1)) if m else (bare, ".")
    return f"{body.rstrip()} " + " ".join(f"[{i}]" for i in ids) + end


def _covering(v, backing: list[str]) -> list[str]:
    """The fewest of `backing` (in order) that back every figure of the verdict `v`."""
    out: list[str] = []
    for fc in v.figures:
        if not set(fc.backed_by) & set(out):
            out.append(next(i for i in backing if i in fc.backed_by))
    return out or backing[:1]


def complete(kept: list[str], facts: list[RetrievedFact], lang: str) -> tuple[list[str], list[str]]:
    """`kept` completed with the wordings of the planned facts it does not cite, when it carries fewer than two of
    them (or nothing at all). The model's connectives (sentences citing nothing) stay only beside its own backed
    sentences, at most one for each: around facts' wordings alone they would be prose no fact stands behind.
    Returns the sentences and the repairs made."""
    backed = [s for s in kept if cited_ids(s)]
    out, repairs, links = [], [], 0
    for s in kept:
        if cited_ids(s):
            out.append(s)
        elif links < len(backed):
            out.append(s)
            links += 1
        else:
            repairs.append(f"dropped: {s} (a connective with no backed sentence of the model beside it)")
    kept = out
    out = list(kept)
    covered = {i for s in kept for i in cited_ids(s)}
    missing = [h for h in facts if h.fact.id not in covered]
    if not kept or len(covered) < min(2, len(facts)):
        for h in missing[: max(1, len(facts) - len(covered))]:
            out.append(wording_sentence(h, lang))
            repairs.append(f"used the wording of the verified statement [{h.fact.id}]")
    return out, repairs


def recheck(checker: ClaimChecker, sentences: list[str], lang: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The sentences checked once more as they will be stored (a citation added by the repair included)."""
    good, failed = [], []
    for s in sentences:
        bad = [v for v in checker.check(s, lang).sentences if not v.ok]
        if bad:
            failed.append((s, f"{bad[0].status}: {bad[0].reason}"))
        else:
            good.append(s)
    return good, failed


def add_citation(sentence: str, ids: list[str]) -> str:
    cite = " ".join(f"[{i}]" for i in ids[:2])
    m = re.search(r"([.!?…])\s*$", sentence)
    return (sentence[:m.start()] + f" {cite}" + m.group(1)) if m else f"{sentence} {cite}"


def looks_like_echo(s: str) -> bool:
    return bool(re.match(r"^(Facts|Text|Write|Brand voice|Use ONLY|Faits|Texte)\b", s.strip()))


def clean_output(raw: str) -> str:
    """The model's text without prompt echoes, headings it invented, or a trailing half sentence."""
    lines = [ln for ln in raw.strip().splitlines() if ln.strip() and not looks_like_echo(ln)
             and not re.match(r"^\s*#", ln)]
    text = " ".join(ln.strip() for ln in lines)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\[[A-Z][A-Z0-9]{1,9}-\d{1,6}\])\s*\((?:19|20)\d\d\)", r"\1", text)  # "[ID] (2024)" echoes
    cut = max(text.rfind("."), text.rfind("!"), text.rfind("?"), text.rfind("]"))
    return text[:cut + 1] if cut > 0 else text
