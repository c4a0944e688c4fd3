"""Drafting a fact's missing publication wording with a configured model; kept only when the wording checks pass."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corpus.writer import set_fields
from pipeline.errors import ConfigError
from pipeline.llm.base import ChatModel
from pipeline.llm.prompts import Prompt
from pipeline.types import Fact
from pipeline.verify.checker import LANG_NAMES, ClaimChecker
from pipeline.verify.wording import wording_problems


@dataclass
class Outcome:
    fact_id: str
    lang: str
    wording: str            # what the model wrote (cleaned), kept or not
    kept: bool
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"fact_id": self.fact_id, "lang": self.lang, "wording": self.wording, "kept": self.kept,
                "problems": self.problems}


def wanted(facts: list[Fact], missing_only: bool, ids: list[str] | None = None) -> list[tuple[Fact, str]]:
    """(fact, language) to draft: every language a fact lacks a wording in, and, unless `missing_only`, the
    machine-drafted wordings nobody confirmed yet (wording_status: draft). Never a seed or confirmed wording, nor a
    comparison fact (one naming a territory) unless asked for by id."""
    by_id = {f.id: f for f in facts}
    unknown = [i for i in ids or [] if i not in by_id]
    if unknown:
        raise ConfigError(f"unknown fact id(s): {', '.join(unknown)}",
                          fix="list the ids with 'python -m pipeline validate --json'")
    out = []
    for f in (by_id[i] for i in ids) if ids else facts:
        if f.status == "retired" or (f.territory and not ids):  # comparison facts are never drafted: asked only
            continue
        for lang in ("fr", "en"):
            if not source_text(f, "en" if lang == "fr" else "fr"):
                continue
            if not f.wording(lang) or (not missing_only and f.wording_status == "draft"):
                out.append((f, lang))
    return out


def source_text(f: Fact, lang: str) -> str:
    """What a wording in the other language is drafted from: the wording in `lang`, else the statement written in
    `lang` (never the French statement standing in for an English one)."""
    return f.wording(lang) or (f.statement_en if lang == "en" else f.statement_fr)


def clean(text: str, fact_id: str) -> str:
    """The model's one sentence: first line, without quotes, a label or a citation it added."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = re.sub(r"^(?:English|French|Anglais|Français|Translation|Traduction)\s*:\s*", "", line, flags=re.I)
    line = line.replace(f"[{fact_id}]", "").strip().strip("«»\"“” ").strip()
    return re.sub(r"\s+([.,;:])", r"\1", line)


class Translator:
    """Drafts wordings with `model`, judged by `checker` (see verify/wording.py), written with corpus/writer.py."""

    def __init__(self, model: ChatModel, prompt: Prompt, checker: ClaimChecker, corpus_dir: Path) -> None:
        if model.settings.backend == "embedded":
            raise ConfigError("translate needs a configured model: the embedded one is too weak to write a "
                              "wording, so it never drafts one",
                              fix="set STUDIO_LLM_BACKEND=openai (with OPENAI_API_KEY) or openai-compatible "
                                  "(with STUDIO_LLM_BASE_URL and STUDIO_LLM_MODEL)")
        self.model, self.prompt, self.checker, self.corpus_dir = model, prompt, checker, corpus_dir

    def draft(self, fact: Fact, lang: str, write: bool = True) -> Outcome:
        other = "en" if lang == "fr" else "fr"
        source = source_text(fact, other)
        system, user = self.prompt.render(fact_line=f"{fact.id}] ({fact.year}) {source}",
                                          source_language=LANG_NAMES[other], target_language=LANG_NAMES[lang])
        result = self.model.complete(system, user, max_tokens=self.prompt.max_tokens, stop=list(self.prompt.stop))
        text = clean(result.text, fact.id)
        if not text:
            return Outcome(fact.id, lang, "", False, ["the model returned nothing"])
        problems = wording_problems(fact, self.checker, text, lang)
        if source.rstrip(". ") in text or fold_eq(text, source):
            problems.append("the model repeated the source sentence instead of translating it")
        if problems:
            return Outcome(fact.id, lang, text, False, problems)
        if write:
            path = Path(fact.file)
            path = path if path.is_absolute() else self.corpus_dir.parent / path
            set_fields(path, fact.id, {f"wording_{lang}": text, "wording_status": "draft"},
                       after=("statement_en", "statement_fr", "wording_fr"))
        return Outcome(fact.id, lang, text, True)


def fold_eq(a: str, b: str) -> bool:
    return re.sub(r"\W+", "", a.lower()) == re.sub(r"\W+", "", b.lower())
