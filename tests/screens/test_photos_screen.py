"""The "Photothèque" page (AppTest): the grid with its filters, a photo's sheet (rights, where used, what the file
says), viewers read only, editors edit (a past end date refused and said, nothing saved), only approvers mark alt
texts as reviewed; an upload through the page's import goes to the library (duplicates said)."""
from __future__ import annotations

import pytest

from pipeline.photos.library import PhotoLibrary
from pipeline.store.database import DraftStore
from screens.photos import import_uploads
from tests.conftest import TODAY, nav_pages, open_page, start
from tests.photos.images import write_photo

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def library(indexed, people, tmp_path_factory):
    lib = PhotoLibrary(indexed.data_dir, DraftStore.for_data_dir(indexed.data_dir), TODAY)
    src = tmp_path_factory.mktemp("photos-in")
    made = {}
    for n, (name, meta) in enumerate((("port", {"licence": "CC-BY-4.0", "filieres": "maritime", "tags": "port",
                                                 "alt_fr": "Le Vieux-Port au matin", "title": "Vieux-Port"}),
                                      ("usine", {"filieres": "industrie", "title": "Usine"}))):
        p = lib.import_file(write_photo(src / f"{name}.jpg", 80 + n, (1600, 1200)), "editor1").photo
        made[name] = lib.update(p.id, meta, people["editor"])
    return lib, made


def titles(at) -> list[str]:
    """The photo titles the grid shows (bold lines, Markdown escapes removed)."""
    return [m.replace("\\", "").strip("*") for m in at.markdown.values if m.startswith("**") and m.endswith("**")]


def sheet(at, pid):
    at.button(key=f"photo_open_{pid}").click().run()
    assert not at.exception
    return at


def test_viewer_sees_the_grid_filters_and_a_sheet_but_cannot_edit_or_review(indexed, monkeypatch, people, library):
    lib, made = library
    at = start(indexed, monkeypatch, people["viewer"])
    assert "Photothèque" in nav_pages(at)
    at = open_page(at, "Photothèque")
    assert not at.exception and at.header[0].value == "Photothèque"
    assert not [e for e in at.expander if e.label == "Importer des photos"]  # no upload for a viewer
    assert titles(at) == ["Vieux-Port", "Usine"]
    at.selectbox(key="photo_filiere").select("maritime").run()
    assert titles(at) == ["Vieux-Port"]
    at.selectbox(key="photo_filiere").select("(toutes)").run()
    at.selectbox(key="photo_rights").select("incomplete").run()  # the factory has no licence
    assert titles(at) == ["Usine"]
    at.selectbox(key="photo_rights").select("(toutes)").run()
    at.checkbox(key="photo_no_alt").check().run()
    assert titles(at) == ["Vieux-Port", "Usine"]  # no alt text reviewed yet
    at = sheet(at, made["port"].id)
    assert at.subheader[0].value.replace("\\", "") == "Vieux-Port" and not at.text_input
    assert any("droits valides" in s.value for s in at.success)
    captions = " ".join(c.value for c in at.caption)
    assert "Aucun texte ne l'utilise." in captions and "coordonnées GPS" in captions and "Jeanne Martin" in captions
    assert not [b for b in at.button if b.key and b.key.startswith("photo_review_")]


def test_editor_edits_and_a_past_date_is_refused_with_nothing_saved(indexed, monkeypatch, people, library):
    lib, made = library
    pid = made["usine"].id
    at = sheet(open_page(start(indexed, monkeypatch, people["editor"]), "Photothèque"), pid)
    assert [e for e in at.expander if e.label == "Importer des photos"]
    at.text_input(key=f"photo_{pid}_credit").input("© Airbus Helicopters")
    at.selectbox(key=f"photo_{pid}_licence").select("CC-BY-4.0")
    at.text_area(key=f"photo_{pid}_alt_en").input("Assembly line of a helicopter factory")
    at.button[[b.label for b in at.button].index("Enregistrer")].click().run()
    assert not at.exception and any("Fiche enregistrée." in s.value for s in at.success)
    saved = lib.get(pid)
    assert saved.get("credit") == "© Airbus Helicopters" and saved.get("licence") == "CC-BY-4.0"
    assert saved.get("alt_en") == "Assembly line of a helicopter factory" and not saved.reviewed("alt_en")
    at.date_input(key=f"photo_{pid}_rights_end").set_value(TODAY.replace(year=TODAY.year - 1))
    at.button[[b.label for b in at.button].index("Enregistrer")].click().run()
    assert any("rights_end" in e.value for e in at.error)
    assert lib.get(pid).get("rights_end") is None  # nothing saved
    assert not [b for b in at.button if b.key and b.key.startswith("photo_review_")]  # an editor does not review


def test_approver_marks_an_alt_text_reviewed(indexed, monkeypatch, people, library):
    lib, made = library
    pid = made["port"].id
    at = sheet(open_page(start(indexed, monkeypatch, people["approver"]), "Photothèque"), pid)
    at.button(key=f"photo_review_{pid}_alt_fr").click().run()
    assert not at.exception and lib.get(pid).reviewed("alt_fr")
    assert any("relu par approver1" in c.value for c in at.caption)
    entry = lib.store.audit_log(5)[0]
    assert entry["actor"] == "approver1" and entry["action"] == "photo_review"


def test_upload_imports_and_says_duplicates(indexed, people, library, tmp_path):
    lib, made = library
    data = write_photo(tmp_path / "neuve.jpg", 95, (1200, 900)).read_bytes()
    report = import_uploads(lib, [("neuve.jpg", data), ("../../etc/copie.jpg", data)], people["editor"])
    assert [d.file for d in report.of("imported")] == ["copie.jpg"] or [d.file for d in report.of("imported")] == [
        "neuve.jpg"]
    assert len(report.of("duplicate")) == 1  # the same bytes twice: kept once
    assert lib.get(report.of("imported")[0].photo.id).imported_by == "editor1"


def test_the_review_screen_shows_the_drafts_photos(indexed, monkeypatch, people, library):
    from pipeline.photos.pick import DraftPhoto
    from pipeline.store.record import DraftRecord
    lib, made = library
    port = lib.get(made["port"].id)
    rec = lib.store.add(DraftRecord(
        page_id="site-maritime-investors", lang="fr", title="Le port", text="# Le port\n\nUn texte.\n", facts=[],
        prompt_name="page", prompt_hash="x", backend="fake", model="m", params={}, tokens_in=0, tokens_out=0,
        tokens_estimated=0, cost_estimate=0.0, timings={},
        check_report={"sentences": [], "flagged": [], "photos": [
            DraftPhoto(port.id, port.sha256, "not-the-sheet", "", "caption of photo left out").to_json()]}))
    at = start(indexed, monkeypatch, people["viewer"], draft_id=rec.id)
    assert not at.exception and "Photos" in [s.value for s in at.subheader]
    assert any("Le Vieux-Port au matin" in c.value.replace("\\", "") for c in at.caption)
    warnings = " ".join(w.value for w in at.warning)
    assert "Légende écartée" in warnings and "a changé depuis la rédaction" in warnings


def test_the_queue_marks_a_draft_stale_when_its_photo_changed(indexed, monkeypatch, people, library, tmp_path):
    """The queue tells what `status` and `regenerate` tell, in French: a photo whose sheet changed since the draft,
    or whose rights are incomplete, makes its draft stale; the library is read again at the next rerun."""
    from pipeline.store.record import DraftRecord
    lib, made = library
    port = lib.get(made["port"].id)
    usine = lib.import_file(write_photo(tmp_path / "sans-licence.jpg", 97, (1600, 1200)), "editor1").photo  # no licence
    for page, photo in (("site-port-photo", port), ("site-usine-photo", usine)):
        lib.store.add(DraftRecord(
            page_id=page, lang="fr", title=page, text="# Photo\n\nUn texte.\n", facts=[], prompt_name="page",
            prompt_hash="x", backend="fake", model="m", tokens_in=0, tokens_out=0, tokens_estimated=0,
            params={"inputs": {"photos": [[photo.id, photo.sheet_hash]]}}, cost_estimate=0.0, timings={},
            check_report={"sentences": [], "flagged": []}))

    def reasons(at, page: str) -> str:
        return str(at.dataframe[0].value.set_index("page").loc[page]["périmé"])

    at = start(indexed, monkeypatch, people["viewer"])
    assert not at.exception and f"photo {port.id}" not in reasons(at, "site-port-photo")  # as drafted
    assert f"photo {usine.id} : droits incomplets" in reasons(at, "site-usine-photo")
    lib.update(port.id, {"title": "Vieux-Port, le matin"}, people["editor"])
    at.run()  # the same session, the next rerun
    assert (f"photo {port.id} : son fichier, sa fiche ou ses relectures ont changé depuis la rédaction"
            in reasons(at, "site-port-photo")), reasons(at, "site-port-photo")
