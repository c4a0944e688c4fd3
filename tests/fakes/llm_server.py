"""An OpenAI-compatible chat server with a fixed delay, for measuring the studio's own overhead and concurrency.

It answers /v1/chat/completions by restating, with their citations, the facts the prompt gives ("[ID] (year) …"
lines), like a faithful writer; every answer takes DELAY seconds, and any number are served at once.

    python -m tests.fakes.llm_server --port 8099 --delay 0.5
"""
from __future__ import annotations

import argparse
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FACT_LINE = re.compile(r"^\[([A-Z][A-Z0-9]{1,9}-\d{1,6})\] \((\d{4})\) (.+)$", re.M)


def faithful_reply(user: str) -> str:
    facts = FACT_LINE.findall(user)
    return " ".join(f"{text.rstrip('.')} [{fid}]." for fid, _, text in facts[:2]) or "Rien à dire."


class FakeLLM:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def handler(self):
        llm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: without this, Nagle's algorithm and the client's delayed ACK
            # add ~40 ms to every answer, which a real server does not
            disable_nagle_algorithm = True

            def log_message(self, *args):  # quiet
                pass

            def _send(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._send(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with llm.lock:
                    llm.calls += 1
                    llm.in_flight += 1
                    llm.max_in_flight = max(llm.max_in_flight, llm.in_flight)
                try:
                    time.sleep(llm.delay)
                    user = next((m["content"] for m in reversed(body.get("messages", [])) if m["role"] == "user"), "")
                    text = faithful_reply(user)
                finally:
                    with llm.lock:
                        llm.in_flight -= 1
                self._send(200, {"id": "fake", "object": "chat.completion", "created": int(time.time()),
                                 "model": body.get("model", "fake-model"),
                                 "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": text}}],
                                 "usage": {"prompt_tokens": len(user.split()), "completion_tokens": len(text.split()),
                                           "total_tokens": len(user.split()) + len(text.split())}})

        return Handler


def serve(port: int = 0, delay: float = 0.5) -> tuple[ThreadingHTTPServer, FakeLLM]:
    """Start in a background thread; returns (server, state). server.server_address[1] is the port."""
    llm = FakeLLM(delay)
    server = ThreadingHTTPServer(("127.0.0.1", port), llm.handler())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, llm


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=8099)
    ap.add_argument("--delay", type=float, default=0.5)
    a = ap.parse_args()
    srv, _ = serve(a.port, a.delay)
    print(f"fake OpenAI-compatible server on http://127.0.0.1:{srv.server_address[1]}/v1 (delay {a.delay} s)",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        srv.shutdown()
