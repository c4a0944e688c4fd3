"""Measure retrieval on a question set: recall@1, recall@5 and MRR per mode."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corpus.facts import read_csv_rows
from pipeline.retrieve.retriever import MODES, Retriever


@dataclass(frozen=True)
class Question:
    qid: str
    question: str
    lang: str
    type: str
    fact_ids: tuple[str, ...]


@dataclass
class RetrievalScores:
    mode: str
    n: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"mode": self.mode, "n": self.n, "recall@1": round(self.recall_at_1, 4),
                "recall@5": round(self.recall_at_5, 4), "mrr": round(self.mrr, 4), "misses_at_5": self.misses}


def read_questions(path: Path) -> list[Question]:
    """Questions from a CSV with columns qid, question, lang, type, fact_ids."""
    rows = read_csv_rows(path, {"qid", "question", "type", "fact_ids"}, "a questions CSV",
                         "use the columns of bench/data/questions_dev.csv")
    return [Question(r["qid"], r["question"], r.get("lang", ""), r["type"],
                     tuple(i for i in r["fact_ids"].split(";") if i)) for r in rows]


def eval_retrieval(retriever: Retriever, questions: list[Question], modes=MODES) -> list[RetrievalScores]:
    """Scores per mode over the answerable questions (a hit: an expected id in the top k)."""
    answerable = [q for q in questions if q.type == "answerable" and q.fact_ids]
    out = []
    for mode in modes:
        h1 = h5 = 0
        rr = 0.0
        misses = []
        for q in answerable:
            ids = [r.fact.id for r in retriever.search(q.question, k=10, mode=mode)]
            rank = next((i for i, fid in enumerate(ids) if fid in q.fact_ids), None)
            if rank is not None:
                rr += 1.0 / (rank + 1)
                h1 += rank == 0
            if rank is not None and rank < 5:
                h5 += 1
            else:
                misses.append(q.qid)
        n = max(len(answerable), 1)
        out.append(RetrievalScores(mode, len(answerable), h1 / n, h5 / n, rr / n, misses))
    return out
