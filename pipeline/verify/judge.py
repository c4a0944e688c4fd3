"""Semantic support by a language model: does the cited fact say what the sentence says?
Only an opinion, reported beside the deterministic figure check; worth asking only of a strong model."""
from __future__ import annotations

import re

from pipeline.llm.prompts import load_prompt
from pipeline.verify.checker import ClaimChecker
from pipeline.verify.verdict import CheckReport


class LLMJudge:
    """Asks the model YES/NO for each sentence that has backing facts."""

    def __init__(self, model, checker: ClaimChecker, log=None) -> None:
        self.model = model
        self.checker = checker
        self.prompt = load_prompt("judge")
        self.log = log

    def verdict(self, sentence: str, fact_ids: list[str]) -> bool | None:
        """True (supported), False (not), or None when the model's answer is neither YES nor NO."""
        facts = "\n".join(f"[{i}] {self.checker.facts[i].statement_fr}" for i in fact_ids if i in self.checker.facts)
        if not facts:
            return None
        system, user = self.prompt.render(sentence=sentence, facts=facts)
        r = self.model.complete(system, user, max_tokens=self.prompt.max_tokens, stop=list(self.prompt.stop))
        if self.log:
            self.log.record("judge", self.model.settings, system, user, r, meta={"prompt_hash": self.prompt.content_hash})
        m = re.search(r"\b(YES|NO|OUI|NON)\b", r.text.upper())
        return None if not m else m.group(1) in ("YES", "OUI")

    def annotate(self, report: CheckReport) -> CheckReport:
        """Add the model's verdict to every sentence that cites or found facts."""
        for s in report.sentences:
            ids = s.fact_ids or s.cited
            if ids and (s.figures or s.names):
                s.judge = self.verdict(s.text, ids)
        return report
