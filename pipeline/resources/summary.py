"""A resource's summary drafted by a configured model and checked against the document itself.

The check (`summary_problems`) keeps a summary only when every figure it gives is one of the document's (a number,
percentage, amount, year or date the figure reader finds in the document, read the same way), when it is in the
document's language, short (at most MAX_WORDS words) and plain copy (no label, list or prompt text). A kept summary
is printed for staff to read and edit; it is listed only when they pass it to `resources add --summary-file`: the
model never writes to the corpus. The embedded model is never asked: it is too weak to summarise a document."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.errors import ConfigError
from pipeline.llm.base import ChatModel
from pipeline.llm.prompts import Prompt
from pipeline.resources.reader import detect_lang
from pipeline.verify.checker import LANG_NAMES
from pipeline.verify.figures import extract_figures, matches

MAX_WORDS = 90
DOCUMENT_CHARS = 6000   # the document's opening given to the model (its figures are checked against the whole text)
CHECKED = ("number", "percent", "money", "year", "date")
_LABEL = re.compile(r"^(?:summary|résumé|resume|synthèse)\s*(?:in \w+|en \w+)?\s*:\s*", re.I)
_PROMPT_WORDS = ("Document:", "Summary in", "{{", "two or three plain sentences", "resource centre of")


@dataclass
class SummaryDraft:
    text: str
    kept: bool
    problems: list[str] = field(default_factory=list)
    model: str = ""


def clean(text: str) -> str:
    """The model's summary as one paragraph, without a label it added or quotes around it."""
    text = " ".join(text.split())
    text = _LABEL.sub("", text).strip().strip("«»\"“” ").strip()
    return re.sub(r"\s+([.,;:])", r"\1", text)


def summary_problems(summary: str, document: str, lang: str) -> list[str]:
    """Why `summary` may not stand for `document` (in `lang`); empty when it may."""
    if not summary.strip():
        return ["the summary is empty"]
    out = []
    theirs = [g for g in extract_figures(document, lang) if g.kind in CHECKED]
    for g in extract_figures(summary, lang):
        if g.kind in CHECKED and not any(matches(g, d) for d in theirs):
            out.append(f"“{g.raw}” is not a figure of the document")
    said = detect_lang(summary)
    if said != lang:
        out.append(f"it is written in {said!r}, the document in {lang!r}")
    words = len(summary.split())
    if words > MAX_WORDS:
        out.append(f"it has {words} words (at most {MAX_WORDS})")
    if any(w.lower() in summary.lower() for w in _PROMPT_WORDS) or re.search(r"^\s*[-*•]|\n\s*[-*•]", summary):
        out.append("it holds prompt text or a list, not plain copy")
    return out


class SummaryWriter:
    """Drafts a document's summary with `model` and keeps it only if `summary_problems` finds nothing."""

    def __init__(self, model: ChatModel, prompt: Prompt) -> None:
        if model.settings.backend == "embedded":
            raise ConfigError("a resource's summary needs a configured model: the embedded one is too weak to "
                              "summarise a document, so it never drafts one",
                              fix="write the summary yourself (resources add --summary), or set "
                                  "STUDIO_LLM_BACKEND=openai (with OPENAI_API_KEY) or openai-compatible (with "
                                  "STUDIO_LLM_BASE_URL and STUDIO_LLM_MODEL)")
        self.model, self.prompt = model, prompt

    def draft(self, title: str, document: str, lang: str) -> SummaryDraft:
        system, user = self.prompt.render(title=title, language=LANG_NAMES.get(lang, lang),
                                          document=document[:DOCUMENT_CHARS])
        result = self.model.complete(system, user, max_tokens=self.prompt.max_tokens, stop=list(self.prompt.stop))
        text = clean(result.text)
        problems = summary_problems(text, document, lang)
        return SummaryDraft(text, not problems, problems, f"{result.backend} {result.model}")
