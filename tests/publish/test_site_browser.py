"""The published site in a real browser: Debian's headless Chromium (the review screen's Selenium set-up) on the site
served over HTTP on 127.0.0.1. The language switch leads to the other version and back; a note's number leads to its
source and the source back to the text; axe-core (installed by scripts/setup-test-system.sh, injected from disk,
never fetched) finds no serious or critical violation on the index, a French page and an English page."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser import chromium, serving
from tests.conftest import REPO
from tests.publish.conftest import run
from tests.screens.test_browser import Page

pytestmark = pytest.mark.integration

AXE = REPO / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AUDITED = ["index.html", "fr/site-territoire.html", "en/argumentaire-territoire.html", "en/index.html",
           "fr/public-general.html", "404.html", "fr/faits/maritime.html", "en/faits/index.html",
           "en/faits/changements.html"]


@pytest.fixture
def served(studio, tmp_path):
    """The published site over HTTP; yields its address."""
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    with serving(out) as url:
        yield url


@pytest.fixture
def browser(served, tmp_path, monkeypatch, request):
    driver = chromium(tmp_path, monkeypatch)
    failed_before = request.session.testsfailed
    try:
        yield Page(driver, served)
        if request.session.testsfailed > failed_before:
            files = Page(driver, served).save_evidence(tmp_path / "evidence")
            reporter = request.config.pluginmanager.getplugin("terminalreporter")
            if reporter:
                reporter.write_line(f"\n{request.node.name}: browser evidence in " + ", ".join(map(str, files)))
    finally:
        driver.quit()


def _lang(page: Page) -> str:
    return page.driver.execute_script("return document.documentElement.lang")


def test_the_language_switch_leads_to_the_other_version_and_back(browser):
    d = browser.driver
    d.get(browser.url + "fr/argumentaire-territoire.html")
    assert _lang(browser) == "fr" and d.find_element(By.TAG_NAME, "h1").text == "Argumentaire"
    d.find_element(By.CSS_SELECTOR, "a.switch").click()
    browser.wait(lambda _: d.current_url.endswith("/en/argumentaire-territoire.html"), "the English version")
    assert _lang(browser) == "en" and d.find_element(By.TAG_NAME, "h1").text == "Investment case"
    assert d.find_element(By.CSS_SELECTOR, "a.switch").text == "Français"
    d.find_element(By.CSS_SELECTOR, "a.switch").click()
    browser.wait(lambda _: d.current_url.endswith("/fr/argumentaire-territoire.html"), "the French version again")
    d.get(browser.url + "fr/site-territoire.html")  # no English version: the switch goes to the English home
    d.find_element(By.CSS_SELECTOR, "a.switch").click()
    browser.wait(lambda _: d.current_url.endswith("/en/index.html"), "the English home")
    assert _lang(browser) == "en"


def test_a_note_leads_to_its_source_and_back(browser):
    d = browser.driver
    d.set_window_size(1366, 500)  # short, so that reaching the source means scrolling to it
    d.get(browser.url + "fr/site-territoire.html")
    notes = d.find_elements(By.CSS_SELECTOR, "article sup.note a")
    assert [n.text for n in notes] == ["1", "2"]
    notes[1].click()
    browser.wait(lambda _: d.current_url.endswith("#src-AER-002"), "the address of the second source")
    source = d.find_element(By.CSS_SELECTOR, "#sources li:target")
    assert source.get_attribute("id") == "src-AER-002" and "2024" in source.text
    top = d.execute_script("return arguments[0].getBoundingClientRect().top", source)
    assert 0 <= top < d.execute_script("return window.innerHeight")  # scrolled into view
    assert source.find_element(By.CSS_SELECTOR, "a[href^='https://']").get_attribute("href").startswith(
        "https://www.photo-club-vitrolles.fr/")
    source.find_element(By.CSS_SELECTOR, "a.back").click()
    browser.wait(lambda _: d.current_url.endswith("#ref-AER-002"), "the way back to the text")
    assert d.execute_script("return document.activeElement.id || document.querySelector(':target').id") == "ref-AER-002"


def test_axe_finds_no_serious_or_critical_violation(browser):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `bash scripts/setup-test-system.sh` (it installs axe-core from npm)")
    script = AXE.read_text(encoding="utf-8")
    d = browser.driver
    d.set_script_timeout(60)
    found = {}
    for path in AUDITED:
        d.get(browser.url + path)
        d.execute_script(script)
        result = d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
        assert isinstance(result, list), f"axe failed on {path}: {result}"
        bad = [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
               for v in result if v.get("impact") in ("serious", "critical")]
        if bad:
            found[path] = bad
    assert not found, "\n".join(f"{p}: {b}" for p, bs in found.items() for b in bs)


def test_a_fact_anchor_lands_on_its_fact_and_a_conflict_leads_to_the_other(browser, tmp_path):
    d = browser.driver
    d.set_window_size(1366, 700)
    d.get(browser.url + "fr/faits/maritime.html#MAR-004")
    card = d.find_element(By.CSS_SELECTOR, "article.fact:target")
    assert card.get_attribute("id") == "MAR-004"
    top = d.execute_script("return arguments[0].getBoundingClientRect().top", card)
    assert 0 <= top < d.execute_script("return window.innerHeight")
    d.get(browser.url + "fr/faits/maritime.html#MAR-001")
    sides = d.find_elements(By.CSS_SELECTOR, "#MAR-001 .side-by-side .side")
    assert len(sides) >= 2 and sides[0].location["y"] == sides[1].location["y"]  # side by side, not stacked
    sides[1].find_element(By.CSS_SELECTOR, "a[href$='#MAR-002']").click()
    browser.wait(lambda _: d.current_url.endswith("#MAR-002"), "the conflicting fact")
    assert d.find_element(By.CSS_SELECTOR, "article.fact:target").get_attribute("id") == "MAR-002"
    assert d.save_screenshot(str(tmp_path / "faits-maritime.png"))
