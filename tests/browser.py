"""Debian's headless Chromium for the real-browser tests, and a published folder served over HTTP.

Needs `chromium` and `chromium-driver`: scripts/setup-test-system.sh installs them (`make test` runs it). Selenium
Manager never downloads anything (SE_OFFLINE, an explicit driver)."""
from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def chromium(tmp_path: Path, monkeypatch, *extra: str, window: str = "1366,900"):
    """A headless Chromium with its profile and driver log under `tmp_path`; `extra` command-line switches."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: run `bash scripts/setup-test-system.sh` (it installs Debian's chromium "
                        "and chromium-driver; `make test` runs it)")
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never try to download a browser or driver
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", f"--window-size={window}",
                *extra, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        opts.add_argument(arg)
    return webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log")))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output stays the test's
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 while the block runs; yields its address ("http://127.0.0.1:PORT/")."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
