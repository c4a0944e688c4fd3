"""Review at the storage layer: roles enforced, nobody overwritten, approval refused over unbacked figures unless
overridden with a reason, and an append-only audit log of everything."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from pipeline.errors import AuthError, ConflictError, ForbiddenError, ReviewError
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from tests.test_store import record

BAD_REPORT = {"sentences": [{"text": "Le port a traité 95 Mt [MAR-001].", "status": "contradicted"}], "flagged": ["x"]}
GOOD_REPORT = {"sentences": [{"text": "Le port a traité 70,5 Mt [MAR-001].", "status": "supported"}], "flagged": []}


@pytest.fixture
def desk(tmp_path):
    store = DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    d = ReviewDesk(store, recheck=lambda t, lang: GOOD_REPORT if "70,5" in t else BAD_REPORT)
    d.people = {r: d.add_user(f"{r}1", r, "correct horse battery")[0] for r in ("viewer", "editor", "approver", "admin")}
    return d


def test_passwords_are_hashed_and_checked(desk):
    row = desk.store.engine.connect().execute(text("SELECT password_hash FROM users WHERE username='editor1'")).first()
    assert row[0].startswith("$argon2id$") and "correct horse" not in row[0]
    assert desk.sign_in("editor1", "correct horse battery").role == "editor"
    with pytest.raises(AuthError):
        desk.sign_in("editor1", "wrong password")
    assert desk.audit_log()[0]["action"] == "sign_in_failed"
    desk.disable("editor1")
    with pytest.raises(AuthError):
        desk.sign_in("editor1", "correct horse battery")


def test_an_edit_is_a_new_version_checked_again(desk):
    d = desk.store.add(record(text="Le port a traité 95 Mt [MAR-001]."))
    new = desk.edit(desk.people["editor"], d.id, d.version, "Le port a traité 70,5 Mt [MAR-001].")
    assert (new.version, new.author, new.parent_id, new.status) == (2, "editor1", d.id, "in_review")
    assert new.check_report == GOOD_REPORT and desk.store.get(d.id).status == "superseded"
    entry = desk.audit_log()[0]
    assert entry["action"] == "edit" and entry["text_hash"] == hashlib.sha256(new.text.encode()).hexdigest()


def test_the_second_writer_gets_a_conflict_not_an_overwrite(desk):
    d = desk.store.add(record())
    desk.edit(desk.people["editor"], d.id, 1, "Version de Alice, 70,5 Mt [MAR-001].")
    with pytest.raises(ConflictError) as exc:
        desk.edit(desk.people["admin"], d.id, 1, "Version de Bob.")
    assert "newest is version 2 by editor1" in exc.value.message
    with pytest.raises(ConflictError):
        desk.approve(desk.people["approver"], d.id, 1)


def test_roles_are_enforced_below_the_screen(desk):
    d = desk.store.add(record())
    with pytest.raises(ForbiddenError):
        desk.approve(desk.people["editor"], d.id, 1)
    with pytest.raises(ForbiddenError):
        desk.edit(desk.people["viewer"], d.id, 1, "x")
    desk.comment(desk.people["viewer"], d.id, "<script>alert(1)</script> ok?")
    assert desk.comments(d.id)[0]["text"] == "<script>alert(1)</script> ok?"  # stored as text; the screen escapes it


def test_approval_refused_over_unbacked_figures_unless_overridden(desk):
    d = desk.store.add(record())
    d2 = desk.edit(desk.people["editor"], d.id, 1, "Le port a traité 95 Mt [MAR-001].")
    with pytest.raises(ReviewError) as exc:
        desk.approve(desk.people["approver"], d2.id, d2.version)
    assert "not backed" in exc.value.message and "override" in exc.value.fix
    desk.approve(desk.people["approver"], d2.id, d2.version, override_reason="Chiffre confirmé par le port le 2/12")
    assert desk.store.get(d2.id).status == "approved"
    last = desk.audit_log()[0]
    assert last["action"] == "approve_override" and last["detail"]["override_reason"].startswith("Chiffre confirmé")


def test_a_new_approval_supersedes_the_old_one(desk):
    d = desk.store.add(record(text="Le port a traité 70,5 Mt [MAR-001]."))
    d.check_report = GOOD_REPORT
    desk.approve(desk.people["approver"], d.id, 1)
    d2 = desk.edit(desk.people["editor"], d.id, 1, "Nouveau : 70,5 Mt en 2024 [MAR-001].")
    assert desk.store.get(d.id).status == "approved"  # still the published one while the new one is reviewed
    desk.approve(desk.people["approver"], d2.id, 2)
    assert desk.store.get(d.id).status == "superseded" and desk.store.get(d2.id).status == "approved"


def test_reject_and_request_changes_need_a_reason(desk):
    d = desk.store.add(record())
    with pytest.raises(ReviewError):
        desk.reject(desk.people["editor"], d.id, 1, "  ")
    desk.request_changes(desk.people["editor"], d.id, 1, "Citer le chiffre 2024")
    got = desk.store.get(d.id)
    assert got.status == "changes_requested" and got.review_note == "Citer le chiffre 2024"


def test_bad_edits_lose_nothing(desk):
    d = desk.store.add(record())
    for bad in ("", "   ", "x" * 600_000):
        with pytest.raises(ReviewError):
            desk.edit(desk.people["editor"], d.id, 1, bad)
    assert [r.version for r in desk.store.list()] == [1] and desk.store.get(d.id).status == "draft"


def test_the_audit_log_is_append_only(desk):
    desk.store.add(record())
    with desk.store.engine.begin() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM audit")).scalar()
    assert n >= 4
    for stmt in ("UPDATE audit SET actor='x'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"):
            with desk.store.engine.begin() as conn:
                conn.execute(text(stmt))


def test_users_command(tmp_path):
    import subprocess
    import sys

    from tests.conftest import REPO
    env = {"STUDIO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "STUDIO_ADMIN_PASSWORD": "admin password 1"}

    def run(*a, extra=None):
        return subprocess.run([sys.executable, "-m", "pipeline", "users", *a], cwd=REPO, env={**env, **(extra or {})},
                              capture_output=True, text=True, timeout=120)
    p = run("ensure-admin")
    assert p.returncode == 0 and "from STUDIO_ADMIN_PASSWORD" in p.stdout and "admin password 1" not in p.stdout
    assert run("ensure-admin").stdout == ""  # only the first time
    p = run("add", "alice", "--role", "approver")
    assert p.returncode == 0 and "shown once" in p.stdout
    assert run("add", "alice").returncode == 6
    assert run("set-role", "alice", "viewer").returncode == 0
    p = run("list", "--json")
    import json
    assert {(u["username"], u["role"]) for u in json.loads(p.stdout)} == {("admin", "admin"), ("alice", "viewer")}
    desk = ReviewDesk(DraftStore.for_data_dir(tmp_path))
    assert desk.sign_in("admin", "admin password 1").role == "admin"


# ---------------------------------------------------------------- re-check at approval, bad input, the queue
def _facts():
    from pipeline.corpus.facts import load_corpus
    from tests.conftest import REPO, TODAY
    return load_corpus(REPO / "corpus", TODAY)[0], TODAY


def test_approval_checks_again_so_a_fact_deleted_since_blocks_it(tmp_path):
    from pipeline.review.desk import FactSnapshot
    facts, today = _facts()
    store = DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    text = "Le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes en 2024 [MAR-001]."
    then = FactSnapshot(facts, today)
    d = store.add(record(text=text))
    d_report = then.report(text, "fr")
    assert d_report["flagged"] == []  # clean when drafted
    now = FactSnapshot([f for f in facts if f.id != "MAR-001"], today)  # MAR-001 deleted from the base since
    desk = ReviewDesk(store, recheck=now.report)
    approver, _ = desk.add_user("approver1", "approver", "correct horse battery")
    with pytest.raises(ReviewError) as exc:
        desk.approve(approver, d.id, 1)
    assert "MAR-001 does not exist in the fact base" in exc.value.message and "override" in exc.value.fix
    assert store.get(d.id).status == "draft"
    desk.approve(approver, d.id, 1, override_reason="Chiffre repris du rapport annuel 2024, page 3")
    assert store.get(d.id).status == "approved" and desk.audit_log()[0]["detail"]["rechecked"] is True


def test_unchanged_edits_and_overlong_comments_are_refused_not_cut(desk):
    d = desk.store.add(record())
    with pytest.raises(ReviewError, match="nothing changed"):
        desk.edit(desk.people["editor"], d.id, 1, d.text)
    with pytest.raises(ReviewError, match="at most 10,000"):
        desk.comment(desk.people["viewer"], d.id, "x" * 10_001)
    assert [r.version for r in desk.store.list()] == [1] and desk.comments(d.id) == []


def test_the_queue_in_one_query_with_catalogue_and_staleness(desk):
    from datetime import date

    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    from pipeline.review.desk import OFF_CATALOGUE, STALE, FactSnapshot, QueueFilter, queue_counts, queue_items
    from tests.conftest import REPO
    facts, today = _facts()
    a = desk.store.add(record(page="site-maritime-investors"))  # every record cites MAR-001 with hash 'ab': changed
    desk.edit(desk.people["editor"], a.id, 1, "Version 2 [MAR-001].")  # the queue shows version 2 only
    desk.store.add(record(page="site-maritime-investors", lang="en"))
    desk.store.add(record(page="page-retiree"))
    pages = load_pages(REPO / "corpus", load_filieres(REPO / "corpus"))
    items = queue_items(desk.store, pages, FactSnapshot(facts, today).stale)
    assert [(i.page_id, i.lang, i.version, i.kind) for i in items] == [
        ("page-retiree", "fr", 1, OFF_CATALOGUE), ("site-maritime-investors", "en", 1, "page"),
        ("site-maritime-investors", "fr", 2, "page")]
    assert items[1].filieres == ("maritime",) and items[1].stale == (
        "[MAR-001] changed (statement, source or verification)", "prompt page: prompts/page.yaml changed since the draft")
    counts = queue_counts(items)
    assert (counts["draft"], counts["in_review"], counts[STALE]) == (2, 1, 3)
    assert [i.page_id for i in items if QueueFilter(kind=OFF_CATALOGUE).keeps(i)] == ["page-retiree"]
    assert len([i for i in items if QueueFilter(statuses=frozenset([STALE]), lang="en").keeps(i)]) == 1
    assert not [i for i in items if QueueFilter(until=date(2000, 1, 1)).keeps(i)]


def test_an_edit_records_the_facts_its_text_now_cites(tmp_path):
    from pipeline.review.desk import FactSnapshot
    facts, today = _facts()
    snap = FactSnapshot(facts, today)
    store = DraftStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    desk = ReviewDesk(store, recheck=snap.report, facts=snap.facts)
    editor, _ = desk.add_user("editor1", "editor", "correct horse battery")
    d = store.add(record())  # cites MAR-001, recorded with an old hash
    v2 = desk.edit(editor, d.id, 1, "Le port a traité 1,45 million d'EVP en 2024 [MAR-003]. Et [NOPE-404].")
    assert [f["id"] for f in v2.facts] == ["MAR-003", "NOPE-404"]  # MAR-001 no longer cited: no longer recorded
    assert v2.facts[0]["content_hash"] == snap.facts["MAR-003"].content_hash and v2.facts[0]["value"]
    v3 = desk.edit(editor, v2.id, 2, "Le port a traité 1,45 million d'EVP en 2024 [MAR-003]. [MAR-001]")
    assert v3.facts[0] == v2.facts[0] and v3.facts[1]["id"] == "MAR-001"
    # so a later change of MAR-003 makes the edited version stale, which the draft it came from never cited
    assert any("NOPE-404" in r for r in snap.stale(v2))
