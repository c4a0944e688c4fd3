"""Shared data of the publish tests: a drafts database with pages in every state, approved through the real review
desk, and helpers to publish it and read what was written."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.corpus.catalogue import load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.publish.site import publish
from pipeline.retrieve.fact_base import current_facts
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from tests.conftest import TODAY

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
TERR_V1 = "# Aix-Marseille-Provence\n\n## Le port\n\nVersion un : le port a traité 70,5 Mt [MAR-001].\n"
TERR_V2 = ("# Aix-Marseille-Provence\n\n## Le port\n\nLe port a traité **70,5 millions de tonnes** en 2024 "
           "[MAR-001].\n\n- Plus de 200 métiers à Marignane [AER-002]\n- Un territoire *ouvert*\n")
TERR_V3 = "# Aix-Marseille-Provence\n\nBROUILLON v3 pas encore approuvé [MAR-001].\n"
ARG_FR = "# Argumentaire\n\n## Industrie\n\nMarignane réunit **plus de 200 métiers** [AER-002].\n"
ARG_EN = "# Investment case\n\n## Industry\n\nMarignane brings together *over 200 trades* [AER-002].\n"
KIT_EN = "# Living and working in Provence\n\nThe port handled 70.5 Mt in 2024 [MAR-001].\n"
SOCIAL = "<script>alert('x')</script> One Provence turns 5 [AGE-001] & more <b>soon</b>!\n"


def _rec(page: str, lang: str, text: str, facts: dict) -> DraftRecord:
    cited = [{"id": i, "content_hash": facts[i].content_hash, "value": facts[i].value}
             for i in ("MAR-001", "AER-002", "AGE-001") if f"{i}]" in text or f"[{i}" in text]
    return DraftRecord(page_id=page, lang=lang, title=f"Titre {page} {lang}", text=text, facts=cited,
                       prompt_name="page", prompt_hash="ph", backend="fake", model="m", params={}, tokens_in=1,
                       tokens_out=1, tokens_estimated=2, cost_estimate=0.0, timings={"total_s": 0.1},
                       check_report={"sentences": [], "flagged": []})


@pytest.fixture
def studio(settings, monkeypatch):
    """A drafts database with pages in every state, approved through the real review desk."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    facts = {f.id: f for f in current_facts(settings)}
    store = DraftStore.for_data_dir(settings.data_dir)
    desk = ReviewDesk(store)
    editor = desk.add_user("eddie", "editor", "correct horse battery")[0]
    approver = desk.add_user("anna", "approver", "correct horse battery")[0]

    def approved(page, lang, text):
        r = store.add(_rec(page, lang, text, facts))
        desk.approve(approver, r.id, r.version)
        return r

    v1 = approved("site-territoire", "fr", TERR_V1)
    v2 = desk.edit(editor, v1.id, 1, TERR_V2)
    desk.approve(approver, v2.id, v2.version)
    desk.edit(editor, v2.id, 2, TERR_V3)                           # in review, newer than the approved one
    store.add(_rec("site-territoire", "en", "DRAFT ONLY EN [MAR-001].\n", facts))
    rej = store.add(_rec("site-maritime-investors", "fr", "REJECTED TEXT [MAR-001].\n", facts))
    desk.reject(editor, rej.id, 1, "hors sujet")
    ids = {"terr_v1": v1.id, "terr_v2": v2.id,
           "arg_fr": approved("argumentaire-territoire", "fr", ARG_FR).id,
           "arg_en": approved("argumentaire-territoire", "en", ARG_EN).id,
           "kit_en": approved("marque-employeur-vivre-travailler", "en", KIT_EN).id,
           "social": approved("social-energie-1", "en", SOCIAL).id}
    return settings, store, ids


def run(settings, store, out: Path):
    specs = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    return publish(out, store, current_facts(settings), specs, TODAY, now=NOW,
                   filieres=load_filieres(settings.corpus_dir))


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file() and p.suffix not in BINARY)


BINARY = (".docx", ".pdf", ".odt", ".zip", ".jpg", ".jpeg", ".png", ".webp")  # documents, the kit, photos


def docx_text(path: Path) -> list[tuple[str, str]]:
    from docx import Document
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]
