"""Another territory, no code changed: the tiny fictional territory of tests/fixtures/brevalle (six facts, two pages,
its home and agency in its territories.yaml) runs end to end — ingest, draft, review (approve), publish — by
pointing STUDIO_CORPUS_DIR at it, and nothing of Provence is left in what is published, nor in what the model was
asked. Fast version in memory (fake embedder and model); the integration one through the command line, as a user
runs it (the embedded embedding model, the fake OpenAI-compatible server)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.corpus.agency import current, load_agency, using
from pipeline.corpus.catalogue import load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.llm.prompts import load_prompt
from pipeline.publish.site import publish
from pipeline.retrieve.fact_base import current_facts
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from tests.conftest import REPO, FakeChatModel, free_port, stop_server, wait_serving
from tests.draft.test_compose import make_drafter
from tests.fakes.llm_server import faithful_reply

TERRITORY = REPO / "tests" / "fixtures" / "brevalle"
PROVENCE = re.compile(r"provence|marseille|\baix\b|aix-|one ?provence|oneprovence", re.I)
PASSWORD = "correct horse battery staple"


def provence_in(folder: Path) -> list[str]:
    """Every file of the folder that names Provence, Marseille, Aix or the agency, with what it says."""
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            text = p.read_bytes().decode("utf-8", errors="ignore")
            out += [f"{p.relative_to(folder)}: …{text[max(0, m.start() - 40):m.end() + 20]}…"
                    for m in PROVENCE.finditer(text)][:3]
    return out


def test_the_territory_s_agency_comes_from_its_corpus():
    a = load_agency(TERRITORY)
    assert (a.name, a.territory_fr, a.tagline("fr"), a.in_fr) == (
        "Brévalle Attractivité", "Brévalle", "Agence d'attractivité de Brévalle", "à Brévalle")
    assert a.slug == "brevalle-attractivite" and "Brévalle" in a.intro("en")
    home = load_agency(REPO / "corpus")
    assert (home.name, home.tagline("fr"), home.short_en) == (
        "One Provence", "Agence d'attractivité d'Aix-Marseille-Provence", "Provence")


def test_the_home_prompts_hash_as_they_did_when_the_names_were_written_in_them():
    """Otherwise every draft of the agency would turn stale (prompt changed) for nothing."""
    import hashlib
    for name in ("page", "social", "argumentaire", "employer_brand", "ask", "translate", "video"):
        raw = (REPO / "prompts" / f"{name}.yaml").read_text(encoding="utf-8")
        assert "{{agency." in raw and "Provence" not in raw, name
        written = (raw.replace("{{agency.name}}", "One Provence")
                   .replace("{{agency.territory_en}}", "Aix-Marseille-Provence")
                   .replace("{{agency.short_en}}", "Provence").replace("{{agency.in_fr}}", "en Provence")
                   .replace("{{agency.in_en}}", "in Provence"))
        with using(load_agency(REPO / "corpus")):
            assert load_prompt(name).content_hash == hashlib.sha256(written.encode()).hexdigest()[:16], name
        with using(load_agency(TERRITORY)):
            assert load_prompt(name).content_hash != hashlib.sha256(written.encode()).hexdigest()[:16], name


def test_an_unknown_agency_field_is_refused_naming_it(tmp_path):
    import shutil

    from pipeline.errors import CorpusError
    corpus = tmp_path / "corpus"
    shutil.copytree(TERRITORY, corpus)
    path = corpus / "territories.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  name: Brévalle", "  nom: Brévalle"), encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown field 'nom' under 'agency:'"):
        load_agency(corpus)
    from datetime import date

    from pipeline.corpus.facts import read_corpus
    _, issues = read_corpus(corpus, date(2026, 12, 1))  # what `validate` and `ingest` report
    assert [i.level for i in issues if "'nom'" in i.message] == ["error"]


def test_draft_review_publish_in_memory_leaves_nothing_of_provence(tmp_path):
    s = Settings(corpus_dir=TERRITORY, data_dir=tmp_path / "data")
    with using(load_agency(TERRITORY)):
        model = FakeChatModel(*[lambda system, user: faithful_reply(user)] * 20)
        drafter = make_drafter(s, model)
        store = DraftStore.for_data_dir(s.data_dir)
        specs = load_pages(TERRITORY, load_filieres(TERRITORY))
        assert [p.id for p in specs] == ["site-territoire", "site-industrie-investors"]
        for spec in specs:
            for lang in ("fr", "en"):
                rec = store.add(drafter.draft(spec, lang))
                assert rec.check_report["flagged"] == [], rec.text
        assert model.prompts and all(not PROVENCE.search(sys_ + user) for sys_, user in model.prompts)
        assert all("Brévalle Attractivité" in sys_ for sys_, _ in model.prompts)
        desk = ReviewDesk(store)
        desk.add_user("anne", "approver", PASSWORD)
        anne = desk.sign_in("anne", PASSWORD)
        for d in store.list():
            desk.approve(anne, d.id, d.version)
        out = tmp_path / "site"
        report = publish(out, store, current_facts(s), specs, s.today(), filieres=load_filieres(TERRITORY))
    assert len(report.pages) == 4 and not report.refused
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Brévalle Attractivité" in home and "Agence d&#x27;attractivité de Brévalle" in home
    assert "84 000 habitants" in (out / "fr" / "site-territoire.html").read_text(encoding="utf-8")
    assert json.loads((out / "datapackage.json").read_text())["name"] == "brevalle-attractivite-faits"
    assert provence_in(out) == []
    assert current().name == "One Provence"  # outside the block, the configured (shipped) corpus again


@pytest.mark.integration
def test_the_command_line_end_to_end_on_another_territory(tmp_path, monkeypatch):
    """validate, ingest (the embedded embedding model), draft ×4 (the fake OpenAI-compatible server), approve on
    the review screen (app.py in AppTest), publish; then grep the published folder."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tests.fakes.llm_server", "--port", str(port), "--delay", "0"],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import urllib.request
    wait_serving(server, lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2).status
                 == 200, "the fake model server", 30)
    env = {"STUDIO_CORPUS_DIR": str(TERRITORY), "STUDIO_DATA_DIR": str(tmp_path / "data"),
           "STUDIO_TODAY": "2026-12-01", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "STUDIO_LLM_BACKEND": "openai-compatible", "STUDIO_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1",
           "STUDIO_LLM_MODEL": "fake-model", "STUDIO_ADMIN_PASSWORD": PASSWORD}

    def cli(*args: str) -> str:
        p = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=600)
        assert p.returncode == 0, f"{' '.join(args)}: {p.stdout}\n{p.stderr}"
        return p.stdout
    try:
        assert "6 valid facts; 0 error(s)" in cli("validate")
        assert json.loads(cli("ingest", "--json"))["added"] and "2 items" in cli("pages")
        for page in ("site-territoire", "site-industrie-investors"):
            for lang in ("fr", "en"):
                d = json.loads(cli("draft", page, "--lang", lang, "--json"))
                assert d["check"]["flagged"] == [] and "Brévalle" in d["text"]
        cli("users", "ensure-admin")
    finally:
        stop_server(server)
    store = DraftStore.for_data_dir(tmp_path / "data")
    admin = ReviewDesk(store).sign_in("admin", PASSWORD)
    from tests.conftest import start
    from tests.screens.test_review_screen import open_draft
    screen = Settings(corpus_dir=TERRITORY, data_dir=tmp_path / "data")
    for d in store.list():
        at = open_draft(start(screen, monkeypatch, admin), d.id)
        assert not at.exception and not PROVENCE.search(" ".join(m.value for m in at.markdown))
        at.button(key="approve").click().run()
        assert any("Approuvé" in m.value for m in at.success), [e.value for e in at.error]
    assert {d.status for d in store.list()} == {"approved"}
    with store.engine.connect() as conn:
        from sqlalchemy import text
        asked = [r[0] + r[1] for r in conn.execute(text("SELECT system, prompt FROM llm_calls"))]
    assert len(asked) == 8 and not any(PROVENCE.search(a) for a in asked)
    out = tmp_path / "site"
    assert "published 4 page(s)" in cli("publish", "--out", str(out))
    assert provence_in(out) == []
    assert "Brévalle Attractivité" in (out / "en" / "index.html").read_text(encoding="utf-8")


def test_an_older_copy_of_the_shipped_corpus_keeps_the_shipped_agency(tmp_path):
    """Without an agency: block (or without territories.yaml at all, before the barometer) a corpus whose home is the
    shipped one's is the shipped agency: its prompts hash as before, no draft turns stale."""
    import shutil
    old = tmp_path / "old"
    shutil.copytree(REPO / "corpus", old)
    text = (old / "territories.yaml").read_text(encoding="utf-8")
    (old / "territories.yaml").write_text(re.sub(r"agency:\n(  .*\n)+", "", text), encoding="utf-8")
    assert "agency:" not in (old / "territories.yaml").read_text(encoding="utf-8")
    assert load_agency(old) == load_agency(REPO / "corpus")
    (old / "territories.yaml").unlink()
    assert load_agency(old).name == "One Provence"
    other = tmp_path / "other"
    shutil.copytree(TERRITORY, other)
    text = (other / "territories.yaml").read_text(encoding="utf-8")
    (other / "territories.yaml").write_text(re.sub(r"agency:\n(  .*\n)+", "", text), encoding="utf-8")
    a = load_agency(other)  # another home: its own names, never the shipped agency's
    assert (a.name, a.tagline_fr) == ("Agence d'attractivité de Brévalle", "Agence d'attractivité de Brévalle")
