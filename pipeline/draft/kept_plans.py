"""The plans a regeneration run keeps for its workers: a Plan as JSON in regen_items.plan, and rebuilt from it.

The run's process plans every item once (retrieval needs the index); a worker rebuilds each plan on its own fact
base and computes the item's inputs key from it, so a worker whose facts, prompt, brand voice or model differ from
the run's sees another key and leaves the item to others (draft/workers.py)."""
from __future__ import annotations

from pipeline.draft.drafter import Plan, PlannedSection
from pipeline.draft.regenerate import Item, Regenerator, _warm
from pipeline.errors import StudioError
from pipeline.types import RetrievedFact


def plan_to_json(plan: Plan) -> dict:
    """What a worker needs to draft an item as the run planned it: each section's place in the catalogue entry, its
    facts (ids and retrieval scores), the prompt's text as given, and the plan's notes."""
    return {"prompt_hash": plan.prompt.content_hash, "notes": list(plan.notes), "omitted": list(plan.omitted),
            "sections": [{"index": next(n for n, sec in enumerate(plan.spec.sections) if sec is ps.section),
                          "system": ps.system, "user": ps.user, "max_tokens": ps.max_tokens,
                          "facts": [{"id": h.fact.id, "score": h.score, "dense": h.dense_score,
                                     "lexical": h.lexical_score, "conflicts": list(h.conflicts),
                                     "superseded_by": list(h.superseded_by), "stale": h.stale} for h in ps.facts]}
                         for ps in plan.sections]}


def plan_from_json(data: dict, spec, lang: str, drafter) -> Plan:
    """The run's plan rebuilt on this machine's fact base and prompt; KeyError when a fact it names is not here (the
    item's inputs key then tells any other difference: the facts' content, the prompt, the brand voice, the model)."""
    from pipeline.llm.prompts import load_prompt
    facts = drafter.retriever.snap.facts
    sections = [PlannedSection(spec.sections[sec["index"]],
                               [RetrievedFact(facts[f["id"]], f["score"], f["dense"], f["lexical"],
                                              tuple(f["conflicts"]), tuple(f["superseded_by"]), f["stale"])
                                for f in sec["facts"]], sec["system"], sec["user"], sec["max_tokens"])
                for sec in data["sections"]]
    return Plan(spec, lang, load_prompt(spec.prompt), sections, list(data["notes"]), list(data["omitted"]))


def load_plans(regen: Regenerator, specs, rows: list[dict]) -> list[Item]:
    """The run's open items with their plans rebuilt here and their inputs keys computed here (the index open only
    for this, as the run's own planning does); an item this machine cannot rebuild is action 'fail'."""
    from pipeline.index.chroma import read_stamp
    known = {s.id: s for s in specs}
    items = []
    regen._stamp = read_stamp(regen.settings)
    with regen.drafter_factory() as drafter:
        regen.drafter = drafter
        for r in rows:
            if r["page_id"] not in known:
                continue
            item = Item(known[r["page_id"]], r["lang"])
            try:
                item.plan = plan_from_json(r["plan"], item.spec, item.lang, drafter) if r["plan"] else \
                    drafter.plan(item.spec, item.lang)
                item.key = item.plan.inputs_key(drafter.model.settings, drafter.brand)
            except (KeyError, IndexError, StudioError) as exc:
                item.action, item.why = "fail", f"cannot be planned here: {exc}"
            items.append(item)
    if any(i.action == "draft" for i in items):
        _warm(drafter.model)
    return items
