"""The drafting page ("Rédaction"): estimate, then start a regeneration in the background and follow its progress."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

import streamlit as st
from babel.numbers import format_decimal

from pipeline.config import REPO_ROOT
from pipeline.draft.regenerate import NEVER_DRAFTED, Selection
from pipeline.draft.runs import latest_run, run_alive
from screens.common import STATUS_FR
from screens.state import Studio

# The run itself is `python -m pipeline regenerate` in its own process, so it survives a closed browser tab, holds
# the index only while planning, and is resumable like any other run; this page reads its progress from the database.

STATE_FR = {"done": "rédigés", "failed": "en échec", "pending": "en cours / à faire", "skipped": "inchangés (sautés)",
            "not_started": "hors budget", "carried": "déjà faits par la régénération reprise"}


ACTION_FR = {"draft": "rédiger", "skip": "sauter", "fail": "impossible", "carried": "déjà fait"}


def why_fr(why: str) -> str:
    """The reason of a plan row in French where it is one of the known forms; otherwise as the run wrote it."""
    if why == NEVER_DRAFTED:
        return "jamais rédigé (choisissez « Tout » pour le rédiger)"
    m = re.fullmatch(r"up to date \(v(\d+), (\w+)\)", why)
    if m:
        return f"à jour (v{m.group(1)}, {STATUS_FR.get(m.group(2), m.group(2))})"
    return {"never drafted": "jamais rédigé"}.get(why, why)


def fr_number(x: float, decimals: int = 0) -> str:
    """A number as French writes it (narrow no-break space between thousands, decimal comma), with Babel."""
    return format_decimal(x, format=f"#,##0{'.' + '0' * decimals if decimals else ''}", locale="fr_FR")


def page(s: Studio) -> None:
    drafting_page(s.settings, s.desk.store, s.pages, s.fact_base.filieres, s.user, s.desk.record_action)


def drafting_page(settings, store, pages, filieres, user, audit) -> None:
    st.header("Rédaction et régénération")
    st.caption("Les brouillons produits attendent la relecture ; un texte approuvé n'est jamais remplacé : il reste "
               "publié jusqu'à l'approbation de la nouvelle version.")
    alive = run_alive(settings)
    progress_panel(settings, store)
    if alive:
        st.info("Une régénération est en cours : attendez sa fin pour en lancer une autre.")
        return
    sel, concurrency, budget = _form(pages, filieres)
    c1, c2 = st.columns(2)
    if c1.button("Estimer (sans rien changer)", key="regen_estimate"):
        _estimate(settings, sel, budget)
    if c2.button("Lancer la régénération", key="regen_start", type="primary"):
        _start(settings, sel, concurrency, budget)
        audit(user.username, "regenerate", {**sel.to_json(), "concurrency": concurrency, "budget": budget})
        time.sleep(0.5)  # let the run register itself, then show it
        st.rerun()


def _form(pages, filieres) -> tuple[Selection, int, float | None]:
    mode = st.radio("Quoi", ["stale", "all"], horizontal=True, key="regen_mode",
                    format_func={"stale": "Seulement ce qui est périmé", "all": "Tout (l'inchangé est sauté)"}.get)
    ids = st.multiselect("Pages (vide : toutes)", [p.id for p in pages], key="regen_pages")
    fil = st.selectbox("Filière", ["(toutes)"] + list(filieres.items), key="regen_filiere",
                       format_func=lambda f: f if f == "(toutes)" else filieres.label(f))
    langs = st.multiselect("Langues", ["fr", "en"], default=["fr", "en"], key="regen_langs")
    c1, c2, c3 = st.columns(3)
    concurrency = int(c1.number_input("Rédactions simultanées (serveur)", 1, 32, 1, key="regen_concurrency"))
    budget = c2.number_input("Budget (USD, 0 : sans limite)", 0.0, 10_000.0, 0.0, key="regen_budget")
    force = c3.checkbox("Forcer (même si rien n'a changé)", key="regen_force")
    sel = Selection(mode=mode, pages=tuple(ids), filiere=None if fil == "(toutes)" else fil,
                    langs=tuple(langs) or ("fr", "en"), force=force)
    return sel, concurrency, (budget or None)


def _command(sel: Selection, concurrency: int, budget: float | None) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline", "regenerate", *sel.cli_args(), "--concurrency", str(concurrency)]
    return cmd + (["--budget", f"{budget:g}"] if budget else [])


def _estimate(settings, sel: Selection, budget: float | None) -> None:
    with st.spinner("Sélection des faits de chaque texte et estimation…"):
        done = subprocess.run(_command(sel, 1, budget) + ["--dry-run", "--json"], cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=600)
    if done.returncode != 0:
        st.error(_cli_error(done.stderr))
        return
    plan = json.loads(done.stdout)
    never = plan.get("never_drafted", 0)
    st.success(f"{plan['to_draft']} texte(s) à rédiger · {plan['skipped'] - never} inchangé(s) · {never} jamais "
               f"rédigé(s) · {plan['cannot_draft']} impossible(s) · ~{fr_number(plan['est_tokens'])} tokens · "
               + ("gratuit (modèle embarqué)" if plan["backend"] == "embedded" else
                  f"{fr_number(plan['est_cost'], 4)} USD"))
    if never and plan["selection"]["mode"] == "stale":
        st.info(f"{never} texte(s) du catalogue n'ont jamais été rédigés : choisissez « Tout » pour les rédiger.")
    if plan.get("over_budget"):
        st.warning(f"Hors budget, non lancés : {', '.join(plan['over_budget'])}")
    rows = [{"texte": f"{i['page_id']} [{i['lang']}]", "action": ACTION_FR.get(i["action"], i["action"]),
             "pourquoi": why_fr(i["why"]),
             "tokens": i["est_tokens"], "coût": i["est_cost"]} for i in plan["items"]]
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
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip().startswith(("error:", "fix:"))]
    return "\n\n".join(lines) or stderr.strip()[-500:] or "la commande a échoué"


@st.fragment(run_every=2)
def progress_panel(settings, store) -> None:
    """The newest run, refreshed every two seconds while it runs."""
    run = latest_run(store)
    if run is None:
        st.caption("Aucune régénération lancée pour l'instant.")
        return
    counts = run["counts"]
    total = run["total"] or 0
    finished = run["finished"]
    status = run["status"]
    if status == "running" and not run_alive(settings):
        status = "interrupted"
    label = {"running": "en cours", "done": "terminée", "budget": "arrêtée (budget)",
             "interrupted": "interrompue (relancer la reprend)"}.get(status, status)
    st.subheader(f"Régénération n° {run['id']} — {label}")
    frac = min(1.0, finished / total) if total else 1.0
    elapsed = ((run["finished_at"] or datetime.now(timezone.utc)) - run["started_at"]).total_seconds()
    left = f" · ~{elapsed / frac - elapsed:.0f} s restantes" if status == "running" and 0 < frac < 1 else ""
    st.progress(frac, text=f"{finished}/{total} textes · {run['tokens']:,} tokens · {run['cost']:.4f} USD{left}")
    st.caption(" · ".join(f"{n} {STATE_FR.get(k, k)}" for k, n in sorted(counts.items())))
    if run["message"]:
        st.caption(run["message"])

