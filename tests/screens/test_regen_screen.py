"""The drafting page: editors and admins only; an estimate that changes nothing; a regeneration started from the
screen runs in its own process against the configured server and its progress shows in the page."""
from __future__ import annotations

import time

import pytest

from pipeline.draft.runs import latest_run
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from tests.conftest import nav_pages, open_page, start

pytestmark = pytest.mark.integration


@pytest.fixture
def fake_server(monkeypatch):
    from tests.fakes.llm_server import serve
    server, llm = serve(0, delay=0.05)
    monkeypatch.setenv("STUDIO_LLM_BACKEND", "openai-compatible")
    monkeypatch.setenv("STUDIO_LLM_MODEL", "fake")
    monkeypatch.setenv("STUDIO_LLM_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    yield llm
    server.shutdown()


def test_only_editors_and_admins_see_the_drafting_page(indexed, monkeypatch, people):
    viewer = start(indexed, monkeypatch, people["viewer"])
    assert "Rédaction" not in nav_pages(viewer)
    editor = start(indexed, monkeypatch, people["editor"], nav="redaction")
    assert "Rédaction" in nav_pages(editor)
    assert editor.header[0].value == "Rédaction et régénération" and not editor.exception
    crafted = start(indexed, monkeypatch, people["viewer"], nav="redaction")  # a viewer cannot reach it at all
    assert not [h for h in crafted.header if h.value == "Rédaction et régénération"]


def test_estimate_then_start_from_the_screen_with_progress(indexed, monkeypatch, people, fake_server):
    fake_server.delay = 0.3  # long enough to look at the screen while the run is going
    store = DraftStore.for_data_dir(indexed.data_dir)
    before = {d.id for d in store.list()}
    at = start(indexed, monkeypatch, people["editor"], nav="redaction")
    at.radio(key="regen_mode").set_value("all")
    at.selectbox(key="regen_filiere").set_value("maritime")
    at.multiselect(key="regen_langs").set_value(["fr"])
    at.button(key="regen_estimate").click().run(timeout=180)
    assert not at.error, [e.value for e in at.error]
    assert any("8 texte(s) à rédiger" in s.value for s in at.success)  # the 7 maritime items and its video
    assert {d.id for d in store.list()} == before and latest_run(store) is None  # the estimate changed nothing

    at.button(key="regen_start").click().run(timeout=60)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not (latest_run(store) or {}).get("finished"):
        time.sleep(0.1)
    # while it runs, the screen neither waits for it nor breaks: the page shows it going, the queue opens
    at.run(timeout=30)
    assert any(h.value.endswith("en cours") for h in at.subheader), [h.value for h in at.subheader]
    assert any(i.value.startswith("Une régénération est en cours") for i in at.info)
    open_page(at, "Relecture", timeout=30)
    assert at.header[0].value == "File de relecture" and not at.exception

    while time.monotonic() < deadline and latest_run(store)["status"] == "running":
        time.sleep(0.5)
    run = latest_run(store)
    assert run["status"] == "done", (indexed.data_dir / "regenerate.log").read_text()
    assert run["counts"] == {"done": 8}  # the 7 maritime items and its video
    new = [d for d in store.list() if d.id not in before]
    assert len(new) == 8 and all(d.status == "draft" and d.model == "fake" and d.lang == "fr" for d in new)
    open_page(at, "Rédaction")
    assert any(h.value.startswith(f"Régénération n° {run['id']} — terminée") for h in at.subheader)
    assert at.get("progress") and "8/8 textes" in at.get("progress")[0].proto.text
    entry = ReviewDesk(store).audit_log()[0]
    assert entry["action"] == "regenerate" and entry["actor"] == people["editor"].username
    assert entry["detail"]["filiere"] == "maritime"


def test_an_estimate_with_nothing_to_do_says_so(indexed, monkeypatch, people, fake_server):
    at = start(indexed, monkeypatch, people["admin"], nav="redaction")
    at.radio(key="regen_mode").set_value("stale")
    at.selectbox(key="regen_filiere").set_value("sante")
    at.multiselect(key="regen_langs").set_value(["fr"])
    at.button(key="regen_estimate").click().run(timeout=180)
    assert not at.exception
    # nothing stale in santé yet: an estimate of nothing, said plainly
    assert any("0 texte(s) à rédiger" in s.value for s in at.success)
