"""The fact base as the CLI and the app use it: one place that turns user inputs into a search."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import Settings
from pipeline.corpus.facts import load_filieres, read_corpus
from pipeline.corpus.relations import conflict_groups
from pipeline.index.chroma import open_index
from pipeline.index.embedding import Embedder, default_embedder
from pipeline.retrieve.retriever import DEFAULT_MODE, Retriever, check_query
from pipeline.types import FactFilter, RetrievedFact


@dataclass(frozen=True)
class CorpusStatus:
    facts: int
    by_filiere: dict[str, int]
    stale: list[str]
    retired: list[str]
    conflict_groups: int
    errors: list[str]
    warnings: int


class FactBase:
    """Search and status of the verified fact base, for every entry point."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or default_embedder()
        self.filieres = load_filieres(settings.corpus_dir)

    def make_filter(self, filiere: str | None = None, include_retired: bool = False,
                    exclude_stale: bool = False) -> FactFilter:
        """The filter for user-given options (filière names and aliases accepted)."""
        return FactFilter(filiere=self.filieres.resolve(filiere), include_retired=include_retired,
                          include_stale=not exclude_stale)

    def search(self, query: str, k: int = 5, filiere: str | None = None, include_retired: bool = False,
               exclude_stale: bool = False, mode: str = DEFAULT_MODE) -> list[RetrievedFact]:
        """Top-k facts for `query`; raises QueryError on bad input before touching the index."""
        check_query(query)
        flt = self.make_filter(filiere, include_retired, exclude_stale)
        with open_index(self.settings, self.embedder) as idx:
            return Retriever.for_settings(idx, self.embedder, self.settings, mode=mode).search(query, k=k, flt=flt)

    def status(self) -> CorpusStatus:
        """Counts of the corpus on disk: facts per filière, stale, retired, conflicts, problems."""
        today = self.settings.today()
        facts, issues = read_corpus(self.settings.corpus_dir, today)
        by: dict[str, int] = {}
        for f in facts:
            by[f.filiere] = by.get(f.filiere, 0) + 1
        groups = conflict_groups(facts)  # A↔B and B↔C: one group to resolve
        return CorpusStatus(
            facts=len(facts), by_filiere=dict(sorted(by.items())),
            stale=sorted(f.id for f in facts if f.status != "retired" and f.is_stale(today)),
            retired=sorted(f.id for f in facts if f.status == "retired"),
            conflict_groups=len(groups),
            errors=[i.render() for i in issues if i.level == "error"],
            warnings=sum(i.level == "warning" for i in issues))


def current_facts(settings: Settings, embedder: Embedder | None = None) -> list:
    """The facts as last ingested (the index), or the corpus on disk when nothing is indexed yet."""
    from pipeline.corpus.facts import load_corpus
    from pipeline.errors import IndexUnavailableError
    if settings.remote_index or (settings.chroma_dir / "chroma.sqlite3").exists():
        try:
            with open_index(settings, embedder or default_embedder()) as idx:
                return [it.fact for it in idx.all_facts()]
        except IndexUnavailableError:
            pass
    facts, _ = load_corpus(settings.corpus_dir, settings.today())
    return facts
