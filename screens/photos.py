"""The photo library page ("Photothèque"): the grid of thumbnails, a photo's sheet, the upload, a draft's photos.

The grid has filters (filière, tag, rights status, alt text missing); the sheet shows the metadata, what its file
says, the rights status and where the photo is used.

Viewers see; editors upload and edit; only approvers mark alt texts and captions as reviewed (the library's rules,
pipeline/photos/library.py, refuse anyone else whatever this page shows)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from pipeline.errors import StudioError
from pipeline.photos.library import PhotoLibrary
from pipeline.photos.model import ALL_RIGHTS, LICENCE_URLS, REVIEWED, TEXT_FIELDS, rights
from screens.common import plain, show_error
from screens.i18n import date, date_input_format, t
from screens.state import Studio

ANY = "(toutes)"
STATES = ("valid", "expiring", "expired", "incomplete")
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "heic", "heif"]  # never svg: the library refuses it anyway
PER_ROW = 4
LONG = ("caption_fr", "caption_en", "alt_fr", "alt_en", "licence_terms")


def page(s: Studio) -> None:
    lib = PhotoLibrary(s.settings.data_dir, s.desk.store, s.settings.today())
    st.header(t("photos.header"))
    st.caption(t("photos.caption"))
    if s.user.can("editor"):
        upload(lib, s.user, set(s.fact_base.filieres.items))
    try:
        photos = lib.all()
        used = lib.usage()
    except StudioError as exc:
        show_error(exc)
        return
    chosen = st.session_state.get("photo_open")
    if chosen and any(p.id == chosen for p in photos):
        sheet(lib, s, chosen, used.get(chosen, []))
        if st.button(t("photos.back"), key="photo_back"):
            st.session_state.pop("photo_open", None)
            st.rerun()
        return
    grid(lib, filtered(lib, photos, s), used)


def filtered(lib: PhotoLibrary, photos: list, s: Studio) -> list:
    labels = s.fact_base.filieres
    fils = {ANY: t("any.feminine")} | {f: labels.label(f) for f in labels.items}
    tags = {ANY: t("any.masculine")} | {g: g for g in sorted({g for p in photos for g in p.get("tags")})}
    states = {ANY: t("any.masculine")} | {k: t(f"photos.rights.{k}") for k in STATES}
    c1, c2, c3, c4 = st.columns(4)
    fil = c1.selectbox(t("label.filiere"), list(fils), key="photo_filiere", format_func=fils.get)
    tag = c2.selectbox(t("photos.tag"), list(tags), key="photo_tag", format_func=tags.get)
    state = c3.selectbox(t("photos.rights_filter"), list(states), key="photo_rights", format_func=states.get)
    no_alt = c4.checkbox(t("photos.missing_alt"), key="photo_no_alt")
    return [p for p in photos
            if (fil == ANY or fil in p.get("filieres")) and (tag == ANY or tag in p.get("tags"))
            and (state == ANY or rights(p, lib.today).state == state)
            and (not no_alt or not all(p.reviewed(f"alt_{lang}") for lang in ("fr", "en")))]


def grid(lib: PhotoLibrary, photos: list, used: dict) -> None:
    if not photos:
        st.info(t("photos.none"))
        return
    st.write(t("photos.count", n=len(photos)))
    for start in range(0, len(photos), PER_ROW):
        for col, p in zip(st.columns(PER_ROW), photos[start:start + PER_ROW]):
            with col.container(border=True):
                thumb = next((r for r in lib.renditions(p) if r.fmt == "jpg"), None)
                if thumb:
                    st.image(str(thumb.path), width="stretch", alt=_alt(p))
                st.markdown(f"**{plain(p.get('title') or p.original_name)}**")
                st.caption(rights_line(p, lib) + " · " + t("photos.used_n", n=len(used.get(p.id, []))))
                missing = [lang for lang in ("fr", "en") if not p.reviewed(f"alt_{lang}")]
                if missing:
                    st.caption(t("photos.alt_missing", langs=", ".join(missing)))
                if st.button(t("photos.open"), key=f"photo_open_{p.id}"):
                    st.session_state.photo_open = p.id
                    st.rerun()


def _day(raw: str) -> str:
    """A date the file gave, as the interface writes dates (as it is when it is no date)."""
    try:
        return date(raw)
    except ValueError:
        return plain(raw)


def _alt(p) -> str:
    """The photo's alt text in the interface language (the other's, or its file name, until it is written)."""
    from screens.i18n import lang
    return p.alt(lang()) or p.alt("fr") or p.alt("en") or p.original_name


def rights_line(p, lib: PhotoLibrary) -> str:
    r = rights(p, lib.today)
    word = t(f"photos.rights.{r.state}")
    return t("photos.rights_until", state=word, date=date(r.ends)) if r.ends else word


def sheet(lib: PhotoLibrary, s: Studio, pid: str, uses: list[dict]) -> None:
    photo, version = lib.records.get(pid)
    st.subheader(plain(photo.get("title") or photo.original_name))
    big = [r for r in lib.renditions(photo) if r.fmt == "jpg"]
    left, right = st.columns([3, 2])
    with left:
        if big:
            st.image(str(big[min(1, len(big) - 1)].path), width="stretch", alt=_alt(photo))
        st.caption(t("photos.file", w=photo.width, h=photo.height, name=photo.original_name, id=photo.id))
    with right:
        r = rights(photo, lib.today)
        shown = st.success if r.state == "valid" else st.warning if r.state == "expiring" else st.error
        shown(rights_line(photo, lib))
        if r.state == "incomplete":
            st.caption(t("photos.incomplete_help"))
        st.markdown(f"**{t('photos.used_in')}**")
        if not uses:
            st.caption(t("photos.unused"))
        for u in uses:
            st.caption(t("photos.use", page=u["page_id"], lang=u["lang"], version=u["version"]))
        if photo.proposals:
            st.markdown(f"**{t('photos.proposals')}**")
            for k, v in photo.proposals.items():
                if k != "gps_in_file":
                    shown = _day(v) if k == "taken_on" else plain(str(v))
                    st.caption(t("photos.pair", k=t(f"photos.field.{k}"), v=shown))
            if photo.proposals.get("gps_in_file"):
                st.caption(t("photos.gps_note"))
    if s.user.can("editor"):
        edit_form(lib, s, photo, version)
    else:
        for name in TEXT_FIELDS + ("rights_end", "consent_end", "taken_on", "filieres", "tags"):
            value = photo.get(name)
            if value:
                shown = ", ".join(value) if isinstance(value, list) else date(value) if name.endswith(
                    ("_end", "_on")) else value
                st.markdown(t("photos.pair", k=f"**{t(f'photos.field.{name}')}**", v=plain(str(shown))))
    reviews(lib, s, photo)


def edit_form(lib: PhotoLibrary, s: Studio, photo, version: int) -> None:
    labels = s.fact_base.filieres
    licences = ["", *LICENCE_URLS, ALL_RIGHTS] + ([photo.get("licence")] if photo.get("licence").startswith(
        "LicenseRef-") else [])
    with st.form(f"photo_form_{photo.id}"):
        values: dict[str, str] = {}
        c1, c2 = st.columns(2)
        for n, name in enumerate(TEXT_FIELDS):
            col = c1 if n % 2 == 0 else c2
            key = f"photo_{photo.id}_{name}"
            if name == "licence":
                values[name] = col.selectbox(t("photos.field.licence"), licences, key=key,
                                             index=licences.index(photo.get("licence")))
            elif name in LONG:
                values[name] = col.text_area(t(f"photos.field.{name}"), photo.get(name), key=key, height=80)
            else:
                values[name] = col.text_input(t(f"photos.field.{name}"), photo.get(name), key=key)
        for n, name in enumerate(("rights_end", "consent_end", "taken_on")):
            day = (c1, c2, c1)[n].date_input(t(f"photos.field.{name}"), photo.day(name), key=f"photo_{photo.id}_{name}",
                                             format=date_input_format())
            values[name] = day.isoformat() if day else ""
        values["people"] = "yes" if c2.checkbox(t("photos.field.people"), photo.get("people"),
                                                key=f"photo_{photo.id}_people") else "no"
        fils = c1.multiselect(t("photos.field.filieres"), list(labels.items), default=[
            f for f in photo.get("filieres") if f in labels.items], format_func=labels.label,
            key=f"photo_{photo.id}_filieres")
        values["filieres"] = "; ".join(fils)
        values["tags"] = c2.text_input(t("photos.field.tags"), "; ".join(photo.get("tags")),
                                       key=f"photo_{photo.id}_tags")
        accept = st.checkbox(t("photos.accept"), key=f"photo_{photo.id}_accept")
        if st.form_submit_button(t("photos.save")):
            changed = {k: v for k, v in values.items() if _text(photo, k) != v}
            try:
                lib.update(photo.id, changed, s.user, expected_version=version, accept_proposals=accept)
            except StudioError as exc:
                show_error(exc)
                return
            st.session_state.photo_saved = photo.id
            st.rerun()
    if st.session_state.pop("photo_saved", None) == photo.id:
        st.success(t("photos.saved"))


def _text(photo, name: str) -> str:
    """A field's stored value as the form writes it."""
    v = photo.get(name)
    if isinstance(v, list):
        return "; ".join(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v or ""


def reviews(lib: PhotoLibrary, s: Studio, photo) -> None:
    st.markdown(f"**{t('photos.reviews')}**")
    for name in REVIEWED:
        text = photo.get(name)
        if not text:
            st.caption(t("photos.review_empty", field=t(f"photos.field.{name}")))
            continue
        if photo.reviewed(name):
            by = photo.reviews[name]
            st.caption(t("photos.review_done", field=t(f"photos.field.{name}"), by=by["by"], date=date(by["at"])))
            continue
        st.caption(t("photos.review_todo", field=t(f"photos.field.{name}")) + " — " + plain(text))
        if s.user.can("approver") and st.button(t("photos.review", field=t(f"photos.field.{name}")),
                                                key=f"photo_review_{photo.id}_{name}"):
            try:
                lib.review(photo.id, name, s.user)
            except StudioError as exc:
                show_error(exc)
                return
            st.rerun()


def upload(lib: PhotoLibrary, user, filieres: set[str]) -> None:
    with st.expander(t("photos.upload")):
        files = st.file_uploader(t("photos.upload_files"), type=UPLOAD_TYPES, accept_multiple_files=True,
                                 key="photo_upload")
        allow = st.checkbox(t("photos.allow_near"), key="photo_allow_near")
        if st.button(t("photos.import"), key="photo_import") and files:
            show_import(import_uploads(lib, [(f.name, f.getvalue()) for f in files], user, allow))


def import_uploads(lib: PhotoLibrary, files: list[tuple[str, bytes]], user, allow_near: bool = False):
    """Import uploaded files (name, bytes) through a private folder; the library's report."""
    with tempfile.TemporaryDirectory(prefix="studio-upload-") as tmp:
        for name, data in files:
            (Path(tmp) / Path(name).name).write_bytes(data)
        return lib.import_folder(Path(tmp), user, allow_near=allow_near)


def show_import(report) -> None:
    for d in report.of("imported"):
        st.success(t("photos.imported", file=d.file, id=d.photo.id))
    for d in report.of("duplicate"):
        st.info(t("photos.duplicate", file=d.file, id=d.existing))
    for d in report.of("near"):
        st.warning(t("photos.near", file=d.file, id=d.existing))
    for r in report.refused:
        show_error(StudioError(r.message, fix=r.fix))


def draft_photos(store, rec) -> None:
    """The photos a draft recorded, beside it on the review screen: each with its alt text and caption in the
    draft's language as drafted, and whether it can be published today (rights, reviewed alt text)."""
    recorded = (rec.check_report or {}).get("photos") or []
    if not recorded:
        return
    from pipeline.config import load_settings
    settings = load_settings()
    lib = PhotoLibrary(settings.data_dir, store, settings.today())
    st.subheader(t("photos.in_draft"))
    for entry in recorded:
        got = lib.records.get(entry["id"])
        with st.container(border=True):
            if got is None:
                st.error(t("photos.gone", id=entry["id"]))
                continue
            p = got[0]
            thumb = next((r for r in lib.renditions(p) if r.fmt == "jpg"), None)
            if thumb:
                st.image(str(thumb.path), width="stretch", alt=p.alt(rec.lang) or p.original_name)
            st.caption(t("photos.pair", k=t(f"photos.field.alt_{rec.lang}"), v=plain(p.alt(rec.lang))))
            if entry.get("caption"):
                st.caption(t("photos.pair", k=t(f"photos.field.caption_{rec.lang}"), v=plain(entry["caption"])))
            if entry.get("caption_note"):
                st.warning(t("photos.caption_dropped"))
            if p.sheet_hash != entry.get("sheet"):
                st.warning(t("photos.changed"))
            r = rights(p, lib.today)
            if not r.usable or not p.reviewed(f"alt_{rec.lang}"):
                st.error(t("photos.not_publishable", rights=rights_line(p, lib)))
            else:
                st.caption(rights_line(p, lib))
