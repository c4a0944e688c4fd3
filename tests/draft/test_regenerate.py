"""Batch regeneration and staleness: the right items, skipped when unchanged, approved text never replaced,
failures recorded, budget respected, resumable, a fact changed mid-run caught."""
from __future__ import annotations

import hashlib
import re
import shutil
import threading
import time
from contextlib import contextmanager

import pytest

from pipeline.config import Settings
from pipeline.draft.regenerate import Regenerator, Selection
from pipeline.draft.runs import RunLock, latest_run
from pipeline.draft.staleness import StalenessJudge
from pipeline.errors import LLMError, RegenerationError
from pipeline.index.embedding import default_embedder
from pipeline.index.ingest import ingest
from pipeline.llm.base import LLMResult, LLMSettings
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from pipeline.store.schema import regen_items
from tests.conftest import TODAY, edit_fact

pytestmark = pytest.mark.integration
FACT_LINE = re.compile(r"^\[([A-Z][A-Z0-9]{1,9}-\d{1,6})\] \((\d{4})\) (.+)$", re.M)

MARITIME_FR = 8  # the maritime filière's items in French: 7 pages and posts, and its video


class WriterModel:
    """A faithful writer: restates the facts it is given, with their citations. Counts calls and concurrency;
    `fail_on(user) -> Exception | None` makes chosen calls fail, `delay` makes every call take time."""

    def __init__(self, backend: str = "fake", delay: float = 0.0, fail_on=None, hook=None) -> None:
        self.settings = LLMSettings(backend=backend, model="writer-1")
        self.delay, self.fail_on, self.hook = delay, fail_on, hook
        self.calls = 0
        self.in_flight = self.max_in_flight = 0
        self._lock = threading.Lock()

    def complete(self, system, user, max_tokens=256, stop=None):
        with self._lock:
            self.calls += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.hook:
                self.hook(user)
            if self.delay:
                time.sleep(self.delay)
            exc = self.fail_on(user) if self.fail_on else None
            if exc is not None:
                raise exc
            text = " ".join(f"{t.rstrip('.')} [{i}]." for i, _, t in FACT_LINE.findall(user)[:2])
            return LLMResult(text, self.settings.backend, self.settings.model, len(user.split()), len(text.split()), 0.01)
        finally:
            with self._lock:
                self.in_flight -= 1

    def ping(self):
        return "writer"


@pytest.fixture
def site(real_index_session, tmp_path) -> Settings:
    """A private copy of the session's real index and corpus, with an empty drafts database."""
    shutil.copytree(real_index_session.corpus_dir, tmp_path / "corpus")
    shutil.copytree(real_index_session.chroma_dir, tmp_path / "data" / "chroma")
    return Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data", today_override=TODAY)


def regenerator(s: Settings, model, store=None) -> Regenerator:
    from pipeline.wiring import regenerator_for
    return regenerator_for(s, store or DraftStore.for_data_dir(s.data_dir), model=model, embedder=_emb())[0]


_EMB = []


def _emb():
    if not _EMB:
        _EMB.append(default_embedder())
    return _EMB[0]


@contextmanager
def prepared(s: Settings, model, sel: Selection):
    """(Regenerator, Batch) planned for `sel`, with the run lock held for the `with` block, as the CLI does."""
    from pipeline.wiring import regenerator_for
    regen, specs, filieres = regenerator_for(s, DraftStore.for_data_dir(s.data_dir), model=model, embedder=_emb())
    with RunLock(s, regen.store):
        yield regen, regen.prepare(specs, filieres, sel)


def run(s: Settings, model, sel: Selection, **kw):
    with prepared(s, model, sel) as (regen, batch):
        summary = regen.run(batch, **kw) if batch.to_draft else None
    return batch, summary, regen.store


MARITIME = Selection(mode="all", filiere="maritime", langs=("fr",))


def test_all_drafts_each_item_once_then_skips_what_did_not_change(site):
    model = WriterModel()
    batch, summary, store = run(site, model, MARITIME)
    assert len(batch.to_draft) == MARITIME_FR and summary.status == "done" and not summary.failed
    drafts = store.list()
    assert sorted((d.page_id, d.lang) for d in drafts) == sorted((i.spec.id, i.lang) for i in batch.to_draft)
    assert all(d.inputs_key and d.params["inputs"]["facts"] and d.status == "draft" for d in drafts)
    calls = model.calls
    again, summary2, _ = run(site, model, MARITIME)
    assert again.to_draft == [] and summary2 is None and model.calls == calls  # no model call at all
    assert all(i.why.startswith("unchanged") for i in again.items)
    assert len(store.list()) == len(drafts)


def test_one_fact_changed_regenerates_exactly_the_items_citing_it_and_keeps_approved_text(site):
    model = WriterModel()
    _, _, store = run(site, model, Selection(mode="all", filiere="maritime"))
    desk = ReviewDesk(store)
    approver, _ = desk.add_user("ann", "approver", "correct horse battery")
    newest = {(d.page_id, d.lang): d for d in store.list()}
    for d in newest.values():  # approve everything that can be approved without an override
        desk.approve(approver, d.id, d.version, override_reason="bench" if d.check_report["flagged"] else None)
    approved = {d.id: d.text_hash for d in store.list(status="approved")}
    counts: dict[str, int] = {}
    for d in newest.values():
        for f in d.facts:
            counts[f["id"]] = counts.get(f["id"], 0) + 1
    fid = max(sorted(counts), key=lambda i: counts[i])
    citing = {k for k, d in newest.items() if fid in {f["id"] for f in d.facts}}
    assert 1 <= len(citing) < len(newest)

    old_value = next(f["value"] for d in newest.values() for f in d.facts if f["id"] == fid)
    assert old_value, f"{fid} has no value to change"
    edit_fact(site.corpus_dir, fid, f'value: "{old_value}"', f'value: "{old_value}9"')
    ingest(site, _emb())

    judge = regenerator(site, model).judge_factory({f.id: f for f in _facts(site)})
    stale = {(d.page_id, d.lang): judge.reasons(d) for d in store.list(status="approved")}
    assert {k for k, r in stale.items() if r} == citing
    reason = next(r for r in stale[next(iter(citing))] if r.item == fid)
    assert reason.kind == "fact" and "changed" in reason.what
    assert re.search(rf"value {re.escape(old_value)}\b.* → {re.escape(old_value)}9\b", reason.what), reason.what

    batch, summary, _ = run(site, model, Selection(mode="stale"))
    assert {(i.spec.id, i.lang) for i in batch.to_draft} == citing  # ratio 1.0, nothing else
    assert {n for n, _ in summary.done} == {f"{p} [{lang}]" for p, lang in citing}
    # approved text untouched: same rows, still approved, byte-identical; the new versions wait for review
    after = {d.id: d for d in store.list()}
    assert all(after[i].status == "approved" and after[i].text_hash == h for i, h in approved.items())
    new = [after[draft_id] for _, draft_id in summary.done]
    assert all(d.status == "draft" and d.id not in approved for d in new)


def _facts(s):
    from pipeline.retrieve.fact_base import current_facts
    return current_facts(s, _emb())


def test_forced_regeneration_of_an_approved_item_adds_a_draft_and_leaves_the_approval(site):
    model = WriterModel()
    sel = Selection(mode="all", pages=("social-maritime-1",), langs=("fr",))
    _, summary, store = run(site, model, sel)
    desk = ReviewDesk(store)
    approver, _ = desk.add_user("ann", "approver", "correct horse battery")
    rec = store.get(summary.done[0][1])
    desk.approve(approver, rec.id, rec.version, override_reason="ok" if rec.check_report["flagged"] else None)
    _, summary2, _ = run(site, model, Selection(mode="all", pages=("social-maritime-1",), langs=("fr",), force=True))
    new = store.get(summary2.done[0][1])
    assert new.version == rec.version + 1 and new.status == "draft"
    old = store.get(rec.id)
    assert old.status == "approved" and old.text_hash == rec.text_hash


def test_a_failing_item_is_recorded_and_the_run_goes_on(site):
    model = WriterModel()
    with prepared(site, model, MARITIME) as (regen, batch):
        doomed = batch.to_draft[1]
        first_prompt = doomed.plan.sections[0].user
        model.fail_on = lambda user: LLMError("server said 500", fix="retry later") if user == first_prompt else None
        summary = regen.run(batch)
    assert [n for n, _ in summary.failed] == [doomed.name] and "500" in summary.failed[0][1]
    assert len(summary.done) == len(batch.to_draft) - 1 and summary.status == "done"
    with regen.store.engine.connect() as conn:
        states = {(r.page_id, r.lang): (r.state, r.reason) for r in conn.execute(regen_items.select().where(
            regen_items.c.run_id == summary.run_id))}
    assert states[(doomed.spec.id, doomed.lang)][0] == "failed" and "500" in states[(doomed.spec.id, doomed.lang)][1]
    assert latest_run(regen.store)["counts"] == {"done": len(batch.to_draft) - 1, "failed": 1}
    assert doomed.spec.id not in {d.page_id for d in regen.store.list()}


def test_budget_stops_before_the_estimate_exceeds_it(site, monkeypatch):
    monkeypatch.setenv("STUDIO_PRICE_IN", "1000")  # USD per million tokens: make every item cost something
    monkeypatch.setenv("STUDIO_PRICE_OUT", "1000")
    model = WriterModel()
    with prepared(site, model, MARITIME) as (regen, batch):
        costs = [i.est_cost for i in batch.to_draft]
        assert all(i.est_cost > 0 for i in batch.to_draft if i.spec.kind != "video")  # a script calls no model
        budget = sum(costs[:3]) + costs[3] / 2
        with pytest.raises(RegenerationError, match="allows no model call"):
            regen.run(batch, budget=0)
        summary = regen.run(batch, budget=budget)
    assert len(summary.done) == 3 and len(summary.not_started) == len(costs) - 3 and summary.status == "budget"
    assert sum(i.est_cost for i in batch.to_draft[:3]) <= budget


def test_a_killed_run_is_finished_by_the_next_without_duplicates(site):
    sel = Selection(mode="all", filiere="maritime", langs=("fr",), force=True)

    def killer(after: int):
        left = [after]

        def hook(user):
            left[0] -= 1
            if left[0] < 0:
                raise KeyboardInterrupt  # as abrupt as Ctrl-C in the middle of an item
        return WriterModel(hook=hook)

    store = DraftStore.for_data_dir(site.data_dir)
    with pytest.raises(KeyboardInterrupt):
        run(site, killer(3), sel)
    first = {(d.page_id, d.lang) for d in store.list()}
    assert 0 < len(first) < MARITIME_FR
    with pytest.raises(KeyboardInterrupt):  # the resuming run is killed too
        run(site, killer(3), sel)
    second = {(d.page_id, d.lang) for d in store.list()}
    assert first < second and len(store.list()) == len(second)  # forced, yet nothing drafted twice
    batch, summary, _ = run(site, WriterModel(), sel)
    assert batch.resumed_from is not None
    assert {(i.spec.id, i.lang) for i in batch.items if i.action == "carried"} == second
    assert {(i.spec.id, i.lang) for i in batch.to_draft}.isdisjoint(second)
    drafts = store.list()
    assert len(drafts) == MARITIME_FR and len({(d.page_id, d.lang) for d in drafts}) == MARITIME_FR
    assert latest_run(store)["status"] == "done" and latest_run(store)["counts"]["carried"] == len(second)
    # finished: a later forced run is a new run that drafts everything again, resuming nothing
    again, _, _ = run(site, WriterModel(), sel)
    assert again.resumed_from is None and len(again.to_draft) == MARITIME_FR
    assert all(d.version == 2 for d in store.list() if d.status == "draft")


def test_a_fact_retired_during_the_run_fails_the_items_planned_with_it(site):
    model = WriterModel()
    with prepared(site, model, MARITIME) as (regen, batch):
        last = batch.to_draft[-1]
        victim = last.plan.sections[0].facts[0].fact.id
        retired = []

        def hook(user):  # while the first item is being written, someone retires a fact and re-indexes
            if not retired:
                retired.append(victim)
                edit_fact(site.corpus_dir, victim, "status: verified", "status: retired")
                ingest(site, _emb())
        model.hook = hook
        summary = regen.run(batch)
    failed = dict(summary.failed)
    assert last.name in failed and victim in failed[last.name] and "retired" in failed[last.name]
    users = [i for i in batch.to_draft if victim in {h.fact.id for s in i.plan.sections for h in s.facts}]
    assert {i.name for i in users} == set(failed)
    stored = DraftStore.for_data_dir(site.data_dir).list()
    assert all(victim not in {f["id"] for f in d.facts} for d in stored)


def test_concurrency_runs_items_at_once_but_the_embedded_model_one_at_a_time(site):
    fast = WriterModel(delay=0.05)
    _, summary, _ = run(site, fast, MARITIME, concurrency=4)
    assert fast.max_in_flight > 1 and len(summary.done) == MARITIME_FR
    local = WriterModel(backend="embedded", delay=0.02)
    _, summary, _ = run(site, local, Selection(mode="all", filiere="maritime", langs=("en",)), concurrency=4)
    assert local.max_in_flight == 1 and len(summary.done) == MARITIME_FR


def test_one_regeneration_at_a_time(site):
    store = DraftStore.for_data_dir(site.data_dir)
    with RunLock(site, store):
        with pytest.raises(RegenerationError, match="another regeneration is running"):
            with RunLock(site, store):
                pass


def test_cli_dry_run_changes_nothing_and_bad_input_is_named(site, monkeypatch, capsys):
    from pipeline.cli.main import main
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(site.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(site.data_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    assert main(["regenerate", "--all", "--filiere", "maritime", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{2 * MARITIME_FR} to draft" in out and "estimate:" in out and "dry run: nothing was changed" in out
    store = DraftStore.for_data_dir(site.data_dir)
    assert store.list() == [] and latest_run(store) is None
    assert main(["regenerate", "--all", "--pages", "site-territoire,nope"]) == 2
    assert "unknown page id(s): nope" in capsys.readouterr().err
    assert main(["regenerate", "--stale", "--filiere", "mer"]) == 2
    assert "unknown filière 'mer'" in capsys.readouterr().err
    assert main(["regenerate", "--all", "--budget", "0"]) == 2
    assert "budget of 0 allows no model call" in capsys.readouterr().err
    assert main(["status", "--json"]) == 0
    assert '"never_drafted"' in capsys.readouterr().out


def test_status_names_prompt_and_model_changes(site, tmp_path):
    model = WriterModel()
    _, summary, store = run(site, model, Selection(mode="all", pages=("social-maritime-1",), langs=("fr",)))
    rec = store.get(summary.done[0][1])
    prompts = tmp_path / "prompts"
    shutil.copytree(_repo_prompts(), prompts)
    judge = StalenessJudge({f.id: f for f in _facts(site)}, TODAY, llm=model.settings, prompts_dir=prompts)
    assert judge.reasons(rec) == []
    path = prompts / f"{rec.prompt_name}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# reworded\n", encoding="utf-8")
    other = LLMSettings(backend="openai", model="gpt-4o-mini")
    judge = StalenessJudge({f.id: f for f in _facts(site)}, TODAY, llm=other, prompts_dir=prompts)
    kinds = {r.kind: r.render() for r in judge.reasons(rec)}
    assert set(kinds) == {"prompt", "model"}
    assert "changed" in kinds["prompt"] and "gpt-4o-mini" in kinds["model"]
    assert hashlib.sha256(rec.text.encode()).hexdigest() == rec.text_hash


def _repo_prompts():
    from pipeline.llm.prompts import PROMPTS_DIR
    return PROMPTS_DIR


def test_kill_9_mid_run_then_rerun_finishes_without_duplicates(site):
    """The real thing: the CLI against an OpenAI-compatible server on 127.0.0.1, killed with SIGKILL mid-run."""
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import REPO
    from tests.fakes.llm_server import serve
    server, llm = serve(0, delay=0.3)
    env = {**os.environ, "STUDIO_CORPUS_DIR": str(site.corpus_dir), "STUDIO_DATA_DIR": str(site.data_dir),
           "STUDIO_TODAY": TODAY.isoformat(), "STUDIO_LLM_BACKEND": "openai-compatible", "STUDIO_LLM_MODEL": "fake",
           "STUDIO_LLM_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1"}
    cmd = [sys.executable, "-m", "pipeline", "regenerate", "--all", "--filiere", "maritime", "--lang", "fr",
           "--concurrency", "2"]
    store = DraftStore.for_data_dir(site.data_dir)
    try:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not store.list() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_with = len(store.list())
        assert 0 < killed_with < MARITIME_FR, "the run was not killed mid-way"
        assert latest_run(store)["status"] == "running"  # as the killed process left it
        done = subprocess.run(cmd + ["--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    finally:
        server.shutdown()
    drafts = store.list()
    assert len(drafts) == MARITIME_FR and len({(d.page_id, d.lang) for d in drafts}) == MARITIME_FR
    assert all(d.version == 1 for d in drafts)
    with store.engine.connect() as conn:
        from pipeline.store.schema import regen_runs
        statuses = [r.status for r in conn.execute(regen_runs.select().order_by(regen_runs.c.id))]
    assert statuses == ["interrupted", "done"]
