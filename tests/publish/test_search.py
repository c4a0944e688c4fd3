"""The search's files as publish writes them: one index per language holding every published fact (to its card), the
approved pages and documents, and nothing unpublished; a box on every page whose script and root resolve from that
page; the vendored library copied unchanged with its licences."""
from __future__ import annotations

import json
import posixpath

import lxml.html
import pytest

from pipeline.publish.search import VENDOR, VENDORED, read_search_data
from tests.publish.conftest import run


@pytest.fixture
def site(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    report = run(settings, store, out)
    return out, report


def records(out, lang: str) -> list[dict]:
    text = (out / "search" / f"{lang}.js").read_text(encoding="utf-8")
    head = f'window.STUDIO_SEARCH["{lang}"] = "'
    assert text.startswith("window.STUDIO_SEARCH = window.STUDIO_SEARCH || {};\n" + head)  # one string: no markup
    return read_search_data(text, lang)


def test_each_language_indexes_the_published_facts_pages_and_documents(site):
    out, report = site
    listed = {r["id"] for r in json.loads((out / "data" / "faits.json").read_text(encoding="utf-8"))}
    for lang in ("fr", "en"):
        recs = records(out, lang)
        facts = [r for r in recs if r["k"] == "fact"]
        assert {r["n"] for r in facts} == {i.replace("-", "") for i in listed}  # each published fact, once
        assert len(facts) == len(listed)
        for r in facts:
            page, anchor = r["u"].split("#")
            assert page.startswith(f"{lang}/faits/") and (out / page).exists() and anchor.replace("-", "") == r["n"]
        pages = {r["u"] for r in recs if r["k"] == "page"}
        assert pages == {p.html_path for p in report.pages if p.lang == lang}
        assert {r["u"] for r in recs if r["k"] == "doc"} == {d["path"] for d in report.documents if d["lang"] == lang}
        assert all((out / r["u"].split("#")[0]).exists() for r in recs)
    fr = records(out, "fr")
    assert not any("BROUILLON" in r["b"] or "REJECTED" in r["b"] for r in fr)  # never an unapproved text
    mar = next(r for r in fr if r.get("n") == "MAR001")
    assert mar["t"].startswith("En 2024, le Grand Port Maritime") and "70,5" in mar["b"] and "2024" in mar["b"]
    en_mar = next(r for r in records(out, "en") if r.get("n") == "MAR001")
    assert en_mar["t"].startswith("In 2024, the port of Marseille-Fos")


def test_every_page_has_the_box_and_its_script_resolves_from_there(site):
    out, _ = site
    for page in out.rglob("*.html"):
        rel = page.relative_to(out).as_posix()
        doc = lxml.html.fromstring(page.read_bytes())
        box = doc.xpath('//header//form[@role="search"]//input[@type="search"]')
        assert len(box) == 1 and doc.xpath('//label[@for="search-q"]'), rel
        script = doc.xpath('//script[@src]')[0]
        assert script.get("data-lang") == doc.get("lang"), rel
        if rel == "404.html":  # served at any address: from the site's root
            assert script.get("src") == "/assets/search.js" and script.get("data-root") == "/"
            continue
        root = script.get("data-root")
        assert posixpath.normpath(posixpath.join(posixpath.dirname(rel), script.get("src"))) == "assets/search.js"
        assert posixpath.normpath(posixpath.join(posixpath.dirname(rel), root or ".")) == "."


def test_the_library_is_shipped_unchanged_with_its_licences(site):
    out, _ = site
    for name in VENDORED:
        assert (out / "assets" / "vendor" / name).read_bytes() == (VENDOR / name).read_bytes(), name
    assert "2.3.9" in (out / "assets" / "vendor" / "lunr.min.js").read_text(encoding="utf-8")[:200]
    assert "MOZILLA PUBLIC LICENSE" in (out / "assets" / "vendor" / "LICENSE-lunr-languages.txt").read_text()
    script = (out / "assets" / "search.js").read_text(encoding="utf-8")
    assert "fetch(" not in script and "import(" not in script  # loaded by <script> tags: it works from file://
