"""Photos in drafts: a catalogue item names or asks for photos; drafting takes only those whose rights hold and whose
alt text is reviewed in the draft's language, checks each caption like any text (a figure needs a fact), records
the photos in the draft's inputs, and a change to a photo makes the draft stale."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.corpus.catalogue import PhotoRequest, find_page, load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.draft.staleness import StalenessJudge
from pipeline.errors import CorpusError
from pipeline.photos.library import PhotoLibrary
from pipeline.review.desk import User
from pipeline.store.database import DraftStore
from pipeline.wiring import photo_picker
from tests.conftest import TODAY, FakeChatModel, edit_item
from tests.draft.test_compose import make_drafter, specs_of
from tests.photos.images import write_photo

ED, ANA = User(1, "ed", "editor", True), User(2, "ana", "approver", True)


@pytest.fixture
def library(settings):
    store = DraftStore.for_data_dir(settings.data_dir)
    lib = PhotoLibrary(settings.data_dir, store, TODAY)
    made = {}
    for n, name in enumerate(("ready", "unreviewed", "expired", "tourism")):
        p = lib.import_file(write_photo(settings.data_dir.parent / "in" / f"{name}.jpg", 40 + n), "ed").photo
        p = lib.update(p.id, {"licence": "CC-BY-4.0", "credit": "© Ville de Marseille",
                              "filieres": "tourisme" if name == "tourism" else "maritime",
                              "alt_fr": f"Photo {name}", "alt_en": f"Photo {name}",
                              "caption_fr": "Le port accueille 95 millions de passagers.",
                              "caption_en": "The Old Port at dawn."}, ED)
        if name != "unreviewed":
            for f in ("alt_fr", "alt_en", "caption_en"):
                p = lib.review(p.id, f, ANA)
        made[name] = p
    p, v = lib.records.get(made["expired"].id)  # rights that ended before today (an import refuses such a date)
    from pipeline.store.review import AuditEntry
    lib.records.save(p.with_meta(rights_end="2026-11-01"), v, AuditEntry("test", "photo_edit"))
    return lib, made


def drafter_for(settings, lib):
    d = make_drafter(settings, FakeChatModel())
    d.photos = photo_picker(settings, lib.store)
    return d


def test_drafting_takes_usable_photos_checks_captions_and_records_them(settings, library):
    lib, made = library
    spec = replace(find_page(specs_of(settings), "site-maritime-investors"),
                   photos=PhotoRequest(filiere="maritime", count=3))
    d = drafter_for(settings, lib)
    fr = d.draft(spec, "fr")
    [photo] = fr.check_report["photos"]  # the unreviewed one and the expired one are left out
    assert photo["id"] == made["ready"].id and photo["sha256"] == made["ready"].sha256
    assert photo["caption"] == "" and "95 millions" in photo["caption_note"]  # a figure no fact backs
    assert any("caption of photo" in n for n in fr.check_report["notes"])
    assert any("1 of the 3 asked for" in n for n in fr.check_report["notes"])
    assert fr.params["inputs"]["photos"] == [[made["ready"].id, made["ready"].sheet_hash]]
    en = d.draft(spec, "en")
    assert en.check_report["photos"][0]["caption"] == "The Old Port at dawn."  # naming a place needs no fact
    named = replace(spec, photos=PhotoRequest(ids=(made["unreviewed"].id, made["ready"].id, "ph-nothere")))
    rec = d.draft(named, "en")
    assert [p["id"] for p in rec.check_report["photos"]] == [made["ready"].id]
    notes = " | ".join(rec.check_report["notes"])
    assert f"photo {made['unreviewed'].id} left out: no reviewed alt_en" in notes and "ph-nothere left out" in notes


def test_a_photo_change_makes_the_draft_stale_and_changes_its_inputs_key(settings, library):
    lib, made = library
    spec = replace(find_page(specs_of(settings), "site-maritime-investors"),
                   photos=PhotoRequest(ids=(made["ready"].id,)))
    d = drafter_for(settings, lib)
    rec = d.draft(spec, "fr")
    facts = dict(d.retriever.snap.facts)

    def judge():
        return StalenessJudge(facts, TODAY, photos={p.id: p for p in lib.all()})
    assert [r for r in judge().reasons(rec) if r.kind == "photo"] == []
    lib.update(made["ready"].id, {"alt_fr": "Le Vieux-Port au lever du jour"}, ED)
    [why] = [r for r in judge().reasons(rec) if r.kind == "photo"]
    assert why.item == made["ready"].id and "changed" in why.what
    assert drafter_for(settings, lib).plan(spec, "fr").inputs_key(d.model.settings, d.brand) != rec.inputs_key
    plain = find_page(specs_of(settings), "site-maritime-investors")  # an item without photos keeps its key
    assert "photos" not in d.plan(plain, "fr").inputs(d.model.settings, d.brand)


def test_catalogue_photos_are_read_and_checked(settings):
    path = settings.corpus_dir / "pages.yaml"
    edit_item(path, "site-maritime-investors", "  kind: page\n",
              "  kind: page\n  photos: {filiere: maritime, tags: [port], count: 2}\n")
    spec = find_page(load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)), "site-maritime-investors")
    assert spec.photos == PhotoRequest(filiere="maritime", tags=("port",), count=2)
    assert spec.to_json()["photos"] == {"filiere": "maritime", "tags": ["port"], "count": 2}
    edit_item(path, "site-maritime-investors", "{filiere: maritime, tags: [port], count: 2}", "{filiere: lune}")
    with pytest.raises(CorpusError, match="photos filière 'lune' is unknown"):
        load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    edit_item(path, "site-maritime-investors", "{filiere: lune}", "[ph-aaa, ph-bbb]")
    spec = find_page(load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir)), "site-maritime-investors")
    assert spec.photos.ids == ("ph-aaa", "ph-bbb")
