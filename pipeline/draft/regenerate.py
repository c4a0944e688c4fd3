"""Batch regeneration: choose the items, plan them with the index open, estimate their cost, then draft them.

Choose the items (all, or the stale ones), plan them all while the index is open, estimate tokens and cost, then
draft them (several at once against a server that can take it) with the index closed.

Guarantees: an item whose inputs (facts, prompt, brand voice, page definition, model) match an existing draft is
skipped; a new draft never replaces approved text (it waits for review); each draft is stored in the same
transaction that marks its item done, so a run killed at any point is finished by the next one without redoing or
duplicating anything; a fact changed or retired by an `ingest` during the run fails the items that planned with it."""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable

from pipeline.config import Settings
from pipeline.corpus.catalogue import LANGS, PageSpec
from pipeline.corpus.facts import Filieres
from pipeline.draft.drafter import Drafter, Plan
from pipeline.draft.runs import check_budget
from pipeline.errors import DraftError, QueryError, RegenerationError, StudioError
from pipeline.llm.pricing import cost
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from pipeline.types import Fact

MODES = ("all", "stale")


NEVER_DRAFTED = "never drafted (use --all to draft it)"  # skipped by --stale: counted apart, never as unchanged

@dataclass(frozen=True)
class Selection:
    """What the user asked to regenerate."""

    mode: str = "all"
    pages: tuple[str, ...] = ()
    filiere: str | None = None
    langs: tuple[str, ...] = LANGS
    force: bool = False

    def signature(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()

    def to_json(self) -> dict:
        return {"mode": self.mode, "pages": sorted(self.pages), "filiere": self.filiere, "langs": sorted(self.langs),
                "force": self.force}

    def cli_args(self) -> list[str]:
        """The `python -m pipeline regenerate` arguments that make this selection."""
        args = ["--" + self.mode, "--lang", ",".join(self.langs)]
        if self.pages:
            args += ["--pages", ",".join(self.pages)]
        if self.filiere:
            args += ["--filiere", self.filiere]
        return args + (["--force"] if self.force else [])


@dataclass
class Item:
    spec: PageSpec
    lang: str
    action: str = "draft"      # draft, skip, carried (done by the killed run this one resumes), fail (cannot plan)
    why: str = ""
    plan: Plan | None = None
    key: str | None = None
    est_tokens: int = 0
    est_cost: float = 0.0
    draft_id: int | None = None  # for a carried item: the draft the resumed run stored

    @property
    def name(self) -> str:
        return f"{self.spec.id} [{self.lang}]"

    def to_json(self) -> dict:
        return {"page_id": self.spec.id, "lang": self.lang, "action": self.action, "why": self.why,
                "est_tokens": self.est_tokens, "est_cost": self.est_cost}


@dataclass
class Batch:
    """The prepared work: every selected item with its decision and estimate."""

    selection: Selection
    items: list[Item]
    backend: str
    model: str
    resumed_from: int | None = None
    temperature: float | None = None

    @property
    def to_draft(self) -> list[Item]:
        return [i for i in self.items if i.action == "draft"]

    @property
    def est_tokens(self) -> int:
        return sum(i.est_tokens for i in self.to_draft)

    @property
    def est_cost(self) -> float:
        return round(sum(i.est_cost for i in self.to_draft), 6)

    def within(self, budget: float | None) -> tuple[list[Item], list[Item]]:
        """(items to run, items left out) so that the summed estimate stays within the budget."""
        if budget is None:
            return self.to_draft, []
        run, left, total = [], [], 0.0
        for it in self.to_draft:
            if left or total + it.est_cost > budget:
                left.append(it)
            else:
                total += it.est_cost
                run.append(it)
        return run, left

    def to_json(self) -> dict:
        return {"selection": self.selection.to_json(), "backend": self.backend, "model": self.model,
                "to_draft": len(self.to_draft), "skipped": sum(i.action == "skip" for i in self.items),
                "never_drafted": sum(i.action == "skip" and i.why == NEVER_DRAFTED for i in self.items),
                "carried": sum(i.action == "carried" for i in self.items),
                "cannot_draft": sum(i.action == "fail" for i in self.items), "est_tokens": self.est_tokens,
                "est_cost": self.est_cost, "resumed_from": self.resumed_from,
                "items": [i.to_json() for i in self.items]}


@dataclass
class RunSummary:
    run_id: int
    status: str
    done: list[tuple[str, int]] = field(default_factory=list)          # (item, draft id)
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)        # (item, reason)
    not_started: list[str] = field(default_factory=list)
    tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    model_seconds: float = 0.0
    by_worker: dict[str, int] = field(default_factory=dict)            # drafts per worker, with --workers

    def to_json(self) -> dict:
        return {"run_id": self.run_id, "status": self.status, "done": [{"item": n, "draft_id": d} for n, d in self.done],
                "skipped": self.skipped, "failed": [{"item": n, "reason": r} for n, r in self.failed],
                "not_started": self.not_started, "tokens": self.tokens, "cost": round(self.cost, 6),
                "seconds": round(self.seconds, 3), "model_seconds": round(self.model_seconds, 3),
                **({"by_worker": self.by_worker} if self.by_worker else {})}


def choose(specs: list[PageSpec], filieres: Filieres, sel: Selection) -> list[tuple[PageSpec, str]]:
    """The (page, language) pairs the selection names; QueryError for an unknown page id, filière or language."""
    known = {s.id: s for s in specs}
    unknown = [p for p in sel.pages if p not in known]
    if unknown:
        raise QueryError(f"unknown page id(s): {', '.join(unknown)}",
                         fix="run 'python -m pipeline pages' to list the catalogue's ids")
    bad_langs = [lang for lang in sel.langs if lang not in LANGS]
    if bad_langs:
        raise QueryError(f"unknown language(s): {', '.join(bad_langs)}", fix="use --lang fr, en or fr,en")
    fil = filieres.resolve(sel.filiere) if sel.filiere else None
    if sel.filiere and fil is None:
        raise QueryError(f"unknown filière {sel.filiere!r}", fix="use one of: " + ", ".join(filieres.items))
    chosen = [(s, lang) for s in specs for lang in s.languages
              if (not sel.pages or s.id in sel.pages) and (fil is None or fil in s.filieres) and lang in sel.langs]
    if not chosen:
        raise QueryError("nothing in the catalogue matches these options",
                         fix="check --pages, --filiere and --lang against 'python -m pipeline pages'")
    return chosen


class Regenerator:
    """Prepares and runs one batch; holds the index only while planning."""

    def __init__(self, settings: Settings, store: DraftStore, drafter_factory, judge_factory=None) -> None:
        """`drafter_factory()` is a context manager yielding an open Drafter (index open inside); `judge_factory(
        facts)` a StalenessJudge for those facts."""
        self.settings = settings
        self.store = store
        self.drafter_factory = drafter_factory
        self.judge_factory = judge_factory
        self.drafter: Drafter | None = None
        self._stamp = ""              # the index version the batch was planned on
        self._loaded_stamp = ""       # the one `_now_facts` was read from, once it changed
        self._now_facts: dict[str, Fact] = {}
        self._reload_lock = threading.Lock()

    # ------------------------------------------------------------------ prepare
    def prepare(self, specs: list[PageSpec], filieres: Filieres, sel: Selection) -> Batch:
        from pipeline.index.chroma import read_stamp
        pairs = choose(specs, filieres, sel)
        drafts = self.store.list()
        by_item: dict[tuple[str, str], list[DraftRecord]] = {}
        for d in drafts:
            by_item.setdefault((d.page_id, d.lang), []).append(d)
        resumed, done_before = self._resumable(sel) if sel.force else (None, {})
        items = []
        self._stamp = read_stamp(self.settings)
        with self.drafter_factory() as drafter:  # the index is open (and locked, when embedded) only here
            self.drafter = drafter
            judge = self.judge_factory(drafter.retriever.snap.facts) if self.judge_factory else None
            settings = drafter.model.settings
            for spec, lang in pairs:
                items.append(self._decide(spec, lang, sel, by_item.get((spec.id, lang), []), judge, settings,
                                          done_before))
        if any(i.action == "draft" for i in items):
            _warm(drafter.model)  # the client library loads now, not inside the first item's timing
        return Batch(sel, items, settings.backend, settings.model, resumed, settings.temperature)

    def _decide(self, spec, lang, sel, versions, judge, settings, done_before) -> Item:
        item = Item(spec, lang)
        live = [v for v in versions if v.status != "superseded"]
        newest = max(live or versions, key=lambda v: v.version) if versions else None
        if sel.mode == "stale":
            if newest is None:
                return _skip(item, NEVER_DRAFTED)
            reasons = judge.reasons(newest) if judge else []
            if not reasons:
                return _skip(item, f"up to date (v{newest.version}, {newest.status})")
            item.why = "stale: " + "; ".join(r.render() for r in reasons)
        try:
            item.plan = self.drafter.plan(spec, lang)
        except DraftError as exc:
            item.action, item.why = "fail", exc.message
            return item
        item.key = item.plan.inputs_key(settings, self.drafter.brand)
        before = done_before.get((spec.id, lang))
        if before is not None and before[1] == item.key:  # finished by the killed run, with these very inputs
            item.action, item.why, item.draft_id = "carried", "done by the interrupted run this one resumes", before[0]
            return item
        same = [v for v in versions if v.inputs_key == item.key]
        if same and not sel.force:
            v = max(same, key=lambda v: v.version)
            return _skip(item, f"unchanged: same facts, prompt and model as v{v.version} ({v.status})")
        if not item.why:
            item.why = "never drafted" if newest is None else (
                "inputs changed since v%d" % newest.version if not same else "forced")
        tin, tout = item.plan.estimate(settings.model)
        item.est_tokens, item.est_cost = tin + tout, cost(settings.backend, settings.model, tin, tout)
        return item

    def _resumable(self, sel: Selection) -> tuple[int | None, dict[tuple[str, str], tuple[int, str]]]:
        """When the newest run was killed and had the same selection (forced), what it finished: those items are
        not drafted again ((page, lang) -> (draft id, inputs key)). A run is resumed once: the next records it."""
        resumable = self.store.resumable_run(sel.signature())
        if resumable is None:
            return None, {}
        run_id, rows = resumable
        return run_id, {(r["page_id"], r["lang"]): (r["draft_id"], r["inputs_key"]) for r in rows}

    # ------------------------------------------------------------------ run
    def run(self, batch: Batch, concurrency: int = 1, budget: float | None = None,
            progress: Callable[[int, int, str], None] | None = None) -> RunSummary:
        if self.drafter is None:
            raise RegenerationError("run() before prepare()", fix="prepare the batch first")
        check_budget(budget)
        backend = self.drafter.model.settings.backend
        workers = 1 if backend == "embedded" else max(1, concurrency)  # llama-cpp runs one call at a time
        todo, left = batch.within(budget)
        t0 = time.perf_counter()
        run_id = self._start(batch, todo, left, budget)
        summary = RunSummary(run_id, "running", skipped=sum(i.action in ("skip", "carried") for i in batch.items),
                             not_started=[i.name for i in left])
        summary.failed += [(i.name, i.why) for i in batch.items if i.action == "fail"]
        lock = threading.Lock()
        total = len(todo)
        finished = [0]

        def one(item: Item) -> None:
            t1 = time.perf_counter()
            try:
                rec, spent = self.draft_item(item)
                rec = self.store.add_item_draft(rec, run_id, item.spec.id, item.lang,  # one transaction
                                                tokens=rec.tokens_in + rec.tokens_out, cost=spent, started=t1)
                with lock:
                    summary.done.append((item.name, rec.id))
                    summary.tokens += rec.tokens_in + rec.tokens_out
                    summary.cost += spent
                    summary.model_seconds += rec.timings.get("generate_s", 0.0)
            except Exception as exc:  # one item's failure is recorded and the run goes on
                reason = exc.message if isinstance(exc, StudioError) else f"{type(exc).__name__}: {exc}"
                self.store.fail_item(run_id, item.spec.id, item.lang, reason, seconds=time.perf_counter() - t1)
                with lock:
                    summary.failed.append((item.name, reason))
            with lock:
                finished[0] += 1
                failed_now = finished[0] - len(summary.done)
                if progress:
                    progress(finished[0], total, f"{summary.tokens:,} tokens, ${summary.cost:.4f}"
                                                 + (f", {failed_now} failed" if failed_now else ""))

        if progress:
            progress(0, total, "starting")
        status = "done"
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            for f in as_completed([pool.submit(one, it) for it in todo]):
                f.result()
            pool.shutdown()
        except BaseException:  # Ctrl-C: stop at once; items not stored are drafted by the next run
            status = "interrupted"
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            if left and status == "done":
                status = "budget"
            summary.status = status
            summary.seconds = time.perf_counter() - t0
            self._finish(run_id, status, summary)
        return summary

    def draft_item(self, item: Item) -> tuple[DraftRecord, float]:
        """Draft one planned item (not stored): the record and its cost; RegenerationError when a fact it was planned
        with changed during the run, or no sentence is backed."""
        rec = self.drafter.draft(item.spec, item.lang, plan=item.plan)
        problem = self._changed_under_us(item) or _check_failed(rec)
        if problem:
            raise RegenerationError(problem, fix="run 'python -m pipeline regenerate --stale' again")
        return rec, cost(rec.backend, rec.model, rec.tokens_in, rec.tokens_out)

    def _start(self, batch: Batch, todo: list[Item], left: list[Item], budget: float | None,
               workers: int | None = None, plan_json: Callable | None = None) -> int:
        """The run recorded with its items; with workers, each pending item keeps its plan (`plan_json(plan)`)."""
        items = [{"page_id": i.spec.id, "lang": i.lang, "inputs_key": i.key, "state": state, "reason": i.why,
                  "draft_id": i.draft_id, "plan": plan_json(i.plan) if plan_json and state == "pending" else None}
                 for state, group in (("pending", todo), ("not_started", left),
                                      ("skipped", [i for i in batch.items if i.action == "skip"]),
                                      ("carried", [i for i in batch.items if i.action == "carried"]),
                                      ("failed", [i for i in batch.items if i.action == "fail"]))
                 for i in group]
        # a resumed run's finished items now belong to this one: it is never resumed again
        return self.store.start_run(
            items, resumes=batch.resumed_from, selection={**batch.selection.to_json(), "budget": budget},
            signature=batch.selection.signature(), pid=os.getpid(), backend=batch.backend, model=batch.model,
            total=len(todo), estimate_tokens=sum(i.est_tokens for i in todo),
            estimate_cost=round(sum(i.est_cost for i in todo), 6), workers=workers, temperature=batch.temperature,
            message=f"resumes run #{batch.resumed_from}" if batch.resumed_from else None)

    def _finish(self, run_id: int, status: str, s: RunSummary) -> None:
        self.store.finish_run(run_id, status, f"{len(s.done)} drafted, {s.skipped} skipped, {len(s.failed)} failed, "
                                              f"{len(s.not_started)} not started; {s.tokens} tokens, ${s.cost:.4f}")

    def _changed_under_us(self, item: Item) -> str | None:
        """If `ingest` ran since the plan, whether a fact this item was planned with changed or was retired."""
        from pipeline.index.chroma import read_stamp
        from pipeline.retrieve.fact_base import current_facts
        stamp = read_stamp(self.settings)
        if stamp == self._stamp:  # the index is the one the plan was made on
            return None
        with self._reload_lock:
            if stamp != self._loaded_stamp:
                self._now_facts = {f.id: f for f in current_facts(self.settings, self.drafter.retriever.embedder)}
                self._loaded_stamp = stamp
            now = self._now_facts
        for planned in (h.fact for s in item.plan.sections for h in s.facts):
            cur = now.get(planned.id)
            if cur is None or cur.status == "retired":
                return f"{item.name}: fact [{planned.id}] was {'deleted' if cur is None else 'retired'} during the run"
            if cur.content_hash != planned.content_hash:
                return f"{item.name}: fact [{planned.id}] changed during the run"
        return None


def _warm(model) -> None:
    """Load the model's client ahead of its first call; a failure here shows again, with its fix, at that call."""
    try:
        getattr(model, "warm", lambda: None)()
    except Exception:  # noqa: BLE001 - reported by the first real call
        pass


def _skip(item: Item, why: str) -> Item:
    item.action, item.why = "skip", why
    return item


def _check_failed(rec: DraftRecord) -> str | None:
    """A draft with no sentence backed by a fact, even after repair, is not worth a reviewer's time."""
    counts = rec.check_report.get("counts", {})
    if not counts.get("supported"):
        return f"{rec.page_id} [{rec.lang}]: no sentence of the draft is backed by a fact after repair"
    return None
