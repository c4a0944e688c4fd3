"""Ingest: validate the corpus, then add, update and delete exactly what changed in the index."""
from __future__ import annotations

import hashlib
from typing import Callable, Protocol

from pipeline.config import Settings
from pipeline.corpus.facts import Filieres, load_corpus, load_filieres
from pipeline.index.chroma import open_index, write_stamp
from pipeline.index.embedding import Embedder
from pipeline.index.protocol import FactIndex
from pipeline.types import Fact, IngestReport

Progress = Callable[[int, int, str], None]
BATCH = 64


class _Noop:
    def __call__(self, done: int, total: int, message: str) -> None:
        return None


class IndexText(Protocol):
    def __call__(self, fact: Fact, filieres: Filieres) -> str: ...


def document_text(fact: Fact, filieres: Filieres) -> str:
    """The text that is embedded and searched for a fact: statements plus the filière's names."""
    parts = [fact.statement_fr]
    if fact.statement_en:
        parts.append(fact.statement_en)
    parts.append(f"({filieres.label(fact.filiere, 'fr')} / {filieres.label(fact.filiere, 'en')})")
    return "\n".join(parts)


def embed_hash(text: str, embedder_name: str) -> str:
    """Changes when the embedded text or the model changes: then, and only then, re-embed."""
    return hashlib.sha256(f"{embedder_name}\n{text}".encode("utf-8")).hexdigest()[:16]


def ingest(settings: Settings, embedder: Embedder, progress: Progress | None = None) -> IngestReport:
    """Validate, then sync the index with the corpus. An invalid corpus raises before anything is written."""
    facts, warnings = load_corpus(settings.corpus_dir, settings.today())
    filieres = load_filieres(settings.corpus_dir)
    with open_index(settings, embedder, create=True) as index:
        report = sync(index, facts, filieres, embedder, progress)
        report.warnings = warnings
        if report.changed:
            write_stamp(settings, index.version)
    return report


def sync(index: FactIndex, facts: list[Fact], filieres: Filieres, embedder: Embedder,
         progress: Progress | None = None) -> IngestReport:
    """Add, update and delete exactly what differs between `facts` and `index`; re-embed only changed texts."""
    progress = progress or _Noop()
    report = IngestReport()
    docs = {f.id: document_text(f, filieres) for f in facts}
    ehash = {f.id: embed_hash(docs[f.id], embedder.name) for f in facts}
    existing = index.hashes()
    if index.embedder_name and index.embedder_name != embedder.name:
        existing = {k: (v[0], "") for k, v in existing.items()}  # another model made these vectors
    to_embed, meta_only = [], []
    for f in facts:
        old = existing.get(f.id)
        if old is None:
            report.added.append(f.id)
            to_embed.append(f)
        elif old[1] != ehash[f.id]:
            report.updated.append(f.id)
            to_embed.append(f)
        elif old[0] != f.record_hash:  # its classification too (barometer tags)
            report.updated.append(f.id)
            meta_only.append(f)
        else:
            report.unchanged += 1
    current = {f.id for f in facts}
    report.deleted = sorted(i for i in existing if i not in current)
    report.reembedded = len(to_embed)
    total = len(to_embed) + len(meta_only) + len(report.deleted)
    done = 0
    for i in range(0, len(to_embed), BATCH):
        batch = to_embed[i:i + BATCH]
        vectors = embedder.embed_passages([docs[f.id] for f in batch])
        index.upsert(batch, [docs[f.id] for f in batch], [ehash[f.id] for f in batch], vectors)
        done += len(batch)
        progress(done, total, "embedding")
    for i in range(0, len(meta_only), 500):
        batch = meta_only[i:i + 500]
        index.upsert(batch, [docs[f.id] for f in batch], [ehash[f.id] for f in batch], None)
        done += len(batch)
        progress(done, total, "updating")
    index.delete(report.deleted)
    if report.changed:
        index.bump_version()
    progress(total, total, "done")
    return report
