"""The search's files as publish writes them: one index per language, in parts, holding every published fact (to its
card), the approved pages and documents, and nothing unpublished, each found by its words as the browser reads a
query; a box on every page whose script and root resolve from that page; the vendored library copied unchanged with
its licences."""
from __future__ import annotations

import json
import posixpath

import lxml.html
import pytest

from pipeline.publish.js_terms import term_reader
from pipeline.publish.search import VENDOR, VENDORED
from pipeline.publish.search_index import BLOCK, read_index
from tests.publish.conftest import run


@pytest.fixture
def site(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    report = run(settings, store, out)
    return out, report


def records(out, lang: str) -> list[dict]:
    """The records shown, with `n` (a fact's id, from its card's anchor) for the checks below."""
    for path in (out / "search" / lang).rglob("*.js"):  # every part is one call with one string: no markup
        text = path.read_text(encoding="utf-8")
        assert text.startswith('STUDIO_SEARCH_PART("') and text.count("\n") == 1 and "<" not in text, path
    _, shown, _ = read_index(out, lang)
    return [dict(r, n=r["u"].split("#")[1].replace("-", "")) if r["k"] == "fact" else r for r in shown]


def found(out, lang: str, query: str) -> list[str]:
    """Addresses of the records holding every word of `query` (stop words aside), by their summed score: the ranking
    search.js makes of the index, without the prefix."""
    _, shown, terms = read_index(out, lang)
    words = [w for w in term_reader().query(query, lang) if not w["stop"]]
    scores: list[dict[int, int]] = [dict(zip(terms.get(w["term"], [])[::2], terms.get(w["term"], [])[1::2]))
                                    for w in words]
    every = set.intersection(*(set(s) for s in scores)) if scores else set()
    return [shown[d]["u"] for d in sorted(every, key=lambda d: (-sum(s[d] for s in scores), d))]


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
    assert not any("BROUILLON" in r["s"] or "REJECTED" in r["s"] for r in fr)  # never an unapproved text
    mar = next(r for r in fr if r.get("n") == "MAR001")
    assert mar["t"].startswith("En 2024, le Grand Port Maritime") and "70,5" in mar["s"] and "2024" in mar["s"]
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
    assert (out / "assets" / "search-terms.js").read_bytes() == (VENDOR.parent / "search_terms.js").read_bytes()
    for name in ("search.js", "search-terms.js"):
        script = (out / "assets" / name).read_text(encoding="utf-8")
        assert "fetch(" not in script and "import(" not in script  # loaded by <script> tags: it works from file://


def test_the_index_finds_a_record_by_its_words_as_a_query_reads_them(site):
    out, _ = site
    meta, shown, terms = read_index(out, "fr")
    assert meta["docs"] == len(shown) and meta["block"] == BLOCK and len(shown) > BLOCK  # more than one block
    assert found(out, "fr", "MAR-001") == ["fr/faits/maritime.html#MAR-001"]  # the id, as one word
    # stemmed and folded alike on both sides: plural or singular, with or without accents
    assert found(out, "fr", "conteneurs équivalents vingt pieds")[0].endswith("#MAR-003")
    assert found(out, "fr", "conteneur equivalent vingt pied")[0].endswith("#MAR-003")
    assert found(out, "fr", "TECHNOPÔLE de Luminy")[0].endswith("#SAN-007")
    assert found(out, "en", "Luminy science parks")[0] == "en/faits/sante.html#SAN-007"
    assert found(out, "fr", "zzzqxw") == []
    assert "de" not in terms and "the" not in read_index(out, "en")[2]  # stop words are not indexed
    # each term sits in the part its first two characters name, which is what the browser loads for it
    for key in meta["parts"]:
        part = (out / "search" / "fr" / "t" / f"{key}.js").read_text(encoding="utf-8")
        assert f'"fr/t/{key}"' in part
    assert set(term_reader().parts(sorted(terms))) == set(meta["parts"])
