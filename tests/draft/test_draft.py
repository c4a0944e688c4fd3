"""Drafting: facts planned first, model text kept only where checked, repairs, and nothing half-written."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.corpus.catalogue import find_page, load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.errors import CorpusError, DraftError, LLMError, PromptError, QueryError
from pipeline.store.database import DraftStore
from pipeline.wiring import open_drafter
from tests.conftest import REPO, TODAY, FakeChatModel

pytestmark = pytest.mark.integration


@pytest.fixture
def specs(real_index_session):
    return load_pages(real_index_session.corpus_dir, load_filieres(real_index_session.corpus_dir))


def draft_with(settings, tmp_path, spec_id, lang, *replies):
    store = DraftStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    model = FakeChatModel(*replies)
    specs = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    with open_drafter(settings, model=model, store=store) as (drafter, _):
        rec = store.add(drafter.draft(find_page(specs, spec_id, lang), lang))
        checker = drafter.checker
    return rec, model, store, checker


def test_catalogue_has_every_item_the_issue_asks_for(specs):
    kinds = {}
    for s in specs:
        kinds.setdefault(s.kind, []).append(s)
        assert set(s.languages) == {"fr", "en"}
    pages = {s.id for s in kinds["page"]}
    for f in ("aeronautique", "sante", "cinema", "energie", "maritime", "logistique", "culture", "sport"):
        assert {f"site-{f}-investors", f"site-{f}-talents"} <= pages
    assert "site-territoire" in pages
    assert len(kinds["argumentaire"]) == 7 and all(3 <= len(s.sections) <= 5 for s in kinds["argumentaire"])
    assert len(kinds["employer_brand"]) == 7 and len(kinds["social"]) == 18


def first_fact_sentence(system, user):
    """A faithful writer: the first fact given, restated with its citation."""
    import re
    m = re.search(r"\[([A-Z]+-\d+)\] \((\d{4})\) (.+)", user)
    return f"{m.group(3).rstrip('.')} [{m.group(1)}]."


def test_grounded_text_is_kept_and_provenance_recorded(real_index_session, tmp_path):
    rec, model, store, checker = draft_with(real_index_session, tmp_path, "social-maritime-1", "fr",
                                            first_fact_sentence)
    reply = first_fact_sentence(*model.prompts[0])
    assert reply in rec.text and rec.check_report["flagged"] == []
    system, user = model.prompts[0]
    assert "Brand voice" in system and "Provence" in system and "[MAR-" in user
    assert rec.prompt_name == "social" and len(rec.prompt_hash) == 16 and rec.backend == "fake"
    ids = {f["id"] for f in rec.facts}
    assert reply.split("[")[-1].rstrip("].") in ids and all(len(f["content_hash"]) == 16 for f in rec.facts)
    assert rec.tokens_estimated > 0 and rec.timings["total_s"] > 0
    assert store.count_calls() == 1


def test_wrong_figures_are_replaced_by_verified_statements(real_index_session, tmp_path):
    reply = ("Le port de Marseille-Fos a traité 95 millions de tonnes en 2024 [MAR-001]. "
             "Il emploie 40 000 dockers [MAR-001]. Le port cite aussi [FAKE-001].")
    rec, _, _, checker = draft_with(real_index_session, tmp_path, "social-maritime-1", "fr", reply)
    assert "95 millions" not in rec.text and "40 000" not in rec.text and "FAKE-001" not in rec.text
    assert any("dropped" in r for r in rec.check_report["repairs"])
    assert any("verified statement" in r for r in rec.check_report["repairs"])
    report = checker.check(rec.text, "fr")
    assert all(set(fc.backed_by) & set(s.cited) for s in report.sentences for fc in s.figures)


def test_uncited_but_backed_figure_gets_its_citation(real_index_session, tmp_path):
    def uncited(system, user):
        return first_fact_sentence(system, user).rsplit(" [", 1)[0] + "."
    rec, model, *_ = draft_with(real_index_session, tmp_path, "social-maritime-1", "fr", uncited)
    assert first_fact_sentence(*model.prompts[0]) in rec.text


def test_no_stale_or_retired_fact_is_used(real_index_session, tmp_path):
    rec, _, _, checker = draft_with(real_index_session, tmp_path, "site-culture-investors", "fr", "", "")
    cited = {f["id"] for f in rec.facts}
    assert cited and not [i for i in cited if checker.problem(i)]
    assert "CUL-001" not in cited  # the MuCEM's 2014 figure is stale


def test_an_llm_failure_leaves_no_draft(real_index_session, tmp_path):
    store = DraftStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    specs = load_pages(real_index_session.corpus_dir, load_filieres(real_index_session.corpus_dir))
    model = FakeChatModel(LLMError("fake at nowhere: cannot connect", fix="start it"))
    with open_drafter(real_index_session, model=model, store=store) as (drafter, _):
        with pytest.raises(LLMError):
            store.add(drafter.draft(find_page(specs, "social-maritime-1", "fr"), "fr"))
    assert store.list() == [] and store.count_calls() == 1  # the failed call is logged, no draft stored


def test_a_filiere_without_usable_facts_is_refused(real_index_session, tmp_path, specs):
    from dataclasses import replace
    spec = replace(find_page(specs, "social-maritime-1"), filieres=("numerique",))  # a filière with no fact yet
    store = DraftStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    with open_drafter(real_index_session, model=FakeChatModel(), store=store) as (drafter, _):
        with pytest.raises(DraftError) as exc:
            drafter.draft(spec, "fr")
    assert "numerique" in exc.value.message and store.list() == []


def test_bad_catalogue_entries(tmp_path, corpus_dir):
    text = (corpus_dir / "pages.yaml").read_text(encoding="utf-8")
    (corpus_dir / "pages.yaml").write_text(text.replace("prompt: social", "prompt: tweet", 1)
                                           .replace("filieres: [sport]", "filieres: [spatial]", 1), encoding="utf-8")
    with pytest.raises(CorpusError) as exc:
        load_pages(corpus_dir, load_filieres(corpus_dir))
    assert "prompt 'tweet' does not exist" in exc.value.message and "unknown filière 'spatial'" in exc.value.message


def test_unknown_page_and_language(specs):
    with pytest.raises(QueryError) as exc:
        find_page(specs, "site-spatial-investors")
    assert "pipeline pages" in exc.value.fix
    with pytest.raises(QueryError):
        find_page(specs, "site-territoire", "de")


def test_prompt_with_an_undeclared_variable_fails_loudly(tmp_path):
    from pipeline.llm.prompts import load_prompt
    (tmp_path / "page.yaml").write_text("variables: [facts]\ntemplate: '{{facts}} {{tone}}'\n", encoding="utf-8")
    with pytest.raises(PromptError):
        load_prompt("page", tmp_path)


def test_cli_pages_draft_drafts_json(real_index_session, tmp_path):
    env = {"STUDIO_CORPUS_DIR": str(real_index_session.corpus_dir), "STUDIO_DATA_DIR": str(tmp_path / "data"),
           "STUDIO_TODAY": TODAY.isoformat(), "PATH": "/usr/bin:/bin"}
    import shutil
    shutil.copytree(real_index_session.data_dir / "chroma", tmp_path / "data" / "chroma")

    def run(*a):
        return subprocess.run([sys.executable, "-m", "pipeline", *a], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=600)
    p = run("pages", "--json")
    pages = json.loads(p.stdout)
    assert p.returncode == 0 and len(pages) == 54 and {"id", "kind", "languages"} <= set(pages[0])
    p = run("draft", "social-energie-1", "--lang", "fr", "--json")  # the real embedded model
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert {"id", "page_id", "lang", "text", "check"} <= set(d) and d["page_id"] == "social-energie-1"
    assert d["check"]["sentences"] and all(s["status"] == "supported" for s in d["check"]["sentences"])
    p = run("drafts", "--json")
    rows = json.loads(p.stdout)
    assert [(r["page_id"], r["lang"], r["version"], r["status"]) for r in rows] == [("social-energie-1", "fr", 1, "draft")]
    p = run("draft", "no-such-page", "--lang", "fr")
    assert p.returncode == 2 and "unknown page id" in p.stderr
    p = run("drafts", "--status", "pending")
    assert p.returncode == 2
