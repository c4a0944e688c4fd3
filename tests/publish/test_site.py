"""The published site as a reader and a search engine see it: numbered notes that reach their sources and no [ID]
in the reading text, the approval day in each language, hreflang pairs and a language switch, sitemap.xml, a 404
page, `lang` on every page and on passages in the other language, a meta description and Open Graph tags, one
stylesheet from the site itself, and navigation by audience and filière."""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import lxml.html
import pytest

from pipeline.corpus.catalogue import load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.publish.site import publish
from pipeline.retrieve.fact_base import current_facts
from pipeline.review.desk import ReviewDesk
from tests.conftest import TODAY
from tests.publish.conftest import NOW, TERR_V2, _rec, run

CODE = re.compile(r"\[\[?\s*[A-Z]{2,5}-\d{2,4}")
TWICE_EN = ("# Living and working in Provence\n\nThe port handled 70.5 Mt in 2024 [MAR-001]. Marignane has over 200 "
            "trades [AER-002]; the port, again, 70.5 Mt [MAR-001]. Locals call it « la deuxième ville de France » "
            "[AER-002].\n")


@pytest.fixture
def site(studio, tmp_path) -> Path:
    settings, store, _ = studio
    desk = ReviewDesk(store)
    facts = {f.id: f for f in current_facts(settings)}
    anna = desk.sign_in("anna", "correct horse battery")
    r = store.add(_rec("marque-employeur-vivre-travailler", "en", TWICE_EN, facts))
    desk.approve(anna, r.id, r.version)
    out = tmp_path / "site"
    run(settings, store, out)
    return out


def pages(folder: Path) -> dict[str, lxml.html.HtmlElement]:
    return {p.relative_to(folder).as_posix(): lxml.html.fromstring(p.read_bytes())
            for p in sorted(folder.rglob("*.html"))}


def reading_text(doc: lxml.html.HtmlElement) -> str:
    return " ".join(doc.xpath("//body")[0].itertext())


def test_citations_are_numbered_notes_that_reach_their_sources(site):
    doc = lxml.html.fromstring((site / "en" / "marque-employeur-vivre-travailler.html").read_bytes())
    calls = doc.xpath('//article//sup[@class="note"]/a')
    assert [a.text for a in calls] == ["1", "2", "1", "2"]  # the same fact cited twice keeps its number
    assert [a.get("href") for a in calls] == ["#src-MAR-001", "#src-AER-002", "#src-MAR-001", "#src-AER-002"]
    assert len({a.get("id") for a in calls}) == 4  # every call a distinct target for the way back
    items = doc.xpath('//section[@id="sources"]//li')
    assert [li.get("id") for li in items] == ["src-MAR-001", "src-AER-002"]
    for li in items:
        link = li.xpath(".//a[starts-with(@href, 'http')]")[0]
        assert link.xpath("string(.)").strip() and re.search(r"\b20\d\d\b", li.text_content())
        back = li.xpath('.//a[@class="back"]/@href')[0]
        assert doc.xpath(f'//*[@id="{back[1:]}"]')  # and back to the text
    assert "Journal de la Marine Marchande" in items[0].text_content()


def test_no_internal_code_in_any_reading_text(site):
    for path, doc in pages(site).items():
        assert not CODE.search(reading_text(doc)), f"{path} shows a fact id"
        assert not CODE.search(doc.xpath("string(//title)") + " ".join(doc.xpath("//meta/@content"))), path


def test_the_footer_says_the_approval_day_in_the_page_language(site):
    fr = lxml.html.fromstring((site / "fr" / "site-territoire.html").read_bytes())
    en = lxml.html.fromstring((site / "en" / "social-energie-1.html").read_bytes())
    fr_time, en_time = fr.xpath("//footer//time")[0], en.xpath("//footer//time")[0]
    assert re.fullmatch(r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
                        r"décembre) \d{4}", fr_time.text)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", fr_time.get("datetime"))
    assert re.fullmatch(r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|"
                        r"December) \d{4}", en_time.text)
    assert "approuvée le" in fr.xpath("string(//footer)") and "approved on" in en.xpath("string(//footer)")


def test_language_pairs_link_both_ways_with_hreflang(site):
    docs = pages(site)
    fr, en = docs["fr/argumentaire-territoire.html"], docs["en/argumentaire-territoire.html"]
    assert fr.xpath('//link[@rel="alternate"]/@hreflang') == ["fr", "en"] == en.xpath('//link[@rel="alternate"]/@hreflang')
    assert fr.xpath('//link[@hreflang="en"]/@href') == ["../en/argumentaire-territoire.html"]
    assert en.xpath('//link[@hreflang="fr"]/@href') == ["../fr/argumentaire-territoire.html"]
    switch = fr.xpath('//a[@class="switch"]')[0]
    assert (switch.get("href"), switch.get("hreflang"), switch.get("lang")) == (
        "../en/argumentaire-territoire.html", "en", "en")
    alone = docs["fr/site-territoire.html"]  # no English version approved: no alternate, the switch goes home
    assert not alone.xpath('//link[@rel="alternate"]') and alone.xpath('//a[@class="switch"]/@href') == ["../en/index.html"]
    assert docs["index.html"].xpath('//link[@hreflang="en"]/@href') == ["en/index.html"]


def test_every_page_has_its_language_and_foreign_passages_theirs(site):
    for path, doc in pages(site).items():
        want = "en" if path.startswith("en/") else "fr"
        assert doc.get("lang") == want, path
    en = lxml.html.fromstring((site / "en" / "marque-employeur-vivre-travailler.html").read_bytes())
    quoted = en.xpath('//article//span[@lang="fr"]')
    assert [q.text for q in quoted] == ["« la deuxième ville de France »"]
    assert en.xpath('//section[@id="sources"]//cite/@lang') == ["fr", "fr"]  # French source titles
    fr = lxml.html.fromstring((site / "fr" / "site-territoire.html").read_bytes())
    assert not fr.xpath('//section[@id="sources"]//cite[@lang]')  # French in French needs no mark
    missing = lxml.html.fromstring((site / "404.html").read_bytes())
    assert missing.xpath('//div[@lang="en"]//h2/text()') == ["Page not found"]


def test_meta_description_open_graph_and_one_local_stylesheet(site):
    for path, doc in pages(site).items():
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//meta[@content]")}
        assert 20 <= len(meta["description"]) <= 160, path
        for tag in ("og:title", "og:description", "og:type", "og:locale", "og:site_name"):
            assert meta.get(tag), f"{path} lacks {tag}"
        sheets = doc.xpath('//link[@rel="stylesheet"]/@href')
        assert len(sheets) == 1 and sheets[0].endswith("assets/site.css") and "//" not in sheets[0], path
        # one program, the search box's, from the site itself; the other script allowed is data (the resource
        # centre's schema.org Dataset, JSON-LD)
        programs = doc.xpath("//script[not(@type='application/ld+json')]")
        assert [s.get("src").endswith("assets/search.js") and not s.text for s in programs] == [True], path
        assert not doc.xpath("//@src[contains(., '//')]"), path
        assert doc.xpath('//header//*[@class="brand-name"]/text()') == ["One Provence"], path
    social = pages(site)["en/social-energie-1.html"]
    assert social.xpath('//meta[@name="description"]/@content')[0].startswith("<script>alert")  # escaped by lxml's
    assert "&lt;script&gt;" in (site / "en" / "social-energie-1.html").read_text(encoding="utf-8").split("<body")[0]
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "max-width: var(--measure)" in css and "@import" not in css and "url(" not in css


def test_navigation_by_audience_and_filiere(site):
    docs = pages(site)
    page = docs["fr/argumentaire-territoire.html"]
    nav = page.xpath('//nav[@class="main-nav"]//a/@href')
    assert "public-general.html" in nav and "filiere-territoire.html" in nav
    hub = docs["fr/filiere-territoire.html"]
    assert "argumentaire-territoire.html" in hub.xpath("//main//a/@href")
    assert docs["en/public-general.html"].xpath('//link[@hreflang="fr"]/@href') == ["../fr/public-general.html"]
    for path, doc in docs.items():  # every link inside the site leads to a file of it
        for href in doc.xpath("//a/@href | //link/@href"):
            if not href.startswith(("#", "http", "/")):
                target = (site / path).parent / href.split("#")[0]
                assert target.exists(), f"{path} links to {href}, which is not there"


def test_sitemap_lists_every_page_and_404_exists(site):
    tree = ElementTree.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = [e.text for e in tree.findall("s:url/s:loc", ns)]
    want = sorted(p for p in pages(site) if p != "404.html")
    assert sorted(locs) == want
    pair = next(u for u in tree.findall("s:url", ns) if u.find("s:loc", ns).text == "fr/argumentaire-territoire.html")
    assert {x.get("hreflang"): x.get("href") for x in pair.findall("x:link", ns)} == {
        "fr": "fr/argumentaire-territoire.html", "en": "en/argumentaire-territoire.html"}
    missing = lxml.html.fromstring((site / "404.html").read_bytes())
    assert missing.get("lang") == "fr" and "Page introuvable" in missing.xpath("string(//h1)")
    assert missing.xpath('//link[@rel="stylesheet"]/@href') == ["/assets/site.css"]  # served at any address


def test_a_base_url_makes_addresses_absolute(studio, tmp_path):
    settings, store, _ = studio
    specs = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    out = tmp_path / "site"
    publish(out, store, current_facts(settings), specs, TODAY, now=NOW, base_url="https://www.example.org/")
    doc = lxml.html.fromstring((out / "fr" / "argumentaire-territoire.html").read_bytes())
    assert doc.xpath('//link[@rel="canonical"]/@href') == ["https://www.example.org/fr/argumentaire-territoire.html"]
    assert doc.xpath('//link[@hreflang="x-default"]/@href') == ["https://www.example.org/fr/argumentaire-territoire.html"]
    assert doc.xpath('//meta[@property="og:url"]/@content') == ["https://www.example.org/fr/argumentaire-territoire.html"]
    assert "<loc>https://www.example.org/index.html</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_the_reading_text_is_the_approved_text_less_its_codes(site):
    doc = lxml.html.fromstring((site / "fr" / "site-territoire.html").read_bytes())
    for extra in doc.xpath('//article//sup | //article/p[@class="kicker"]'):  # note numbers, "Page · Tous publics"
        extra.drop_tree()
    shown = re.findall(r"\w+", " ".join(doc.xpath("//article")[0].itertext()))
    assert shown == re.findall(r"\w+", re.sub(r"\[[A-Z]+-\d+\]", "", TERR_V2))  # every word, in its order


def test_cli_refuses_a_base_url_that_is_not_http(studio, tmp_path, monkeypatch, capsys):
    from pipeline.cli.main import main
    settings, _, _ = studio
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    assert main(["publish", "--out", str(tmp_path / "site"), "--base-url", "javascript:alert(1)"]) == 7
    assert "not an http(s) address" in capsys.readouterr().err and not (tmp_path / "site").exists()


def test_a_page_named_like_a_listing_is_refused_and_the_old_site_stays(studio, tmp_path):
    from pipeline.errors import PublishError
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    before = (out / "en" / "index.html").read_bytes()
    desk = ReviewDesk(store)
    facts = {f.id: f for f in current_facts(settings)}
    r = store.add(_rec("index", "en", "# Hijack\n\nThe port handled 70.5 Mt [MAR-001].\n", facts))
    desk.approve(desk.sign_in("anna", "correct horse battery"), r.id, r.version)
    with pytest.raises(PublishError, match="index") as exc:
        run(settings, store, out)
    assert "pages.yaml" in exc.value.fix and (out / "en" / "index.html").read_bytes() == before
