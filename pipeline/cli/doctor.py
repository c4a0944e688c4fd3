"""`doctor`: what is configured, and whether each piece answers."""
from __future__ import annotations

import time
from dataclasses import dataclass

from pipeline.config import Settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_doctor(settings: Settings, with_model: bool = True) -> list[Check]:
    """Corpus, embeddings, index, call log, tokenizer, LLM: one line each."""
    from pipeline.errors import StudioError
    out: list[Check] = []

    def attempt(name: str, fn) -> None:
        t0 = time.perf_counter()
        try:
            detail = fn()
            out.append(Check(name, True, f"{detail} ({time.perf_counter() - t0:.2f} s)"))
        except StudioError as exc:
            out.append(Check(name, False, exc.message, exc.fix))
        except Exception as exc:  # doctor reports every failure instead of stopping at the first
            out.append(Check(name, False, f"{type(exc).__name__}: {exc}", "see the message"))

    def corpus():
        from pipeline.corpus.facts import read_corpus
        facts, issues = read_corpus(settings.corpus_dir, settings.today())
        errors = sum(i.level == "error" for i in issues)
        if errors:
            from pipeline.errors import CorpusError
            raise CorpusError(f"{settings.corpus_dir}: {errors} error(s)", fix="run 'python -m pipeline validate'")
        return f"{settings.corpus_dir}: {len(facts)} facts, {len(issues)} warning(s)"

    def embeddings():
        from pipeline.index.embedding import default_embedder
        e = default_embedder()
        v = e.embed_query("port de Marseille")
        return f"{e.name}, {len(v)} dimensions"

    def index():
        from pipeline.index.chroma import open_index
        from pipeline.index.embedding import default_embedder
        with open_index(settings, default_embedder()) as idx:
            where = (f"Chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.remote_index
                     else f"embedded Chroma at {settings.chroma_dir}")
            return f"{where}, collection {settings.collection!r}: {idx.count()} facts, version {idx.version}"

    def tokenizer():
        from pipeline.llm.tokens import count_tokens, encoding_for
        enc, exact = encoding_for("gpt-4o-mini")
        return f"tiktoken {enc.name} offline ({count_tokens('Marseille-Fos', 'gpt-4o-mini')} tokens for a test)"

    def database():
        from pipeline.store.database import DraftStore
        st = DraftStore.for_data_dir(settings.data_dir)
        return (f"{st.url.split('@')[-1]}: schema up to date, {len(st.list())} draft(s), "
                f"{st.count_calls()} model call(s) logged")

    def model():
        from pipeline.llm.base import llm_settings_from_env
        from pipeline.llm.factory import make_chat_model
        s = llm_settings_from_env()
        if not with_model:
            return f"{s.describe()} (not called: --no-model)"
        return f"{s.describe()}: {make_chat_model(s).ping()}"

    for name, fn in (("corpus", corpus), ("embedding", embeddings), ("index", index), ("tokenizer", tokenizer),
                     ("database", database), ("llm", model)):
        attempt(name, fn)
    return out
