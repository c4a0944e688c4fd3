"""The review screen in a real browser: `streamlit run` on 127.0.0.1, driven through Selenium by Debian's headless
Chromium. Signed out, only the sign-in shows; a wrong password is refused and logged; an approver opens a flagged
draft, sees the flag and the draft's markup as text, edits it into a new version and approves it; an editor's navigation
has no audit log and the editor gets no approve button; five failures lock an account, the right password included.
Every action is checked in the database as well as on the page.
Needs `chromium` and `chromium-driver`: scripts/setup-test-system.sh installs them (`make test` runs it)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from pipeline.config import Settings
from pipeline.retrieve.fact_base import current_facts
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from pipeline.verify.checker import ClaimChecker
from tests.browser import CHROMEDRIVER, CHROMIUM, chromium
from tests.conftest import REPO, TODAY, free_port, stop_server, wait_serving

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
PAYLOAD = "<script>document.title='pwned'</script> <img src=x onerror=\"document.title='pwned'\">"
WRONG_FIGURE = "Le port a traité 95 millions de tonnes en 2024 [MAR-001]."
RIGHT_FIGURE = "Le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes en 2024 [MAR-001]."
UNBACKED = "Le port a accueilli 3 millions de croisiéristes en 2024 [MAR-001]."
TEXT_V1 = f"# Port\n\n{WRONG_FIGURE} {UNBACKED}\n\nExemple de balisage : {PAYLOAD}"
TEXT_V2 = f"# Port\n\n{RIGHT_FIGURE} {UNBACKED}\n\nExemple de balisage : {PAYLOAD}"
OVERRIDE = "Chiffre des croisiéristes confirmé par téléphone avec le port"


# ---------------------------------------------------------------- the studio: data, then `streamlit run`
class Studio:
    """The running app and its database, as the test sees them."""

    def __init__(self, url: str, store: DraftStore, drafts: dict[str, DraftRecord], log: Path) -> None:
        self.url, self.store, self.drafts, self.log = url, store, drafts, log
        self.desk = ReviewDesk(store)

    def newest(self, page_id: str) -> DraftRecord:
        return self.store.list(page_id=page_id)[-1]

    def audit(self, **match) -> list[dict]:
        """Audit rows (newest first) whose columns equal `match`."""
        return [r for r in self.desk.audit_log(500) if all(r[k] == v for k, v in match.items())]


def _draft(store: DraftStore, checker: ClaimChecker, page_id: str, text: str) -> DraftRecord:
    """A draft checked by the real claim checker, stored as the draft view expects (see screens/draft_view.py)."""
    rep = checker.check(text, "fr")
    report = rep.to_json()
    report["flagged"] = [s.text for s in rep.sentences if not s.ok]
    return store.add(DraftRecord(page_id=page_id, lang="fr", title="Le port de Marseille", text=text,
                                 facts=[{"id": "MAR-001", "content_hash": checker.facts["MAR-001"].content_hash}],
                                 prompt_name="page", prompt_hash="h", backend="fake", model="fake-model", params={},
                                 tokens_in=1, tokens_out=1, tokens_estimated=2, cost_estimate=0.0, timings={},
                                 check_report=report))


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: run `bash scripts/setup-test-system.sh` (it installs Debian's chromium "
                        "and chromium-driver; `make test` runs it)")
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(REPO / "corpus", root / "corpus")
    settings = Settings(corpus_dir=root / "corpus", data_dir=root / "data", today_override=TODAY)
    settings.data_dir.mkdir()
    # the app's own default (STUDIO_DATA_DIR/studio.sqlite), whatever DATABASE_URL the caller has set
    store = DraftStore(f"sqlite:///{settings.data_dir / 'studio.sqlite'}")
    desk = ReviewDesk(store)
    for role in ("editor", "approver"):
        desk.add_user(f"{role}1", role, PASSWORD)
    assert not settings.chroma_dir.exists()  # no index: the app reads the corpus on disk
    checker = ClaimChecker(current_facts(settings), TODAY)
    drafts = {"approve": _draft(store, checker, "site-maritime-investors", TEXT_V1),
              "editor": _draft(store, checker, "site-maritime-talents", TEXT_V1)}
    assert [len(d.check_report["flagged"]) for d in drafts.values()] == [2, 2]

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(STUDIO_CORPUS_DIR=str(settings.corpus_dir), STUDIO_DATA_DIR=str(settings.data_dir),
               STUDIO_TODAY=TODAY.isoformat())
    log = root / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],  # others may edit the tree while this runs: no reloads
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_serving(proc, lambda: urllib.request.urlopen(url + "_stcore/health", timeout=2).read() == b"ok",
                     f"streamlit on {url}", 60, log)
        yield Studio(url, store, drafts, log)
    finally:
        stop_server(proc, group=True)  # streamlit and anything it started


# ---------------------------------------------------------------- the browser
class Page:
    """Debian's headless Chromium on the studio, with waits that follow Streamlit's reruns."""

    def __init__(self, driver, url: str) -> None:
        self.driver, self.url = driver, url

    def wait(self, condition, what: str, timeout: float = 20):
        """The first truthy value of condition(driver); fails with `what` after `timeout` seconds."""
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
            condition, message=f"waited {timeout:.0f} s for {what}")

    def idle(self) -> None:
        """Wait until no script run is shown as in progress (no 'Running…' widget, no stale element)."""
        running = '[data-testid="stStatusWidget"], [data-stale="true"]'
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, running), "the app to finish its run")

    def visible(self, css: str) -> list:
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    def buttons(self, label: str, displayed: bool = True) -> list:
        """Buttons reading `label`; displayed=False also counts those not (yet) shown, for checks of absence."""
        return [b for b in self.driver.find_elements(By.XPATH, f'//button[normalize-space(.)="{label}"]')
                if b.is_displayed() or not displayed]

    def click(self, label: str) -> None:
        """Press the button reading `label` once the app has finished its run: a button pressed while Streamlit
        re-draws the page after the last action may be replaced before its click is sent, and the click is lost."""
        self.idle()

        def press(_):
            found = self.buttons(label)
            if found and found[0].is_enabled():
                found[0].click()
                return True
            return False
        self.wait(press, f"a button {label!r}")

    def tab(self, label: str) -> None:
        """Open the tab reading `label` (the draft view's "Markdown (modifier)" holds the editor)."""
        def press(d):
            found = [t for t in d.find_elements(By.CSS_SELECTOR, '[role="tab"]') if label in t.text and t.is_displayed()]
            return bool(found) and (found[0].click() or True)
        self.wait(press, f"a tab {label!r}")

    def field(self, label: str):
        xpath = f'//*[self::input or self::textarea][@aria-label="{label}"]'
        return self.wait(lambda d: d.find_element(By.XPATH, xpath), f"a field labelled {label!r}")

    def type(self, label: str, text: str, commit: str) -> None:
        """Replace a field's content as a user would (select all, type) and commit it with `commit` (a key)."""
        box = self.field(label)
        box.click()
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(text)
        box.send_keys(commit)
        self.wait(lambda d: self.field(label).get_attribute("value") == text, f"{label!r} to hold the typed text")

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shows(self, words: str, timeout: float = 20) -> None:
        self.wait(lambda d: words in self.text(), f"{words!r} on the page", timeout)

    def alert(self, kind: str, words: str) -> None:
        """Wait for an st.error ("Error") or st.success ("Success") box containing `words`."""
        self.wait(lambda d: any(words in e.text for e in self.visible(f'[data-testid="stAlertContent{kind}"]')),
                  f"an st.{kind.lower()} message containing {words!r}")

    def sign_in(self, user: str, password: str) -> None:
        self.driver.get(self.url)
        self.type("Utilisateur", user, "\t")
        self.type("Mot de passe", password, "\t")
        self.click("Se connecter")

    def open_draft(self, draft_id: int) -> None:
        """Pick draft #id in the queue's 'Ouvrir le brouillon' box, then press 'Ouvrir'."""
        self.shows("File de relecture")
        self.idle()
        self.field("Ouvrir le brouillon").click()
        self.wait(lambda d: next(o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]')
                                 if o.text.startswith(f"#{draft_id} ")).click() or True,
                  f"draft #{draft_id} in the queue's list")
        self.wait(lambda d: self.field("Ouvrir le brouillon").get_attribute("value").startswith(f"#{draft_id} "),
                  f"draft #{draft_id} to be selected")
        self.click("Ouvrir")
        self.field("Texte (Markdown, citations [ID])")

    def save_evidence(self, where: Path) -> list[Path]:
        where.mkdir(parents=True, exist_ok=True)
        shot, source = where / "screenshot.png", where / "page.html"
        self.driver.save_screenshot(str(shot))
        source.write_text(self.driver.page_source, encoding="utf-8")
        return [shot, source]


@pytest.fixture
def page(studio, tmp_path, request, monkeypatch):
    driver = chromium(tmp_path, monkeypatch, window="1400,1000")
    failed_before = request.session.testsfailed
    try:
        yield Page(driver, studio.url)
        if request.session.testsfailed > failed_before:  # this test failed: keep what the browser showed
            files = Page(driver, studio.url).save_evidence(tmp_path / "evidence") + [studio.log]
            reporter = request.config.pluginmanager.getplugin("terminalreporter")
            if reporter:
                reporter.write_line(f"\n{request.node.name}: browser evidence in " + ", ".join(map(str, files)))
    finally:
        driver.quit()


# ---------------------------------------------------------------- the tests
def test_signed_out_visitor_sees_only_the_sign_in_and_a_wrong_password_is_logged(studio, page):
    page.driver.get(studio.url)
    page.wait(lambda d: page.buttons("Se connecter"), "the sign-in button")
    page.idle()

    def only_the_sign_in():
        def fields():  # the form fades in: wait until both fields are displayed
            labels = sorted(e.get_attribute("aria-label") or "(no label)" for e in page.visible("input, textarea"))
            return labels if len(labels) >= 2 else None
        assert page.wait(lambda d: fields(), "the sign-in fields") == ["Mot de passe", "Utilisateur"]
        assert "Studio — connexion" in page.text()
        source = page.driver.page_source  # absence is checked in the whole document, shown or not
        for private in ('data-testid="stDataFrame"', 'data-testid="stSidebar"', "<mark", "<textarea",
                        "File de relecture", "Relecture", "croisiéristes", "95 millions", "site-maritime"):
            assert private not in source
    only_the_sign_in()

    page.type("Utilisateur", "approver1", "\t")
    page.type("Mot de passe", "not the password", "\t")
    page.click("Se connecter")
    page.alert("Error", "mot de passe incorrect")  # in French now
    only_the_sign_in()
    assert studio.desk.audit_log(1)[0] | {"ts": None, "id": None, "prev_hash": None, "entry_hash": None} == {
        "ts": None, "id": None, "prev_hash": None, "entry_hash": None, "actor": "approver1", "action": "sign_in_failed", "draft_id": None, "page_id": None,
        "lang": None, "version": None, "text_hash": None, "detail": {}}

    page.sign_in("approver1", PASSWORD)
    page.shows("File de relecture")
    assert (studio.desk.audit_log(1)[0]["actor"], studio.desk.audit_log(1)[0]["action"]) == ("approver1", "sign_in")
    page.driver.delete_all_cookies()  # another browser, without the session cookie, starts signed out
    page.driver.get(studio.url)
    page.wait(lambda d: page.buttons("Se connecter"), "the sign-in button in a browser without the cookie")
    page.idle()
    only_the_sign_in()


def test_approver_sees_the_flag_edits_and_approves_with_a_reason(studio, page):
    v1 = studio.drafts["approve"]
    page.sign_in("approver1", PASSWORD)
    page.open_draft(v1.id)

    flags = page.wait(lambda d: page.visible("mark.flag"), "highlighted flagged sentences")
    assert [f.text for f in flags] == [WRONG_FIGURE, UNBACKED]
    assert "chiffre contredit" in page.text() and "indique 70,5 millions" in page.text()  # the reason in French
    draft = page.visible("div.draft")[0]
    assert PAYLOAD in draft.text  # the markup is shown as text…
    assert not draft.find_elements(By.CSS_SELECTOR, "script, img")  # …and never becomes elements
    assert "pwned" not in page.driver.execute_script("return document.title")

    page.tab("Markdown (modifier)")  # the page is shown rendered; its Markdown is on the next tab
    page.type("Texte (Markdown, citations [ID])", TEXT_V2, Keys.CONTROL + Keys.ENTER)
    page.idle()
    page.click("Enregistrer une nouvelle version")
    page.alert("Success", "Nouvelle version enregistrée")
    v2 = studio.newest(v1.page_id)
    assert (v2.version, v2.parent_id, v2.author, v2.status, v2.text) == (2, v1.id, "approver1", "in_review", TEXT_V2)
    assert v2.check_report["flagged"] == [UNBACKED]  # checked again at once: one flag left
    assert studio.store.get(v1.id).status == "superseded"

    page.click("Approuver")  # a flag remains and no reason is written: refused
    page.alert("Error", "ne s'appuient sur aucun fait vérifié")
    page.shows("version 2")
    page.wait(lambda d: [f.text for f in page.visible("mark.flag")] == [UNBACKED], "the one flag left in version 2")
    assert studio.store.get(v2.id).status == "in_review"

    page.type("Approuver malgré les signalements : raison écrite", OVERRIDE, "\t")
    page.idle()
    page.click("Approuver")
    page.alert("Success", "Approuvé.")
    approved = studio.store.get(v2.id)
    assert (approved.status, approved.review_note) == ("approved", OVERRIDE)
    entries = studio.audit(action="approve_override", draft_id=v2.id)
    assert len(entries) == 1 and entries[0]["actor"] == "approver1" and entries[0]["version"] == 2
    assert entries[0]["text_hash"] == hashlib.sha256(TEXT_V2.encode("utf-8")).hexdigest()
    assert (entries[0]["detail"]["override_reason"], entries[0]["detail"]["unbacked"]) == (OVERRIDE, 1)
    assert not studio.audit(draft_id=v1.id, action="approve") + studio.audit(draft_id=v1.id, action="approve_override")
    assert "pwned" not in page.driver.execute_script("return document.title")


def test_editor_sees_the_draft_but_no_approve_button(studio, page):
    draft = studio.drafts["editor"]
    page.sign_in("editor1", PASSWORD)
    links = page.wait(lambda d: [a.text for a in page.visible('[data-testid="stSidebarNavLink"]')],
                      "the navigation's links")
    assert links == ["Relecture", "Rédaction", "État du corpus", "Base de faits", "Baromètre", "Photothèque",
                     "Propositions de faits"]  # no audit log for an editor
    page.open_draft(draft.id)
    page.wait(lambda d: page.visible("mark.flag"), "highlighted flagged sentences")
    page.tab("Markdown (modifier)")
    page.wait(lambda d: page.buttons("Enregistrer une nouvelle version"), "the save button")  # editors may edit
    page.idle()
    assert not page.buttons("Approuver", displayed=False), "an editor was offered the approve button"
    assert "Approuver malgré les signalements" not in page.driver.page_source
    page.shows("Seul un approbateur peut approuver.")
    assert studio.store.get(draft.id).status == "draft"


def test_five_failures_lock_the_account_and_the_right_password_waits_too(studio, page):
    studio.desk.add_user("guarded1", "editor", PASSWORD)
    for i in range(4):
        page.sign_in("guarded1", f"guess number {i}")
        page.alert("Error", "Nom d'utilisateur ou mot de passe incorrect")
    page.sign_in("guarded1", "guess number 4")
    page.alert("Error", "Trop de tentatives : réessayez dans 1 minute.")
    page.sign_in("guarded1", PASSWORD)  # inside the delay: refused like any other password
    page.alert("Error", "Trop de tentatives : réessayez dans 1 minute.")
    page.idle()
    assert "File de relecture" not in page.driver.page_source and page.buttons("Se connecter")
    assert [r["action"] for r in studio.audit(actor="guarded1")][:3] == [
        "sign_in_refused_locked", "sign_in_locked", "sign_in_failed"]
    assert len(studio.audit(actor="guarded1", action="sign_in")) == 0


# ---------------------------------------------------------------- accessibility (axe-core, injected from disk)
AXE = REPO / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


def _axe(page, where: str) -> list[str]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    d = page.driver
    d.set_script_timeout(60)
    d.execute_script(AXE.read_text(encoding="utf-8"))
    result = d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
    assert isinstance(result, list), f"axe failed on {where}: {result}"
    return [f"{where}: {v['id']} ({v['impact']}): {v['help']} — " + "; ".join(
        f"{n['target'][0]} {n.get('failureSummary', '')[:160]}" for n in v["nodes"][:3])
        for v in result if v.get("impact") in ("serious", "critical")]


def test_axe_finds_no_serious_or_critical_violation_on_the_studio(studio, page):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `bash scripts/setup-test-system.sh` (it installs axe-core from npm)")
    page.driver.get(studio.url)
    page.wait(lambda d: page.buttons("Se connecter"), "the sign-in button")
    page.idle()
    found = _axe(page, "sign-in")
    page.sign_in("editor1", PASSWORD)
    page.shows("File de relecture")
    page.idle()
    found += _axe(page, "queue")
    page.open_draft(studio.drafts["editor"].id)
    page.wait(lambda d: page.visible("mark.flag"), "highlighted flagged sentences")
    page.idle()
    found += _axe(page, "draft view")
    page.wait(lambda d: next(a for a in page.visible('[data-testid="stSidebarNavLink"]')
                             if a.text == "État du corpus").click() or True, "the corpus page's link")
    page.shows("Conflits à arbitrer")
    page.idle()
    found += _axe(page, "corpus page")
    assert not found, "\n".join(found)


def test_a_click_on_a_queue_row_opens_its_draft(studio, page):
    from selenium.webdriver.common.action_chains import ActionChains
    page.sign_in("editor1", PASSWORD)
    page.shows("File de relecture")
    page.idle()
    grid = page.wait(lambda d: page.visible('[data-testid="stDataFrame"]'), "the queue's table")[0]
    first_row_y = 35 + 17  # the header row, then half a row (the grid's default row height is 35 px)
    ActionChains(page.driver).move_to_element_with_offset(grid, -grid.size["width"] // 2 + 15,
                                                          -grid.size["height"] // 2 + first_row_y).click().perform()
    page.wait(lambda d: page.visible("div.draft"), "the draft the row belongs to")
    assert "draft=" in page.driver.current_url  # its own address
    page.click("← Retour à la file")
    page.shows("File de relecture")
    page.idle()
    assert not page.visible("div.draft")  # back in the queue, the row no longer selected: it stays there


def test_a_refresh_keeps_the_person_signed_in_on_the_draft_and_sign_out_ends_it(studio, page):
    draft = studio.drafts["editor"]
    page.sign_in("editor1", PASSWORD)
    page.shows("File de relecture")
    page.idle()
    page.driver.get(f"{studio.url}relecture?draft={draft.id}")  # a shared link, opened in the same browser
    page.wait(lambda d: page.visible("div.draft"), "the draft opened by its address, without signing in again")
    assert "editor1" in page.text() and not page.buttons("Se connecter")
    cookie = page.driver.get_cookie("studio_session")
    assert cookie and cookie["sameSite"] == "Strict" and cookie["value"].count(".") == 2  # signed, time-stamped
    page.driver.refresh()
    page.wait(lambda d: page.visible("div.draft"), "the same draft after a refresh")
    page.idle()
    page.click("Se déconnecter")
    page.shows("Studio — connexion")
    page.wait(lambda d: d.get_cookie("studio_session") is None or not d.get_cookie("studio_session")["value"],
              "the cookie cleared by the sign-out")
    page.driver.refresh()
    page.shows("Studio — connexion")
    assert not page.visible("div.draft")
    # a forged cookie (a valid-looking token, another signature) opens nothing either
    page.driver.add_cookie({"name": "studio_session", "value": cookie["value"][:-4] + "AAAA", "path": "/"})
    page.driver.get(f"{studio.url}relecture?draft={draft.id}")
    page.shows("Studio — connexion")
    assert not page.visible("div.draft")
