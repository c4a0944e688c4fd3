"""The photo library: stored once under the content hash, originals untouched, renditions without GPS but with the
author and copyright, duplicates and near copies reported, rights status, and every bad input refused with the file
named and the fix while the library stays as it was."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from PIL import Image

from pipeline.errors import ConflictError, ForbiddenError
from pipeline.photos.library import PhotoLibrary
from pipeline.photos.model import PhotoError, parse_value, rights
from pipeline.photos.probe import ARTIST, COPYRIGHT, GPS_IFD
from pipeline.review.desk import User
from pipeline.store.database import DraftStore
from tests.photos.images import scene, write_photo

TODAY = date(2026, 12, 2)
APPROVER = User(1, "ana", "approver", True)
EDITOR = User(2, "ed", "editor", True)


@pytest.fixture
def lib(tmp_path):
    return PhotoLibrary(tmp_path / "data", DraftStore.for_data_dir(tmp_path / "data"), TODAY)


def snapshot(lib) -> dict:
    """Every file of the library with its hash, and every row: what a refused import must leave as it was."""
    files = {str(p.relative_to(lib.root)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in lib.root.rglob("*") if p.is_file()} if lib.root.exists() else {}
    return {"files": files, "rows": [p.to_json() for p in lib.all()]}


def test_import_keeps_the_original_untouched_and_renditions_strip_gps_keep_credit(lib, tmp_path):
    src = write_photo(tmp_path / "in" / "calanques.jpg", 1, (3200, 2400))
    report = lib.import_folder(src.parent, "ed")
    [done] = report.of("imported")
    p = done.photo
    assert p.id.startswith("ph-") and (p.width, p.height) == (3200, 2400)
    assert lib.original(p).read_bytes() == src.read_bytes()  # byte for byte
    assert lib.original(p).name == f"{hashlib.sha256(src.read_bytes()).hexdigest()}.jpg"
    assert p.proposals["author"] == "Jeanne Martin" and p.proposals["rights_holder"] == "© Agence Provence"
    assert p.proposals["taken_on"] == "2025-06-14" and p.proposals["gps_in_file"] is True
    assert "gps" not in str({k: v for k, v in p.proposals.items() if k != "gps_in_file"}).lower()
    made = lib.renditions(p)
    assert sorted({(r.width, r.fmt) for r in made}) == [(w, f) for w in (400, 800, 1600) for f in ("jpg", "webp")]
    for r in made:
        with Image.open(r.path) as im:
            ex = im.getexif()
            assert im.size == (r.width, r.height)
            assert not ex.get_ifd(GPS_IFD) and GPS_IFD not in ex, r.path
            assert ex[ARTIST].encode("latin-1").decode() == "Jeanne Martin"
            assert ex[COPYRIGHT].encode("latin-1").decode() == "© Agence Provence"
            assert "xmp" not in im.info and set(ex) == {ARTIST, COPYRIGHT}
    again = lib.renditions(p)  # cached: the same files, not rewritten
    assert [r.path.stat().st_mtime_ns for r in again] == [r.path.stat().st_mtime_ns for r in made]


def test_same_file_is_stored_once_and_a_near_copy_is_reported_not_stored(lib, tmp_path):
    src = write_photo(tmp_path / "in" / "a.jpg", 2, (2000, 1500))
    first = lib.import_folder(src.parent, "ed").of("imported")[0].photo
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "copie.jpg").write_bytes(src.read_bytes())
    dup = lib.import_folder(tmp_path / "again", "ed")
    assert [d.existing for d in dup.of("duplicate")] == [first.id] and len(lib.all()) == 1
    with Image.open(src) as im:  # resized, re-encoded and cropped by 5 %
        w, h = im.size
        im.crop((int(w * .025), int(h * .025), int(w * .975), int(h * .975))).resize((900, 675)).save(
            tmp_path / "near.jpg", quality=60)
    near = lib.import_file(tmp_path / "near.jpg", "ed")
    assert near.status == "near" and near.existing == first.id and len(lib.all()) == 1
    kept = lib.import_file(tmp_path / "near.jpg", "ed", allow_near=True)  # the editor says so
    assert kept.status == "imported" and len(lib.all()) == 2
    other = write_photo(tmp_path / "other.jpg", 99, (2000, 1500))
    assert lib.import_file(other, "ed").status == "imported"  # a different photo is no near copy


def test_rights_status_from_usage_and_consent_end():
    from pipeline.photos.model import Photo
    base = Photo("ph-x", "0" * 64, "jpg", 10, 10, 1, "0" * 16, meta={"licence": "CC-BY-4.0"})
    assert rights(base, TODAY).state == "valid"
    assert rights(base.with_meta(rights_end="2026-12-20"), TODAY).state == "expiring"
    assert rights(base.with_meta(rights_end="2027-06-30"), TODAY).state == "valid"
    assert rights(base.with_meta(rights_end="2026-12-02"), TODAY).state == "expired"
    people = base.with_meta(people=True, consent_ref="MR-12", consent_end="2026-11-30", rights_end="2030-01-01")
    r = rights(people, TODAY)
    assert r.state == "expired" and r.ends == date(2026, 11, 30) and "consent" in r.reasons[0]
    assert rights(base.with_meta(people=True), TODAY).state == "incomplete"  # people, no release
    assert rights(base.with_meta(licence=""), TODAY).state == "incomplete"
    assert rights(base.with_meta(licence="all-rights-reserved"), TODAY).state == "incomplete"  # no terms


def test_edit_review_and_who_may(lib, tmp_path):
    p = lib.import_file(write_photo(tmp_path / "a.jpg", 3), "ed").photo
    viewer = User(3, "vi", "viewer", True)
    with pytest.raises(ForbiddenError):
        lib.update(p.id, {"alt_fr": "Les calanques"}, viewer)
    p = lib.update(p.id, {"alt_fr": "Les calanques au matin", "filieres": "tourisme; maritime"}, EDITOR)
    assert p.get("filieres") == ["maritime", "tourisme"] and not p.reviewed("alt_fr")
    with pytest.raises(ForbiddenError):
        lib.review(p.id, "alt_fr", EDITOR)
    with pytest.raises(ForbiddenError):
        lib.review(p.id, "alt_fr", "ana")  # a bare name is nobody signed in
    assert lib.review(p.id, "alt_fr", APPROVER).reviewed("alt_fr")
    changed = lib.update(p.id, {"alt_fr": "Autre texte"}, EDITOR)
    assert not changed.reviewed("alt_fr")  # the review was of the old text
    _, version = lib.records.get(p.id)
    with pytest.raises(ConflictError):
        lib.update(p.id, {"title": "x"}, EDITOR, expected_version=version - 1)
    accepted = lib.update(p.id, {}, EDITOR, accept_proposals=True)
    assert accepted.get("author") == "Jeanne Martin" and accepted.get("taken_on") == "2025-06-14"
    actions = [e["action"] for e in lib.store.audit_log()]
    assert actions.count("photo_edit") == 3 and "photo_review" in actions and "photo_import" in actions


def test_author_change_remakes_the_renditions(lib, tmp_path):
    p = lib.import_file(write_photo(tmp_path / "a.jpg", 4), "ed").photo
    p = lib.update(p.id, {"author": "Éric Durand"}, EDITOR)
    for r in lib.renditions(p):
        with Image.open(r.path) as im:
            assert im.getexif()[ARTIST].encode("latin-1").decode() == "Éric Durand"


def _bomb(path, size):
    Image.new("1", size).save(path)  # 1 bit per pixel: a small file that would decode huge
    return path


@pytest.mark.parametrize("make, words", [
    (lambda d: (d / "notes.jpg").write_text("not a photo") and d / "notes.jpg", "not an image"),
    (lambda d: d / "truncated.jpg", "truncated"),
    (lambda d: _bomb(d / "bomb.png", (20_000, 20_000)), "decompression bomb"),
    (lambda d: _bomb(d / "huge.png", (20_000, 10_000)), "decompression bomb"),  # 200 megapixels
    (lambda d: _bomb(d / "big.png", (12_000, 10_000)), "120 megapixels"),
    (lambda d: (d / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                                           '</svg>') and d / "logo.svg", "SVG"),
])
def test_bad_files_are_refused_naming_the_file_and_the_fix_and_nothing_changes(lib, tmp_path, make, words):
    kept = lib.import_file(write_photo(tmp_path / "keep.jpg", 5), "ed").photo
    lib.update(kept.id, {"alt_fr": "Une photo"}, EDITOR)
    before = snapshot(lib)
    bad = tmp_path / "bad"
    bad.mkdir()
    whole = write_photo(tmp_path / "whole.jpg", 6, (1600, 1200)).read_bytes()
    (bad / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    path = make(bad)
    with pytest.raises(PhotoError) as err:
        lib.import_file(path, "ed")
    assert path.name in err.value.message and words in err.value.message and err.value.fix
    report = lib.import_folder(bad, "ed")  # in a folder: refused and listed, the others go on
    assert [r.file for r in report.refused if r.file == path.name] == [path.name]
    assert snapshot(lib) == before


def test_csv_rows_missing_file_or_past_date_are_refused_the_rest_imported(lib, tmp_path):
    folder = tmp_path / "in"
    write_photo(folder / "port.jpg", 7)
    write_photo(folder / "vieux.jpg", 8)
    (folder / "meta.csv").write_text(
        "file,title,alt_fr,licence,rights_end,filieres,people,consent_ref,consent_end\n"
        "port.jpg,Le port,Le Vieux-Port au matin,CC-BY-4.0,2027-12-31,maritime,oui,MR-1,2027-06-30\n"
        f"vieux.jpg,Vieux,Une rue,CC-BY-4.0,{(TODAY - timedelta(days=3)).isoformat()},,,,\n"
        "absent.jpg,Absent,,CC-BY-4.0,,,,,\n", encoding="utf-8")
    report = lib.import_folder(folder, "ed", folder / "meta.csv", filieres={"maritime", "tourisme"})
    assert [d.file for d in report.of("imported")] == ["port.jpg"]
    why = {r.file: r for r in report.refused}
    assert set(why) == {"vieux.jpg", "absent.jpg"}
    assert "rights_end" in why["vieux.jpg"].message and "after today" in why["vieux.jpg"].message
    assert "absent.jpg is not in" in why["absent.jpg"].message and why["absent.jpg"].fix
    p = report.of("imported")[0].photo
    assert p.get("people") and p.get("consent_end") == "2027-06-30" and p.get("filieres") == ["maritime"]
    with pytest.raises(PhotoError, match="unknown column"):
        (folder / "bad.csv").write_text("file,gps\nport.jpg,1\n", encoding="utf-8")
        lib.import_folder(folder, "ed", folder / "bad.csv")


def test_values_are_checked():
    assert parse_value("licence", "cc-by-4.0") == "CC-BY-4.0"
    for name, raw in (("licence", "GPL-9"), ("people", "maybe"), ("taken_on", "14/06/2025"), ("gps", "1")):
        with pytest.raises(PhotoError) as err:
            parse_value(name, raw)
        assert err.value.fix
    with pytest.raises(PhotoError, match="after today"):
        parse_value("consent_end", "2020-01-01", TODAY)


def test_png_with_transparency_webp_and_heic_are_taken(lib, tmp_path):
    rgba = scene(10, (800, 600)).convert("RGBA")
    rgba.putalpha(128)
    rgba.save(tmp_path / "logo.png")
    scene(11, (800, 600)).save(tmp_path / "a.webp")
    pytest.importorskip("pillow_heif")
    scene(12, (800, 600)).save(tmp_path / "b.heic")
    for name in ("logo.png", "a.webp", "b.heic"):
        done = lib.import_file(tmp_path / name, "ed")
        assert done.status == "imported", name
        assert all(r.path.exists() for r in lib.renditions(done.photo))


def test_a_photo_taken_on_its_side_is_stored_and_rendered_upright(lib, tmp_path):
    from pipeline.photos.probe import ORIENTATION
    e = Image.Exif()
    e[ORIENTATION] = 6  # the camera was turned: the pixels are stored landscape, shown portrait
    scene(13, (2000, 1500)).save(tmp_path / "turned.jpg", quality=85, exif=e.tobytes())
    p = lib.import_file(tmp_path / "turned.jpg", "ed").photo
    assert (p.width, p.height) == (1500, 2000)
    made = lib.renditions(p)
    assert {(r.width, r.height) for r in made} == {(400, 533), (800, 1067), (1500, 2000)}
    for r in made:
        with Image.open(r.path) as im:
            assert im.size == (r.width, r.height) and ORIENTATION not in im.getexif()


def test_a_truncated_photo_is_refused_even_after_weasyprint_is_imported(lib, tmp_path):
    """WeasyPrint switches Pillow to accept truncated images when it is imported (publish, in the same process)."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # what WeasyPrint did
    whole = write_photo(tmp_path / "whole.jpg", 7, (1600, 1200)).read_bytes()
    (tmp_path / "half.jpg").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(PhotoError) as err:
        lib.import_file(tmp_path / "half.jpg", "ed")
    assert "half.jpg" in err.value.message and "truncated" in err.value.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as WeasyPrint wants it for its own images
