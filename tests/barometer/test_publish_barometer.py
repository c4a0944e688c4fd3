"""The published barometer: every plotted value and every figure in its tables is a fact's value and equals the CSV;
every point links to an existing card; the charts are well-formed, titled and described SVG with a table beside; the
pages are in the navigation and the sitemap, in French and in English. The browser test (integration) opens them
with no network and runs axe-core."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from babel.numbers import parse_decimal

from pipeline.barometer.build import load_barometer
from pipeline.barometer.model import parse_value
from pipeline.barometer.words import LOCALES, fact_decimal, figure
from pipeline.corpus.catalogue import load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.publish.js_terms import term_reader
from pipeline.publish.search_index import read_index
from pipeline.publish.site import publish
from pipeline.retrieve.fact_base import current_facts
from tests.conftest import TODAY
from tests.publish.conftest import NOW, studio  # noqa: F401  (the fixture)

SVG = "{http://www.w3.org/2000/svg}"
SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture
def site(studio, tmp_path):  # noqa: F811
    settings, store, _ = studio
    out = tmp_path / "site"
    specs = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    facts = current_facts(settings)
    bar = load_barometer(settings, draws=200)
    bar.publish_report = False  # the report has its own test (it takes seconds)
    publish(out, store, facts, specs, TODAY, now=NOW, filieres=load_filieres(settings.corpus_dir), barometer=bar)
    return out, {f.id: f for f in facts}, bar


def pages(out: Path, lang: str) -> list[Path]:
    return sorted((out / lang / "barometre").glob("*.html"))


def svgs(path: Path) -> list[ET.Element]:
    return [ET.fromstring(m.group(0)) for m in SVG_RE.finditer(path.read_text(encoding="utf-8"))]


def anchor_exists(out: Path, page: Path, href: str) -> bool:
    target = urlsplit(href)
    file = (page.parent / unquote(target.path)).resolve()
    return file.is_file() and f'id="{target.fragment}"' in file.read_text(encoding="utf-8")


def shown(text: str, lang: str) -> Decimal:
    return parse_decimal(text.replace("\u202f", "\xa0"), locale=LOCALES[lang], strict=False)


def test_every_plotted_value_is_its_facts_value_and_the_csvs_and_links_to_its_card(site):
    out, facts, _ = site
    rows = list(csv.DictReader(io.StringIO((out / "data" / "barometre.csv").read_text(encoding="utf-8"))))
    by_point = {(r["indicateur"], r["fait"]) for r in rows}
    for r in rows:  # the CSV: the fact's own text and number
        f = facts[r["fait"]]
        assert r["valeur"] == f.value and float(r["valeur_nombre"]) == parse_value(f.value) and int(r["annee"]) == f.year
        assert r["source_url"] == f.source.url and r["page_fr"].startswith(("fr/faits/",))
    marks = 0
    for lang in ("fr", "en"):
        for page in pages(out, lang):
            if page.stem in ("index", "methode"):
                continue
            for svg in svgs(page):
                for a in svg.iter(f"{SVG}a"):
                    fid, value = a.get("data-fact"), float(a.get("data-value"))
                    f = facts[fid]
                    assert value == parse_value(f.value), (page, fid)
                    label = "".join(t.text for t in a.iter(f"{SVG}text"))
                    assert shown(label, lang) == fact_decimal(f.value), (page, fid, label)  # every digit, none rounded
                    assert fid in a.find(f"{SVG}title").text and str(f.year) in a.get("aria-label")
                    assert (page.stem, fid) in by_point
                    assert anchor_exists(out, page, a.get("href")), (page, a.get("href"))
                    marks += 1
    assert marks > 100
    # a home fact's card is in the fact base, a peer's among the comparison facts
    air = (out / "fr" / "barometre" / "airport_passengers.html").read_text(encoding="utf-8")
    assert f'href="../faits/{facts["TER-017"].filiere}.html#TER-017"' in air
    assert 'href="../faits/comparaisons.html#PAI-041"' in air


def test_no_page_claims_a_figure_that_no_fact_backs(site):
    out, facts, bar = site
    doc = json.loads((out / "data" / "barometre.json").read_text(encoding="utf-8"))
    scores = {str(v) for t in doc["compass"]["territories"] for v in [t["overall"], *t["dimensions"].values()]
              if v is not None}
    for lang in ("fr", "en"):
        for page in pages(out, lang):
            for svg in svgs(page):
                for t in svg.iter(f"{SVG}text"):
                    text = "".join(t.itertext())
                    for n in re.findall(r"\d[\d\s\u202f\xa0.,]*", text):
                        n = n.strip(" .,\u202f\xa0")
                        ok = (re.fullmatch(r"(19|20)\d\d", n) or re.fullmatch(r"\d{1,2}", n)  # a year, a rank
                              or any(fact_decimal(f.value) == shown(n, lang) for f in facts.values())
                              or str(float(shown(n, lang))) in scores)
                        assert ok, (page, text)
            html = page.read_text(encoding="utf-8")  # every table row naming a fact shows that fact's own figure
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
                ids = re.findall(r'class="fact-ref" href="[^"]*#([A-Z]+-\d+)">', row)
                if ids and page.stem not in ("index", "methode"):
                    assert figure(facts[ids[0]].value, lang) in row, (page, ids[0])
    # facts in another unit are never plotted
    air = svgs(out / "fr" / "barometre" / "airport_passengers.html")
    plotted = {a.get("data-fact") for s in air for a in s.iter(f"{SVG}a")}
    assert plotted >= {"PAI-041", "TER-017"} and not plotted & {"PAI-031", "PAI-035", "TER-016"}
    page = (out / "fr" / "barometre" / "airport_passengers.html").read_text(encoding="utf-8")
    assert "PAI-031" in page and "ni convertie ni comparée" in page  # left out, said with the reason
    assert "Lyon (dernier chiffre : 2022)" in page  # missing, never filled in


def test_each_chart_is_titled_described_and_has_its_table_beside_it(site):
    out, _, _ = site
    for lang in ("fr", "en"):
        for page in pages(out, lang):
            html = page.read_text(encoding="utf-8")
            assert f'<html lang="{lang}">' in html and "barometre.css" in html
            for svg in svgs(page):
                title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
                assert svg.get("aria-labelledby") == title.get("id") and svg.get("aria-describedby") == desc.get("id")
                assert title.text.strip() and desc.text.strip()
            figures = re.findall(r"<figure\b.*?</figure>", html, re.S)
            assert sum(len(SVG_RE.findall(f)) for f in figures) == len(svgs(page))  # every chart in a figure
            assert all(SVG_RE.search(f) for f in figures)
            for m in re.finditer(r"</figure>\s*(<\w+[^>]*>)", html):
                assert 'class="table-wrap"' in m.group(1), page  # the table follows each chart
            assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]  # nothing to run: offline
    index = unescape((out / "fr" / "barometre" / "index.html").read_text(encoding="utf-8"))
    assert "Baromètre de l'attractivité" in index and "La boussole" in index
    en = (out / "en" / "barometre" / "index.html").read_text(encoding="utf-8")
    assert "Attractiveness barometer" in en and "The compass" in en and "Rank kept" in en


def test_the_barometer_is_in_the_navigation_the_sitemap_and_its_data_files(site):
    out, _, bar = site
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="fr/barometre/index.html">Baromètre</a>' in home
    assert 'href="../barometre/index.html">Barometer</a>' in (out / "en" / "faits" / "index.html").read_text("utf-8")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "fr/barometre/methode.html" in sitemap and "en/barometre/teu.html" in sitemap
    compass = list(csv.DictReader(io.StringIO((out / "data" / "boussole.csv").read_text(encoding="utf-8"))))
    c = bar.compass
    assert {r["nom"]: float(r["score_global"]) for r in compass} == {c.names[t]: round(v, 1)
                                                                   for t, v in c.overall.items()}
    method = (out / "en" / "barometre" / "methode.html").read_text(encoding="utf-8")
    assert "±50%" in method and "within 1 year" in method and "Containers (TEU)" in method
    cards = (out / "fr" / "faits" / "comparaisons.html").read_text(encoding="utf-8")
    assert 'id="PAI-041"' in cards and 'id="TER-017"' not in cards  # a home fact keeps its card in the fact base


def test_the_site_search_finds_the_barometer_pages_by_their_words(site):
    out, _, _ = site
    for lang, query, page in (("fr", "Méthode baromètre", "fr/barometre/methode.html"),
                              ("en", "Containers TEU", "en/barometre/teu.html")):
        _, shown, terms = read_index(out, lang)
        mine = [n for n, r in enumerate(shown) if r["k"] == "barometer"]
        assert {shown[n]["u"] for n in mine} == {p.relative_to(out).as_posix() for p in pages(out, lang)}
        target = next(n for n in mine if shown[n]["u"] == page)
        for word in term_reader().query(query, lang):  # every word of the query holds the page
            assert target in terms[word["term"]][::2], (query, word)


def test_without_a_barometer_publish_writes_none(studio, tmp_path):  # noqa: F811
    from tests.publish.conftest import run
    settings, store, _ = studio
    run(settings, store, tmp_path / "site")
    assert not (tmp_path / "site" / "fr" / "barometre").exists()
    assert "barometre" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")




def test_the_open_data_package_lists_the_barometers_csvs_typed_described_and_valid(site, tmp_path):
    frictionless = pytest.importorskip("frictionless", reason="pip install -r requirements-dev.txt")
    out, _, _ = site
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in pkg["resources"]}
    assert list(by_path) == ["data/faits.csv", "data/faits.json", "data/barometre.csv", "data/boussole.csv"]
    assert pkg["licenses"][0]["name"] == "etalab-2.0" and pkg["producer"] and pkg["contributors"][0]["role"]
    for path in ("data/barometre.csv", "data/boussole.csv"):
        res = by_path[path]
        assert res["profile"] == "tabular-data-resource" and res["format"] == "csv" and res["encoding"] == "utf-8"
        assert res["description"] and res["description_en"] and res["schema"]["missingValues"] == [""]
        header = next(csv.reader(io.StringIO((out / path).read_text(encoding="utf-8"))))
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == header, path  # a field per column, in the CSV's order
        for f in fields:
            assert f["type"] in ("integer", "number", "string", "boolean") and f["description"] \
                and f["description_en"] and f["description"] != f["description_en"], (path, f)
    types = {f["name"]: f["type"] for f in by_path["data/boussole.csv"]["schema"]["fields"]}
    assert types["rang"] == "integer" and types["score_global"] == types["tourisme-et-evenements"] == "number"
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [t.name for t in report.tasks] == [r["name"] for r in pkg["resources"]]  # every resource checked
    copy = tmp_path / "copy"  # with teeth: a score that is not a number, a rank with a decimal, are errors
    shutil.copytree(out / "data", copy / "data")
    shutil.copy(out / "datapackage.json", copy / "datapackage.json")
    rows = list(csv.DictReader(io.StringIO((copy / "data" / "boussole.csv").read_text(encoding="utf-8"))))
    rows[0]["rang"], rows[1]["score_global"] = "1.5", "n/a"
    with (copy / "data" / "boussole.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid and {e[0] for e in report.flatten(["fieldName"])} == {"rang", "score_global"}


def test_without_a_barometer_the_package_lists_the_facts_only(studio, tmp_path):  # noqa: F811
    from tests.publish.conftest import run
    settings, store, _ = studio
    run(settings, store, tmp_path / "site")
    pkg = json.loads((tmp_path / "site" / "datapackage.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["path"]) for r in pkg["resources"]] == [("faits-csv", "data/faits.csv"),
                                                                 ("faits-json", "data/faits.json")]
    assert not (tmp_path / "site" / "data" / "boussole.csv").exists()
@pytest.mark.integration
def test_the_pages_show_their_charts_offline_and_axe_finds_nothing_serious(site, tmp_path, monkeypatch):
    from tests.browser import chromium
    from tests.publish.test_site_browser import AXE
    out, _, _ = site
    d = chromium(tmp_path, monkeypatch, "--allow-file-access-from-files")
    try:
        d.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        axe = AXE.read_text(encoding="utf-8")
        d.set_script_timeout(60)
        bad = []
        for rel in ("fr/barometre/index.html", "en/barometre/airport_passengers.html", "fr/barometre/methode.html",
                    "fr/faits/comparaisons.html", "en/barometre/student_city_rank.html"):
            d.get((out / rel).as_uri())
            drawn = d.execute_script(
                "return [...document.querySelectorAll('svg.chart-svg')].map(s => {const r = s.getBoundingClientRect();"
                " return [r.width, r.height, s.querySelectorAll('a.mark').length]})")
            assert (bool(drawn) == ("faits" not in rel and "methode" not in rel)) and all(w >= 300 and h > 100 and n > 0 for w, h, n in drawn), (rel, drawn)
            assert d.execute_script("return [...document.styleSheets].every(s => s.cssRules.length > 0)"), rel
            assert not d.execute_script("return performance.getEntriesByType('resource')"
                                        ".filter(e => !e.name.startsWith('file:')).map(e => e.name)"), rel
            d.execute_script(axe)
            result = d.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
            assert isinstance(result, list), result
            bad += [f"{rel}: {v['id']} ({v['impact']}): " + "; ".join(n["target"][0] for n in v["nodes"][:3])
                    for v in result if v.get("impact") in ("serious", "critical")]
            d.save_screenshot(str(tmp_path / (rel.replace("/", "_") + ".png")))
        assert not bad, "\n".join(bad)
    finally:
        d.quit()


def test_an_indicator_page_lists_its_citable_results_with_their_cards(studio, tmp_path, monkeypatch, capsys):  # noqa: F811
    from pipeline.cli.main import main
    settings, store, _ = studio
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    assert main(["barometer", "cite", "--site-url", "https://www.example.org/"]) == 0
    capsys.readouterr()
    facts = current_facts(settings)
    rank = next(f for f in facts if f.notes == "barometer: rank airport_passengers")
    out = tmp_path / "site"
    bar = load_barometer(settings, draws=0)
    bar.publish_report = False
    publish(out, store, facts, load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)), TODAY, now=NOW,
            filieres=load_filieres(settings.corpus_dir), barometer=bar)
    page = out / "fr" / "barometre" / "airport_passengers.html"
    html = page.read_text(encoding="utf-8")
    href = re.search(rf'href="([^"]+#{rank.id})"', html).group(1)
    assert "À citer" in html and anchor_exists(out, page, href) and "faits/territoire.html" in href
    assert "2e sur 7" in unescape(html.split('id="h-cite"')[1])


def test_the_report_holds_the_charts_and_figures_in_pdf_and_docx(studio, tmp_path):  # noqa: F811
    from docx import Document
    from pypdf import PdfReader
    settings, store, _ = studio
    facts = current_facts(settings)
    out = tmp_path / "site"
    report = publish(out, store, facts, load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)), TODAY,
                     now=NOW, filieres=load_filieres(settings.corpus_dir), barometer=load_barometer(settings, draws=50))
    assert not [w for w in report.warnings if "barometer" in w]
    by_id = {f.id: f for f in facts}
    for lang, name in (("fr", "barometre-fr"), ("en", "barometer-en")):
        text = " ".join(p.extract_text() for p in PdfReader(out / "docs" / f"{name}.pdf").pages)
        flat = " ".join(text.split())
        assert ("Passagers de l'aéroport" if lang == "fr" else "Airport passengers") in flat
        assert "TER-017" in flat and figure(by_id["TER-017"].value, lang).replace("\u202f", " ") in flat.replace(
            "\u202f", " ")
        doc = Document(out / "docs" / f"{name}.docx")
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        assert "PAI-041" in cells and figure(by_id["PAI-041"].value, lang) + (
            " millions de passagers" if lang == "fr" else " million passengers") in cells
        assert len(doc.inline_shapes) > 30  # the charts, as pictures
    index = (out / "fr" / "barometre" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../docs/barometre-fr.pdf"' in index and 'href="../../docs/barometre-fr.docx"' in index


def test_an_unchanged_report_is_taken_from_the_cache_and_a_changed_one_made_again(studio, tmp_path,  # noqa: F811
                                                                                  monkeypatch):
    import pipeline.publish.barometer_report as rep
    settings, store, _ = studio
    specs, fil = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)), load_filieres(settings.corpus_dir)
    made = []
    monkeypatch.setattr(rep, "write_report_pdf", lambda path, pub, lang: (made.append(lang), path.write_bytes(b"%PDF")))
    monkeypatch.setattr(rep, "write_report_docx", lambda path, pub, lang: path.write_bytes(b"PK"))

    def run(out):
        bar = load_barometer(settings, draws=20)
        bar.report_cache = tmp_path / "cache"
        publish(out, store, current_facts(settings), specs, TODAY, now=NOW, filieres=fil, barometer=bar)
    run(tmp_path / "a")
    assert made == ["fr", "en"] and len(list((tmp_path / "cache").glob("*/*.pdf"))) == 2
    run(tmp_path / "b")  # nothing changed: both copied from the cache
    assert made == ["fr", "en"] and (tmp_path / "b" / "docs" / "barometre-fr.pdf").read_bytes() == b"%PDF"
    from tests.conftest import edit_fact
    edit_fact(settings.corpus_dir, "PAI-041", 'value: "14.8"', 'value: "15.1"')  # a figure of the report changes
    run(tmp_path / "c")
    assert made == ["fr", "en", "fr", "en"] and len(list((tmp_path / "cache").glob("*/*.pdf"))) == 2


def test_hostile_names_and_titles_are_escaped_and_the_svg_still_parses():
    from datetime import date

    from pipeline.barometer.build import build_barometer
    from pipeline.corpus.indicators import Indicator, Territories, Territory
    from pipeline.publish.barometer import barometer_pages
    from pipeline.publish.layout import Site
    from pipeline.types import Fact, Source
    evil = '<script>alert("x")</script> & \'q\''
    terr = Territories("AMP", {"AMP": Territory("AMP", "Aix-Marseille-Provence", "Aix-Marseille-Provence"),
                               "Evil": Territory("Evil", evil, evil)})
    ind = Indicator("pax", "Passagers <b>", "Passengers <b>", "million passengers", "millions de passagers",
                    "airport", "higher", "accessibilité", 1.0)

    def fact(fid, territory, value):
        return Fact(id=fid, filiere="territoire", statement_fr=f"{value}", source=Source(evil, "https://e.org/?a=1&b=2"),
                    year=2024, verified_on=date(2026, 11, 1), verified_by="test", review_by=date(2027, 11, 1),
                    value=value, unit="million passengers", territory=territory, indicator="pax", perimeter="airport")
    facts = [fact("A-1", "", "11,7"), fact("E-1", "Evil", "3.2")]
    b = build_barometer(facts, {"pax": ind}, terr, date(2026, 12, 1), draws=10)
    pages, files = barometer_pages(Site(), b, facts)
    for path, page, *_ in pages:
        assert "<script>alert" not in page and "<b>" not in page, path
        svgs_of(page)  # every chart still parses as XML
    peers = svgs_of(dict((p, h) for p, h, *_ in pages)["fr/barometre/pax.html"])[1]
    tips = [a.find(f"{SVG}title").text for a in peers.iter(f"{SVG}a")]
    assert any(evil in t for t in tips) and evil in "".join(peers.itertext())  # read back as written
    rows = list(csv.DictReader(io.StringIO(dict(files)["data/barometre.csv"])))
    assert {r["source_titre"] for r in rows} == {evil}  # the data keep the text as it is


def svgs_of(page: str) -> list[ET.Element]:
    return [ET.fromstring(m.group(0)) for m in SVG_RE.finditer(page)]


def test_a_series_places_its_years_in_proportion():
    from pipeline.publish.charts import Mark, line_svg
    marks = [Mark(str(y), v, str(v), f"#F-{y}", "tip", f"F-{y}") for y, v in ((2018, 10), (2019, 11), (2021, 12))]
    svg = ET.fromstring(line_svg("c", "title", "desc", marks))
    xs = [float(a.find(f"{SVG}circle").get("cx")) for a in svg.iter(f"{SVG}a")]
    assert xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]), abs=0.2)  # 2020 has no figure: a gap twice as wide


def test_the_cli_publishes_the_barometer_with_the_sites_facts_and_its_edition(studio, tmp_path, monkeypatch,  # noqa: F811
                                                                              capsys):
    from pipeline.cli.main import main
    settings, _, _ = studio
    for k, v in (("STUDIO_DATA_DIR", settings.data_dir), ("STUDIO_CORPUS_DIR", settings.corpus_dir),
                 ("STUDIO_TODAY", TODAY.isoformat())):
        monkeypatch.setenv(k, str(v))
    assert main(["barometer", "build", "--edition", "2026-06"]) == 0
    out = tmp_path / "site"
    assert main(["publish", "--out", str(out), "--no-barometer-report"]) == 0
    assert "barometer" not in capsys.readouterr().err
    index = unescape((out / "fr" / "barometre" / "index.html").read_text(encoding="utf-8"))
    assert "Depuis l'édition 2026-06" in index and "Rien n'a changé depuis l'édition 2026-06." in index
    assert (out / "en" / "barometre" / "airport_passengers.html").exists()
    assert not (out / "docs" / "barometre-fr.pdf").exists()  # --no-barometer-report
