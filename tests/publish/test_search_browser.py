"""The site's search box in a real browser (Debian's headless Chromium), on the same published folder opened from disk
(file://) and served over HTTP (`python -m http.server`'s handler on 127.0.0.1): a query typed with or without its
accents, in French and in English, puts the right fact first and its link leads to the fact's card; a page and a
fact id are found; no request leaves the machine (the browser runs with the network off)."""
from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from pipeline.publish.js_terms import term_reader
from tests.browser import chromium, serving
from tests.publish.conftest import run

pytestmark = pytest.mark.integration


@pytest.fixture
def site(studio, tmp_path) -> Path:
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    return out


@pytest.fixture(params=["file", "http"])
def address(request, site):
    """The site's root address, from disk or from a server."""
    if request.param == "file":
        yield site.resolve().as_uri() + "/"
        return
    with serving(site) as url:
        yield url


@pytest.fixture
def driver(tmp_path, monkeypatch):
    # no network: anything but the local server is refused
    d = chromium(tmp_path, monkeypatch, "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1")
    try:
        yield d
    finally:
        d.quit()


def ask(d, query: str) -> list[tuple[str, str, str]]:
    """Type `query` in the page's search box; the results shown as (kind, title, href)."""
    box = d.find_element(By.ID, "search-q")
    box.clear()
    box.send_keys(query)
    status = d.find_element(By.CSS_SELECTOR, "#search-results .search-status")
    WebDriverWait(d, 15).until(lambda _: query in status.text, f"no result line for {query!r}: {status.text!r}")
    return [(li.find_element(By.CSS_SELECTOR, ".tag").text, li.find_element(By.TAG_NAME, "a").text,
             li.find_element(By.TAG_NAME, "a").get_attribute("href"))
            for li in d.find_elements(By.CSS_SELECTOR, "#search-results li.hit")]


@pytest.mark.parametrize("query", ["technopôle Luminy", "technopole luminy", "TECHNOPOLE de LUMINY"])
def test_french_with_or_without_accents_finds_the_fact_first(driver, address, query):
    driver.get(address + "fr/site-territoire.html")
    hits = ask(driver, query)
    assert hits and hits[0][0] == "Chiffre" and hits[0][2].endswith("fr/faits/sante.html#SAN-007"), hits
    driver.find_element(By.CSS_SELECTOR, "#search-results li.hit a").click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("#SAN-007"))
    assert driver.find_element(By.CSS_SELECTOR, "article.fact:target").get_attribute("id") == "SAN-007"


def test_french_stemming_plural_and_singular_find_the_same_fact(driver, address):
    driver.get(address + "fr/faits/index.html")  # a page two folders down: the search's files are found from there
    singular = ask(driver, "conteneur équivalent vingt pied 2024")
    plural = ask(driver, "conteneurs equivalents vingt pieds 2024")
    assert singular[0][2].endswith("#MAR-003") and plural[0][2].endswith("#MAR-003"), (singular, plural)


def test_english_finds_the_fact_first_in_english(driver, address):
    driver.get(address + "en/index.html")
    hits = ask(driver, "Luminy technology park")
    assert hits and hits[0][0] == "Figure" and hits[0][2].endswith("en/faits/sante.html#SAN-007"), hits
    assert "Luminy" in hits[0][1]  # the English wording
    assert ask(driver, "universite students 2023")[0][2].endswith("en/faits/territoire.html#TER-014")


def test_a_fact_id_and_a_page_title_are_found(driver, address):
    driver.get(address + "index.html")
    assert [h[2].rsplit("/", 1)[-1] for h in ask(driver, "MAR-001")] == ["maritime.html#MAR-001"]
    pages = ask(driver, "Titre argumentaire-territoire")
    assert pages[0][0] == "Page" and pages[0][2].endswith("fr/argumentaire-territoire.html"), pages
    assert ask(driver, "zzzqxw") == []
    assert "Aucun résultat" in driver.find_element(By.CSS_SELECTOR, "#search-results .search-status").text


def test_a_query_loads_only_the_parts_of_its_words_and_the_blocks_it_shows(driver, address, site):
    driver.get(address + "fr/site-territoire.html")
    query = "hélicoptères Marignane"
    hits = ask(driver, query)
    assert hits and hits[0][2].split("#")[-1].startswith("AER-"), hits
    srcs = driver.execute_script("return [...document.querySelectorAll('script[src]')].map(e => e.getAttribute('src'))")
    loaded = {s.split("search/", 1)[1] for s in srcs if "search/" in s and "assets/" not in s}
    words = term_reader().query(query, "fr")
    parts = {f"fr/t/{p}.js" for p in term_reader().parts([w["term"] for w in words] + [words[-1]["folded"]])}
    assert "fr/meta.js" in loaded
    assert {x for x in loaded if "/t/" in x} <= parts  # the parts of its words (and of the prefix), nothing else
    assert 1 <= len({x for x in loaded if "/d/" in x}) <= len(hits)  # the blocks of the results drawn
    assert len(list((site / "search" / "fr" / "t").glob("*.js"))) > 10 * len(parts)  # of an index of many more
