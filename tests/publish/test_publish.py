"""Publish: only approved versions, byte for byte as approved; retired facts and tampered texts withheld and said;
escaped HTML with sources; Markdown, JSON feed and DOCX; a foreign output folder refused with nothing lost."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text as sql

from pipeline.errors import PublishError
from pipeline.publish.folder import MARKER
from pipeline.publish.render import SourceRef, markdown_to_html, safe_url, sources_html
from pipeline.retrieve.fact_base import current_facts
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from tests.conftest import TODAY, edit_fact, remove_fact
from tests.publish.conftest import ARG_FR, NOW, SOCIAL, TERR_V2, _rec, all_text, docx_text, run


def test_only_approved_versions_are_published_exactly_as_approved(studio, tmp_path):
    settings, store, ids = studio
    out = tmp_path / "site"
    report = run(settings, store, out)
    assert {(p.page_id, p.lang) for p in report.pages} == {
        ("site-territoire", "fr"), ("argumentaire-territoire", "fr"), ("argumentaire-territoire", "en"),
        ("marque-employeur-vivre-travailler", "en"), ("social-energie-1", "en")}
    assert store.get(ids["terr_v1"]).status == "superseded"
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    item = next(i for i in feed["items"] if i["page_id"] == "site-territoire")
    assert item["text_markdown"] == TERR_V2 and item["version"] == 2 and item["approved_by"] == "anna"
    with store.engine.connect() as conn:
        logged = conn.execute(sql("SELECT text_hash FROM audit WHERE draft_id=:d AND action='approve'"),
                              {"d": ids["terr_v2"]}).scalar()
    assert item["text_hash"] == hashlib.sha256(TERR_V2.encode()).hexdigest() == logged
    everything = all_text(out)
    for never in ("Version un", "BROUILLON v3", "DRAFT ONLY EN", "REJECTED TEXT"):
        assert never not in everything
    assert not (out / "en" / "site-territoire.html").exists()
    assert (out / "md" / "fr" / "site-territoire.md").read_bytes().startswith(TERR_V2.encode())
    assert report.withheld == [] and feed["withheld"] == []


def test_html_is_escaped_and_cites_its_sources(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    social = (out / "en" / "social-energie-1.html").read_text(encoding="utf-8")
    assert "<script>" not in social and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in social
    assert "&lt;b&gt;soon&lt;/b&gt;" in social and "&amp; more" in social and '<html lang="en">' in social
    assert '<sup class="note"><a href="#src-AGE-001" id="ref-AGE-001" title="Source 1">1</a></sup>' in social
    assert re.search(r'<li id="src-AGE-001" value="1"><a href="https://www\.businews\.fr/[^"]+" '
                     r'rel="noopener noreferrer"><cite[^>]*>[^<]+</cite></a> · <span class="host">www\.businews\.fr'
                     r"</span> · 2024 ", social)
    page = (out / "fr" / "site-territoire.html").read_text(encoding="utf-8")
    assert "<strong>70,5 millions de tonnes</strong> en 2024<sup" in page and "<em>ouvert</em>" in page
    assert "<li>Plus de 200 métiers à Marignane<sup" in page and "<h2>Le port</h2>" in page
    assert 'id="src-MAR-001"' in page and 'id="src-AER-002"' in page and "Journal de la Marine Marchande" in page
    assert re.search(r'Page approuvée le <time datetime="\d{4}-\d\d-\d\d">\d{1,2} (janvier|février|mars|avril|mai|'
                     r"juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}</time>", page)
    assert "Version 2" not in page and "version" not in page.split("<footer")[1].lower()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="fr/site-territoire.html"' in index and 'href="docs/argumentaire-fr.docx"' in index
    assert 'href="docs/argumentaire-fr.pdf"' in index and "&lt;script&gt;" not in index  # titles only
    assert 'href="social-energie-1.html"' in (out / "en" / "index.html").read_text(encoding="utf-8")


def test_markdown_and_feed_carry_text_and_sources(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    md = (out / "md" / "en" / "social-energie-1.md").read_text(encoding="utf-8")
    assert md.startswith(SOCIAL) and "## Sources" in md and "(<https://www.businews.fr/" in md and "(2024)" in md
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["generated_at"] == NOW.isoformat()
    social = next(i for i in feed["items"] if i["page_id"] == "social-energie-1")
    assert social["kind"] == "social" and social["filieres"] == ["energie"] and social["lang"] == "en"
    assert "&lt;script&gt;" in social["html"] and social["text_markdown"] == SOCIAL
    assert social["sources"][0]["id"] == "AGE-001" and social["sources"][0]["year"] == 2024
    assert social["sources"][0]["url"].startswith("https://")
    terr = next(i for i in feed["items"] if i["page_id"] == "site-territoire")
    assert [s["id"] for s in terr["sources"]] == ["MAR-001", "AER-002"]


def test_documents_per_kind_and_language(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    report = run(settings, store, out)
    fr = docx_text(out / "docs" / "argumentaire-fr.docx")
    assert ("Normal", "Marignane réunit plus de 200 métiers1.") in fr  # markers become formatting, [ID] a note
    assert ("Heading 2", "Industrie") in fr and ("Heading 1", "Notes et sources") in fr
    assert any(t.startswith("1. ") and "www.photo-club-vitrolles.fr · 2024" in t for _, t in fr)  # the source
    assert any("over 200 trades" in t for _, t in docx_text(out / "docs" / "argumentaire-en.docx"))
    assert any("70.5 Mt" in t for _, t in docx_text(out / "docs" / "employer-brand-kit-en.docx"))
    assert not (out / "docs" / "kit-marque-employeur-fr.docx").exists()
    assert {"kind": "employer_brand", "lang": "fr"} in [{k: d[k] for k in ("kind", "lang")}
                                                       for d in report.no_documents]
    from docx import Document
    runs = [r for p in Document(str(out / "docs" / "argumentaire-fr.docx")).paragraphs for r in p.runs]
    assert "plus de 200 métiers" in [r.text for r in runs if r.bold]
    calls = [r for p in Document(str(out / "docs" / "argumentaire-fr.docx")).paragraphs
             for item in p.iter_inner_content() for r in getattr(item, "runs", [item])]  # runs inside links too
    assert "1" in [r.text for r in calls if r.font.superscript]


@pytest.mark.parametrize("change, why", [
    (lambda c: edit_fact(c, "AGE-001", "status: verified", "status: retired"), "has been retired"),
    (lambda c: remove_fact(c, "AGE-001"), "no longer in the fact base"),
    (lambda c: edit_fact(c, "AER-002", "supersedes: []", "supersedes: [AGE-001]"), "superseded by AER-002"),
])
def test_a_page_citing_a_retired_fact_is_withheld_and_said(studio, tmp_path, change, why):
    settings, store, ids = studio
    change(settings.corpus_dir)
    out = tmp_path / "site"
    report = run(settings, store, out)
    assert ("social-energie-1", "en") not in {(p.page_id, p.lang) for p in report.pages}
    assert not (out / "en" / "social-energie-1.html").exists() and "One Provence turns 5" not in all_text(out)
    [w] = report.withheld
    assert (w.page_id, w.lang, w.draft_id, w.facts) == ("social-energie-1", "en", ids["social"], ("AGE-001",))
    assert why in w.reason and "approve it again" in w.fix and not w.integrity
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["withheld"][0]["page_id"] == "social-energie-1"
    assert len(report.pages) == 4  # the others still go out


def test_a_draft_fact_passes_only_under_an_override(studio, tmp_path):
    settings, store, _ = studio
    desk = ReviewDesk(store)
    facts = {f.id: f for f in current_facts(settings)}
    r = _rec("social-energie-2", "en", "Five years of One Provence [AGE-001].\n", facts)
    r.check_report = {"sentences": [{"text": "Five years [AGE-001].", "status": "unsupported"}], "flagged": ["x"]}
    r = store.add(r)
    desk.approve(desk.sign_in("anna", "correct horse battery"), r.id, 1, override_reason="confirmé par l'agence")
    edit_fact(settings.corpus_dir, "AGE-001", "status: verified", "status: draft")
    report = run(settings, store, tmp_path / "site")
    published = {(p.page_id, p.approval.action) for p in report.pages}
    assert ("social-energie-2", "approve_override") in published  # a person approved it knowingly
    [w] = report.withheld
    assert w.page_id == "social-energie-1" and "not verified" in w.reason


def test_relative_output_paths_work(studio, tmp_path, monkeypatch):
    settings, store, _ = studio
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    run(settings, store, Path("."))  # an empty current folder: filled in place, the shell stays in it
    assert Path("index.html").exists() and Path.cwd() == tmp_path / "here"
    with pytest.raises(PublishError, match="inside"):  # replacing it whole would pull the folder from under us
        run(settings, store, Path("."))
    assert Path("index.html").exists()
    run(settings, store, Path("../there/"))
    run(settings, store, Path("../there/"))
    assert (tmp_path / "there" / "feed.json").exists()


def test_a_changed_fact_is_published_as_approved_with_a_warning(studio, tmp_path):
    settings, store, _ = studio
    edit_fact(settings.corpus_dir, "MAR-001", 'value: "70,5"', 'value: "71"')
    report = run(settings, store, tmp_path / "site")
    assert ("site-territoire", "fr") in {(p.page_id, p.lang) for p in report.pages}
    assert any("[MAR-001] changed since the draft" in w and "'70,5'" in w and "'71'" in w for w in report.warnings)


def test_a_text_changed_after_approval_is_refused(studio, tmp_path):
    settings, store, ids = studio
    with store.engine.begin() as conn:
        conn.execute(sql("UPDATE drafts SET text=:t WHERE id=:i"),
                     {"t": ARG_FR.replace("200", "2000"), "i": ids["arg_fr"]})
        # and a status flipped by hand, with no approval in the audit log
        conn.execute(sql("UPDATE drafts SET status='approved' WHERE page_id='site-maritime-investors'"))
    out = tmp_path / "site"
    report = run(settings, store, out)
    refused = {w.page_id: w for w in report.refused}
    assert set(refused) == {"argumentaire-territoire", "site-maritime-investors"}
    assert "changed after approval" in refused["argumentaire-territoire"].reason
    assert "no approval" in refused["site-maritime-investors"].reason
    assert "2000 métiers" not in all_text(out) and "REJECTED TEXT" not in all_text(out)
    assert not (out / "docs" / "argumentaire-fr.docx").exists() and (out / "docs" / "argumentaire-en.docx").exists()


def test_a_foreign_folder_is_refused_and_nothing_is_lost(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("mes notes", encoding="utf-8")
    (out / "sub" / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
    with pytest.raises(PublishError) as exc:
        run(settings, store, out)
    assert str(out) in exc.value.message and "notes.txt" in exc.value.message and "new or empty" in exc.value.fix
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["notes.txt", "sub", "sub/photo.jpg"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["mine", "corpus", "data"])  # no temp folder left
    (tmp_path / "afile").write_text("x")
    with pytest.raises(PublishError, match="is a file"):
        run(settings, store, tmp_path / "afile")


def test_republish_replaces_our_own_output_but_not_hand_edits(studio, tmp_path):
    settings, store, ids = studio
    out = tmp_path / "site"
    out.mkdir()  # an empty folder is fine
    run(settings, store, out)
    assert json.loads((out / MARKER).read_text())["files"]["feed.json"]
    edit_fact(settings.corpus_dir, "AGE-001", "status: verified", "status: retired")
    run(settings, store, out)
    assert not (out / "en" / "social-energie-1.html").exists()  # a withdrawn page leaves the site
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", "corpus", "data"])
    (out / "fr" / "site-territoire.html").write_text("edited by hand", encoding="utf-8")
    with pytest.raises(PublishError) as exc:
        run(settings, store, out)
    assert "fr/site-territoire.html" in exc.value.message
    assert (out / "fr" / "site-territoire.html").read_text(encoding="utf-8") == "edited by hand"


def test_a_failed_build_leaves_the_old_site_intact(studio, tmp_path, monkeypatch):
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr("pipeline.publish.site.write_docx", broken)
    with pytest.raises(OSError):
        run(settings, store, out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", "corpus", "data"])


def test_nothing_approved_is_refused_and_writes_nothing(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    store = DraftStore.for_data_dir(settings.data_dir)
    with pytest.raises(PublishError, match="nothing has been approved"):
        run(settings, store, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_renderer_never_lets_markup_through():
    out = markdown_to_html('## T <img src=x onerror=alert(1)>\n\n[clic](javascript:alert(1)) "q" **b** [MAR-001]')
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out and "href=\"javascript" not in out
    assert "&quot;q&quot;" in out and "<strong>b</strong>" in out and 'href="#src-MAR-001"' in out
    assert safe_url("javascript:alert(1)") is None and safe_url('https://x.fr/"onmouseover') is None
    src = sources_html([SourceRef("X-1", "<i>t</i>", "javascript:alert(1)", 2020)], "fr")
    assert "javascript" not in src and "<i>" not in src and "&lt;i&gt;t&lt;/i&gt;" in src
    assert [m for m in re.findall(r'href="([^"]*)"', src)] == ["#ref-X-1"]  # only the link back to the text


def test_cli_end_to_end(studio, tmp_path, monkeypatch, capsys):
    from pipeline.cli.main import main
    settings, store, _ = studio
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    out = tmp_path / "site"
    assert main(["publish", "--out", str(out)]) == 0
    said = capsys.readouterr()
    assert "published 5 page(s) (3 in en, 2 in fr)" in said.out and "docs/argumentaire-fr.docx" in said.out
    assert "no employer_brand document in fr" in said.out and said.err == ""
    edit_fact(settings.corpus_dir, "AGE-001", "status: verified", "status: retired")
    assert main(["publish", "--out", str(out), "--json"]) == 0
    said = capsys.readouterr()
    data = json.loads(said.out)
    assert len(data["published"]) == 4 and data["withheld"][0]["facts"] == ["AGE-001"]
    assert "WITHHELD social-energie-1 [en] v1: [AGE-001] has been retired" in said.err
    assert main(["publish", "--out", str(out), "--strict"]) == 8
    capsys.readouterr()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("keep")
    assert main(["publish", "--out", str(foreign)]) == 7
    assert "keep.txt" in capsys.readouterr().err and (foreign / "keep.txt").read_text() == "keep"
