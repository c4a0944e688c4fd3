"""The resource centre as a reader and a reuser see it: a fact-base page per filière in both languages with stable,
unique anchors, stale facts apart and marked, conflicts side by side, no retired fact; the open data (CSV, JSON,
Data Package) equal to the corpus's published facts, validated by frictionless; a Dataset JSON-LD block."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import lxml.html
import pytest

from pipeline.publish.facts_pages import public_fact_base
from pipeline.retrieve.fact_base import current_facts
from tests.conftest import TODAY, edit_fact
from tests.publish.conftest import run


@pytest.fixture
def site(studio, tmp_path) -> Path:
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    return out


def doc(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def published(settings) -> list:
    """The facts the corpus says are public: verified, not retired or superseded, about the home territory."""
    facts = current_facts(settings)
    superseded = {old for f in facts for old in f.supersedes}
    return [f for f in facts if f.status == "verified" and not f.territory and f.id not in superseded]


def test_a_page_per_filiere_in_both_languages_with_every_public_fact_once(studio, site):
    settings, _, _ = studio
    facts = published(settings)
    filieres = {f.filiere for f in facts}
    for lang in ("fr", "en"):
        ids = []
        for fid in filieres:
            page = doc(site / lang / "faits" / f"{fid}.html")
            assert page.get("lang") == lang
            found = page.xpath('//article[contains(concat(" ", @class, " "), " fact ")]/@id')
            assert found, f"{lang}/faits/{fid}.html lists no fact"
            ids += found
        assert sorted(ids) == sorted(f.id for f in facts)  # each published fact once, at its id: unique anchors
    assert not (site / "fr" / "faits" / "peers.html").exists()


def test_anchors_are_the_fact_ids_and_stay_when_the_corpus_changes(studio, site, tmp_path):
    settings, store, _ = studio
    page = doc(site / "fr" / "faits" / "maritime.html")
    mar = page.xpath('//*[@id="MAR-001"]')[0]
    assert "70,5" in mar.text_content()
    assert mar.xpath('.//a[@href="#MAR-001"]')
    edit_fact(settings.corpus_dir, "MAR-003", "status: verified", "status: retired")
    again = tmp_path / "again"
    run(settings, store, again)
    assert doc(again / "fr" / "faits" / "maritime.html").xpath('//*[@id="MAR-001"]')[0].text_content() \
        == mar.text_content()


def test_each_fact_shows_its_year_source_verification_and_review_date(site):
    fr = doc(site / "fr" / "faits" / "maritime.html").xpath('//*[@id="MAR-001"]')[0]
    text = " ".join(fr.text_content().split())
    assert "2024" in text and "importé, non relu" in text and "29 novembre 2026" in text
    assert fr.xpath('.//a[starts-with(@href, "https://")]//cite')
    assert fr.xpath('.//dd/time/@datetime')[-1] == "2027-11-29"
    en = doc(site / "en" / "faits" / "maritime.html").xpath('//*[@id="MAR-001"]')[0]
    assert "imported, not yet re-read" in en.text_content()
    assert en.xpath('.//dd/a/cite[@lang="fr"]')  # the French source title is marked French on the English page
    assert "In 2024, the port of Marseille-Fos handled 70.5 million tonnes" in " ".join(en.text_content().split())


def test_a_stale_fact_is_listed_apart_and_marked(studio, site):
    settings, _, _ = studio
    stale = next(f for f in published(settings) if f.is_stale(TODAY))
    page = doc(site / "fr" / "faits" / f"{stale.filiere}.html")
    card = page.xpath(f'//*[@id="{stale.id}"]')[0]
    assert "stale" in card.get("class")
    assert card.xpath('ancestor::section[contains(@class, "stale-facts")]')
    assert "À revoir" in card.xpath('string(./p[@class="stale-mark"])')
    fresh = next(f for f in published(settings) if not f.is_stale(TODAY))
    card = doc(site / "fr" / "faits" / f"{fresh.filiere}.html").xpath(f'//*[@id="{fresh.id}"]')[0]
    assert "stale" not in card.get("class") and not card.xpath('./p[@class="stale-mark"]')


def test_a_conflict_shows_both_facts_side_by_side(studio, site):
    settings, _, _ = studio
    facts = {f.id: f for f in published(settings)}
    a = next(f for f in facts.values() if any(c in facts for c in f.conflict_with))
    b = facts[next(c for c in a.conflict_with if c in facts)]
    for x, y in ((a, b), (b, a)):
        card = doc(site / "fr" / "faits" / f"{x.filiere}.html").xpath(f'//*[@id="{x.id}"]')[0]
        sides = card.xpath('.//div[@class="side-by-side"]/div')
        assert len(sides) >= 2
        text = " ".join(s.text_content() for s in sides)
        assert x.value in text and y.value in text
        links = [h.split("#")[-1] for h in card.xpath('.//div[@class="side-by-side"]//a/@href') if "#" in h]
        assert y.id in links


def test_no_retired_fact_is_listed_anywhere(studio, tmp_path):
    settings, store, _ = studio
    edit_fact(settings.corpus_dir, "MAR-002", "status: verified", "status: retired")
    out = tmp_path / "site"
    run(settings, store, out)
    for p in (out / "fr" / "faits").glob("*.html"):
        assert not doc(p).xpath('//*[@id="MAR-002"]'), p
    assert "MAR-002" not in (out / "data" / "faits.csv").read_text(encoding="utf-8")
    card = doc(out / "fr" / "faits" / "maritime.html").xpath('//*[@id="MAR-001"]')[0]
    assert "MAR-002" not in card.text_content()  # not even as the other side of a conflict


def test_every_text_is_escaped(studio, tmp_path):
    settings, store, _ = studio
    edit_fact(settings.corpus_dir, "MAR-001", "wording_fr: En 2024,", "wording_fr: <script>alert(1)</script> En 2024,")
    out = tmp_path / "site"
    run(settings, store, out)
    raw = (out / "fr" / "faits" / "maritime.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "&lt;script&gt;alert(1)" in raw


def test_the_navigation_and_the_homes_link_the_fact_base(site):
    for home, target in (("index.html", "fr/faits/index.html"), ("en/index.html", "faits/index.html")):
        page = doc(site / home)
        assert page.xpath(f'//nav[@class="main-nav"]//a[@href="{target}"]')
        assert page.xpath(f'//main//a[@href="{target}"]')
    article = doc(site / "fr" / "site-territoire.html")
    assert article.xpath('//nav[@class="main-nav"]//a[@href="faits/index.html"]')
    index = doc(site / "fr" / "faits" / "index.html")
    assert index.xpath('//a[@href="maritime.html"]') and index.xpath('//a[@href="../../data/faits.csv"]')
    assert '<loc>fr/faits/maritime.html</loc>' in (site / "sitemap.xml").read_text(encoding="utf-8")


def _csv_rows(site: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((site / "data" / "faits.csv").read_text(encoding="utf-8"))))


def test_csv_and_json_rows_are_the_published_facts(studio, site):
    settings, _, _ = studio
    facts = {f.id: f for f in published(settings)}
    rows, items = _csv_rows(site), json.loads((site / "data" / "faits.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == [i["id"] for i in items] and set(facts) == {r["id"] for r in rows}
    for r, i in zip(rows, items):
        f = facts[r["id"]]
        assert (r["valeur"], r["unite"], int(r["annee"]), r["source_titre"], r["source_url"]) \
            == (i["valeur"], i["unite"], i["annee"], i["source_titre"], i["source_url"]) \
            == (f.value, f.unit, f.year, f.source.title, f.source.url)
        assert (r["a_revoir"] == "true") == i["a_revoir"] == f.is_stale(TODAY)
        assert i["page_fr"] == f"fr/faits/{f.filiere}.html#{f.id}"
    # no published fact without source, year and review date
    assert not [r["id"] for r in rows if not (r["source_titre"] and r["source_url"].startswith("http")
                                               and r["annee"].isdigit() and r["a_revoir_le"])]


def test_the_datapackage_validates_with_frictionless(site):
    frictionless = pytest.importorskip("frictionless", reason="pip install -r requirements-dev.txt")
    report = frictionless.validate(str(site / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    pkg = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["licenses"][0]["name"] == "etalab-2.0" and pkg["frequency"] and pkg["created"] and pkg["modified"]
    assert pkg["contributors"][0]["role"] == "publisher"
    for res in pkg["resources"]:
        for field in res["schema"]["fields"]:
            assert field["type"] and field["description"] and field["description_en"], field["name"]


def test_frictionless_refuses_a_row_that_breaks_the_schema(site, tmp_path):
    """The validation above has teeth: a year that is not a number, a missing source, are errors."""
    frictionless = pytest.importorskip("frictionless", reason="pip install -r requirements-dev.txt")
    copy = tmp_path / "copy"
    shutil.copytree(site / "data", copy / "data")
    shutil.copy(site / "datapackage.json", copy / "datapackage.json")
    items = json.loads((copy / "data" / "faits.json").read_text(encoding="utf-8"))
    items[0]["annee"], items[1]["source_url"] = "deux mille", None
    (copy / "data" / "faits.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    kinds = {e[0] for e in report.flatten(["type"])}
    assert kinds >= {"type-error", "constraint-error"}, kinds


def test_created_stays_and_modified_moves_on_a_second_publish(studio, site):
    settings, store, _ = studio
    first = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    from datetime import timedelta

    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    from pipeline.publish.site import publish
    from tests.publish.conftest import NOW
    publish(site, store, current_facts(settings), load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)),
            TODAY, now=NOW + timedelta(days=3), filieres=load_filieres(settings.corpus_dir))
    second = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    assert second["created"] == first["created"] and second["modified"] > first["modified"]


def test_the_index_carries_a_dataset_json_ld_block(site):
    for lang in ("fr", "en"):
        page = doc(site / lang / "faits" / "index.html")
        blocks = page.xpath('//script[@type="application/ld+json"]/text()')
        data = json.loads(blocks[0])
        assert data["@type"] == "Dataset" and data["license"].startswith("https://www.etalab.gouv.fr/")
        assert {d["contentUrl"] for d in data["distribution"]} >= {"data/faits.csv", "data/faits.json"}
        assert data["dateModified"] == "2026-12-01"


def test_the_selection_leaves_out_comparison_undated_and_draft_facts(studio):
    settings, _, _ = studio
    base = public_fact_base(current_facts(settings), TODAY)
    assert all(not f.territory and f.year and f.status == "verified" for f in base.facts)
    assert any(why.startswith("comparison fact") for why in base.left_out.values())


NEW_FACT = """
- id: MAR-099
  filiere: maritime
  statement_fr: Le port de Marseille-Fos a accueilli 2 900 escales de navires en 2025.
  wording_fr: En 2025, le port de Marseille-Fos a accueilli 2 900 escales de navires.
  wording_en: In 2025, the port of Marseille-Fos received 2,900 ship calls.
  wording_status: draft
  value: "2900"
  unit: escales
  year: 2025
  source:
    title: Rapport d'activité 2025 <Port>
    url: https://www.marseille-port.fr/rapport-2025
  verified_on: 2026-12-01
  verified_by: Anna Martin
  review_by: 2027-12-01
  status: verified
"""


def test_what_changed_lists_added_changed_and_retired_facts(studio, site):
    settings, store, _ = studio
    first = doc(site / "fr" / "faits" / "changements.html")
    assert "Première publication" in first.text_content()
    assert doc(site / "fr" / "faits" / "index.html").xpath('//a[@href="changements.html"]')
    edit_fact(settings.corpus_dir, "MAR-001", 'value: "70,5"', 'value: "70,6"')
    edit_fact(settings.corpus_dir, "MAR-001", "verified_by: seed import", "verified_by: Anna Martin")
    edit_fact(settings.corpus_dir, "MAR-003", "status: verified", "status: retired")
    with (settings.corpus_dir / "facts" / "maritime.yaml").open("a", encoding="utf-8") as fh:
        fh.write(NEW_FACT)
    from datetime import timedelta

    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    from pipeline.publish.site import publish
    from tests.publish.conftest import NOW
    publish(site, store, current_facts(settings), load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)),
            TODAY, now=NOW + timedelta(days=1), filieres=load_filieres(settings.corpus_dir))
    for lang, since in (("fr", "1 décembre 2026"), ("en", "1 December 2026")):
        page = doc(site / lang / "faits" / "changements.html")
        assert since in page.xpath('string(//p[@class="lede"])')
        added = page.xpath('//section[@id="added"]/ul/li')
        assert [li.xpath("string(a)") for li in added] == ["MAR-099"]
        assert added[0].xpath("a/@href") == ["maritime.html#MAR-099"]
        changed = {li.xpath("string(a)"): li for li in page.xpath('//section[@id="changed"]/ul/li')}
        assert set(changed) == {"MAR-001"}
        diffs = {" ".join(d.text_content().split()) for d in changed["MAR-001"].xpath(".//ul/li")}
        assert any("70,5 → 70,6" in d for d in diffs), diffs
        assert any("seed import → Anna Martin" in d for d in diffs), diffs
        removed = page.xpath('//section[@id="removed"]/ul/li')
        assert [li.xpath('string(span[@class="fact-ref"])') for li in removed] == ["MAR-003"]
        assert ("retiré" if lang == "fr" else "retired") in removed[0].text_content()
    raw = (site / "fr" / "faits" / "maritime.html").read_text(encoding="utf-8")
    assert "Rapport d&#x27;activité 2025 &lt;Port&gt;" in raw and "<Port>" not in raw
    assert not doc(site / "fr" / "faits" / "maritime.html").xpath('//*[@id="MAR-003"]')
    snap = json.loads((site / ".studio-facts.json").read_text(encoding="utf-8"))
    assert "MAR-099" in snap["facts"] and "MAR-003" not in snap["facts"]
    assert all("notes" not in f for f in snap["facts"].values())  # staff notes stay out of the public folder


def test_a_published_texts_sources_link_to_their_facts_cards(site):
    page = doc(site / "fr" / "site-territoire.html")
    links = {li.get("id"): li.xpath('.//a[@class="fact-link"]/@href') for li in page.xpath('//section[@id="sources"]//li')}
    assert links["src-MAR-001"] == ["faits/maritime.html#MAR-001"]
    target = doc(site / "fr" / "faits" / "maritime.html")
    assert target.xpath('//article[@id="MAR-001"]')
    en = doc(site / "en" / "argumentaire-territoire.html")
    assert en.xpath('//section[@id="sources"]//a[@class="fact-link"]/@href') == ["faits/aeronautique.html#AER-002"]
    assert "fact sheet" in en.xpath('string(//section[@id="sources"])')


def test_the_publish_report_counts_the_fact_base(studio, tmp_path):
    settings, store, _ = studio
    report = run(settings, store, tmp_path / "site").fact_base
    base = public_fact_base(current_facts(settings), TODAY)
    assert report["facts"] == len(base.facts) and report["stale"] == sum(f.is_stale(TODAY) for f in base.facts)
    assert report["changes"]["since"] is None  # a first publish: nothing to compare
