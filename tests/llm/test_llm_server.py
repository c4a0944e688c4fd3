"""The OpenAI-compatible path for real: llama_cpp.server serving the embedded Gemma on 127.0.0.1, called through
the real openai/langchain clients; and the embedded backend in-process."""
from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest

from pipeline.ask.answerer import Answerer
from pipeline.corpus.names import load_aliases, load_glossary
from pipeline.index.chroma import ChromaFactIndex
from pipeline.index.embedding import default_embedder
from pipeline.llm.base import LLMSettings
from pipeline.llm.embedded import EmbeddedChatModel, model_path
from pipeline.llm.openai_compat import OpenAIChatModel
from pipeline.llm.prompts import load_prompt
from pipeline.retrieve.retriever import Retriever
from pipeline.store.database import DraftStore
from pipeline.verify.checker import ClaimChecker
from tests.conftest import TODAY, free_port, stop_server, wait_serving

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", model_path(), "--model_alias",
                             "gemma-local", "--n_ctx", "2048", "--n_threads", "2", "--logits_all", "False",
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    wait_serving(proc, lambda: bool(urllib.request.urlopen(url + "/models", timeout=1).read()), "llama_cpp.server",
                 120, log)
    yield url
    stop_server(proc)


def test_completion_through_openai_client_with_token_counts(llama_server):
    m = OpenAIChatModel(LLMSettings("openai-compatible", "gemma-local", llama_server, None, 120.0, 1))
    r = m.complete("", "Complète : Marseille est une ville", max_tokens=12)
    assert isinstance(r.text, str) and r.prompt_tokens > 0 and 0 < r.completion_tokens <= 12


def test_ask_through_the_server_stays_grounded(llama_server, real_index_session, tmp_path):
    m = OpenAIChatModel(LLMSettings("openai-compatible", "gemma-local", llama_server, None, 120.0, 1))
    idx = ChromaFactIndex(real_index_session, default_embedder()).open()
    try:
        r = Retriever.for_settings(idx, default_embedder(), real_index_session)
        checker = ClaimChecker(list(r.snap.facts.values()), TODAY)
        log = DraftStore.for_data_dir(tmp_path)
        a = Answerer(r, checker, m, load_prompt("ask"), log, aliases=load_aliases(real_index_session.corpus_dir),
                     glossary=load_glossary(real_index_session.corpus_dir))
        res = a.ask("Quel est le tonnage du port de Marseille-Fos en 2024 ?")
        assert not res.abstained and res.tokens_in > 0 and log.count_calls() == 1
        cited = {c["id"] for c in res.citations}
        report = checker.check(res.answer, "fr")
        assert cited and all(set(fc.backed_by) & cited for s in report.sentences for fc in s.figures)
    finally:
        idx.close()


def test_a_resource_summary_through_the_server_is_kept_only_when_the_document_backs_it(llama_server):
    from pipeline.resources.summary import SummaryWriter, summary_problems
    from tests.resources.conftest import FR_TEXT
    m = OpenAIChatModel(LLMSettings("openai-compatible", "gemma-local", llama_server, None, 120.0, 1))
    got = SummaryWriter(m, load_prompt("summary")).draft("Innovation sociale", FR_TEXT, "fr")
    assert got.model == "openai-compatible gemma-local"
    assert got.kept == (summary_problems(got.text, FR_TEXT, "fr") == [])  # the same check, whatever Gemma wrote
    assert got.kept or got.problems


def test_embedded_backend_in_process():
    m = EmbeddedChatModel(LLMSettings())
    r = m.complete("", "La ville de Marseille est", max_tokens=8)
    assert r.backend == "embedded" and r.prompt_tokens > 0 and r.completion_tokens > 0
