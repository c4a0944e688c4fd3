"""The drafting page ("Rédaction"): estimate, then start a regeneration in the background and follow its progress."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone

import streamlit as st

from pipeline.config import REPO_ROOT
from pipeline.draft.regenerate import Selection
from pipeline.draft.runs import latest_run, run_alive
from screens.i18n import label, number, t, translate
from screens.state import Studio

# The run itself is `python -m pipeline regenerate` in its own process, so it survives a closed browser tab, holds
# the index only while planning, and is resumable like any other run; this page reads its progress from the database.

ANY = "(toutes)"  # the "any filière" choice


def cost_text(cost: float, backend: str | None) -> str:
    """What a run or a text costs: free with the embedded model, else in USD with four decimals."""
    return t("cost.free") if backend == "embedded" else t("cost.usd", amount=number(cost or 0, 4))


def page(s: Studio) -> None:
    drafting_page(s.settings, s.desk.store, s.pages, s.fact_base.filieres, s.user, s.desk.record_action)


def drafting_page(settings, store, pages, filieres, user, audit) -> None:
    st.header(t("drafting.header"))
    st.caption(t("drafting.caption"))
    alive = run_alive(settings)
    progress_panel(settings, store)
    if alive:
        st.info(t("drafting.running"))
        return
    sel, concurrency, budget = _form(pages, filieres)
    c1, c2 = st.columns(2)
    if c1.button(t("drafting.estimate"), key="regen_estimate"):
        _estimate(settings, sel, budget)
    if c2.button(t("drafting.start"), key="regen_start", type="primary"):
        _start(settings, sel, concurrency, budget)
        audit(user.username, "regenerate", {**sel.to_json(), "concurrency": concurrency, "budget": budget})
        time.sleep(0.5)  # let the run register itself, then show it
        st.rerun()


def _form(pages, filieres) -> tuple[Selection, int, float | None]:
    # labels made now, in this run's language (a format_func may be called later, outside the run)
    modes = {m: t(f"drafting.mode_{m}") for m in ("stale", "all")}
    mode = st.radio(t("drafting.what"), list(modes), horizontal=True, key="regen_mode", format_func=modes.get)
    ids = st.multiselect(t("drafting.pages"), [p.id for p in pages], key="regen_pages",
                         placeholder=t("drafting.pages_placeholder"))
    fils = {ANY: t("any.feminine")} | {f: filieres.label(f) for f in filieres.items}
    fil = st.selectbox(t("label.filiere"), list(fils), key="regen_filiere", format_func=fils.get)
    langs = st.multiselect(t("drafting.langs"), ["fr", "en"], default=["fr", "en"], key="regen_langs",
                           placeholder=t("drafting.langs_placeholder"))
    c1, c2, c3 = st.columns(3)
    concurrency = int(c1.number_input(t("drafting.concurrency"), 1, 32, 1, key="regen_concurrency"))
    budget = c2.number_input(t("drafting.budget"), 0.0, 10_000.0, 0.0, key="regen_budget")
    force = c3.checkbox(t("drafting.force"), key="regen_force")
    sel = Selection(mode=mode, pages=tuple(ids), filiere=None if fil == ANY else fil,
                    langs=tuple(langs) or ("fr", "en"), force=force)
    return sel, concurrency, (budget or None)


def _command(sel: Selection, concurrency: int, budget: float | None) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline", "regenerate", *sel.cli_args(), "--concurrency", str(concurrency)]
    return cmd + (["--budget", f"{budget:g}"] if budget else [])


def _estimate(settings, sel: Selection, budget: float | None) -> None:
    with st.spinner(t("drafting.estimating")):
        done = subprocess.run(_command(sel, 1, budget) + ["--dry-run", "--json"], cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=600)
    if done.returncode != 0:
        st.error(_cli_error(done.stderr))
        return
    plan = json.loads(done.stdout)
    never = plan.get("never_drafted", 0)
    st.success(t("drafting.estimate_result", to_draft=number(plan["to_draft"]),
                 unchanged=number(plan["skipped"] - never), never=number(never),
                 cannot=number(plan["cannot_draft"]), tokens=number(plan["est_tokens"]),
                 cost=cost_text(plan["est_cost"], plan["backend"])))
    if never and plan["selection"]["mode"] == "stale":
        st.info(t("drafting.never", n=number(never)))
    if plan.get("over_budget"):
        st.warning(t("drafting.over_budget", pages=", ".join(plan["over_budget"])))
    col = {k: t(f"drafting.col.{k}") for k in ("text", "action", "why", "tokens", "cost")}
    rows = [{col["text"]: f"{i['page_id']} [{i['lang']}]", col["action"]: label("action", i["action"]),
             col["why"]: translate(i["why"]), col["tokens"]: number(i["est_tokens"] or 0),
             col["cost"]: cost_text(i["est_cost"], plan["backend"])} for i in plan["items"]]
    st.dataframe(rows, hide_index=True, width="stretch")


def _start(settings, sel: Selection, concurrency: int, budget: float | None) -> None:
    log = settings.data_dir / "regenerate.log"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    cmd = _command(sel, concurrency, budget)
    with open(log, "ab") as fh:
        fh.write(f"\n--- {datetime.now(timezone.utc).isoformat()} {' '.join(cmd)}\n".encode())
        subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=fh, stderr=fh,
                         stdin=subprocess.DEVNULL, start_new_session=True)


def _cli_error(stderr: str) -> str:
    """The CLI's "error: …" and "fix: …" lines in the interface language (its last lines when it printed neither)."""
    lines = []
    for ln in (ln.strip() for ln in stderr.strip().splitlines()):
        if ln.startswith("error:"):
            lines.append(translate(ln.removeprefix("error:").strip()))
        elif ln.startswith("fix:"):
            lines.append(t("error.fix", fix=translate(ln.removeprefix("fix:").strip())))
    return "\n\n".join(lines) or stderr.strip()[-500:] or t("drafting.cli_failed")


@st.fragment(run_every=2)
def progress_panel(settings, store) -> None:
    """The newest run, refreshed every two seconds while it runs."""
    run = latest_run(store)
    if run is None:
        st.caption(t("drafting.no_run"))
        return
    counts = run["counts"]
    total = run["total"] or 0
    finished = run["finished"]
    status = run["status"]
    if status == "running" and not run_alive(settings):
        status = "interrupted"
    st.subheader(t("drafting.run", id=run["id"], label=label("run", status)))
    frac = min(1.0, finished / total) if total else 1.0
    elapsed = ((run["finished_at"] or datetime.now(timezone.utc)) - run["started_at"]).total_seconds()
    left = t("drafting.left", seconds=number(elapsed / frac - elapsed)) if status == "running" and 0 < frac < 1 else ""
    st.progress(frac, text=t("drafting.progress", finished=finished, total=total, tokens=number(run["tokens"]),
                             cost=cost_text(run["cost"], run.get("backend")), left=left))
    st.caption(" · ".join(t("drafting.count", n=n, state=label("item", k)) for k, n in sorted(counts.items())))
    if run["message"]:
        st.caption(translate(run["message"]))

