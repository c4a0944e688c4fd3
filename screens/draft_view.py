"""The draft view ("Relecture", one draft): its flagged sentences marked beside the facts it cites, then the actions."""
from __future__ import annotations

import streamlit as st

from pipeline.config import load_settings
from pipeline.corpus.networks import load_networks
from pipeline.draft.variants import parse as parse_variants
from pipeline.errors import ConflictError, StudioError
from pipeline.review.desk import MAX_COMMENT, MAX_TEXT, ReviewDesk
from pipeline.verify.checker import cited_ids
from screens.common import link, plain, show_error, status_label
from screens.draft_render import STYLE, edit_warnings, review_html, word_diff_html
from screens.i18n import date, datetime, number, t, translate
from screens.photos import draft_photos

# Renders only; every action (edit, diff, comment, decide) goes through pipeline.review.ReviewDesk, which enforces
# roles and versions. Everything a person or the corpus wrote is shown as text: escaped before any rendering.


def draft_view(desk: ReviewDesk, user, snap) -> None:
    """One draft: the text with its flagged sentences marked, the facts it cites beside it, then the actions."""
    rec = desk.store.get(st.session_state.draft_id)
    if st.button(t("draft.back"), key="back"):
        st.session_state.pop("draft_id")
        st.query_params.pop("draft", None)
        st.rerun()
    if rec is None:
        st.error(t("draft.missing", id=st.session_state.draft_id))
        return
    st.query_params["draft"] = str(rec.id)  # the draft's own address: a link to it can be shared
    st.header(t("draft.header", title=rec.title, lang=rec.lang, version=rec.version, status=status_label(rec.status)))
    if "flash" in st.session_state:  # the outcome of the action that led here, shown once
        st.success(st.session_state.pop("flash"))
    if "conflict" in st.session_state:  # someone saved or decided first: this is their newer version
        message, unsaved = st.session_state.pop("conflict")
        st.warning(t("draft.conflict", message=translate(message)))
        if unsaved:
            with st.expander(t("draft.unsaved"), expanded=True):
                st.code(unsaved, language="markdown")
    for reason in snap.stale(rec):
        st.warning(t("draft.stale", reason=translate(reason)))
    st.markdown(STYLE, unsafe_allow_html=True)
    left, right = st.columns([3, 2])
    with left:
        flagged = rec.check_report.get("flagged", [])
        st.caption(t("draft.summary", flagged=len(flagged), author=plain(rec.author), model=plain(rec.model)))
        _left_out(rec.check_report.get("omitted_sections", []))
        page_tab, source_tab = st.tabs([t("draft.tab_page"), t("draft.tab_source")])
        with page_tab:  # rendered as the site renders it, everything escaped first: no markup from the text runs
            st.markdown(review_html(rec.text, rec.check_report.get("sentences", [])), unsafe_allow_html=True)
            for line, over in variant_counts(rec.text):
                (st.error if over else st.caption)(line)
        with source_tab:
            _edit(desk, user, rec)
    with right:
        _cited_facts(rec, snap)
        draft_photos(desk.store, rec)  # the photos the draft carries (screens/photos.py)
    _actions(desk, user, rec)


def variant_counts(text: str) -> list[tuple[str, bool]]:
    """A social post's variants (pipeline/draft/variants.py): each network's characters against its limit, and
    whether it is over; [] for another text or when corpus/networks.yaml cannot be read (validate says why)."""
    if "## " not in text:
        return []
    try:
        networks = load_networks(load_settings().corpus_dir)
    except StudioError:
        return []
    out = []
    for v in parse_variants(text, networks):
        n, limit = v.length(), v.network.limit
        key = "draft.variant_over" if n > limit else "draft.variant_count"
        out.append((t(key, network=v.network.name, n=number(n), limit=number(limit), over=number(n - limit)),
                    n > limit))
    return out


def omitted_reason(o: dict) -> str:
    """Why the drafter left a section out, in the interface language (drafts made before the reason had a kind: as
    recorded)."""
    if o.get("kind") == "translation_gap":
        return t("omitted.translation_gap", ids=", ".join(f"[{i}]" for i in o.get("facts", [])))
    if o.get("kind") == "no_fact":
        return t("omitted.no_fact", query=o.get("query", ""))
    return translate(o.get("reason", ""))


def _left_out(omitted: list[dict]) -> None:
    """The catalogue's sections this draft does not have, each with why: an editor knows what is missing."""
    if not omitted:
        return
    st.warning(t("omitted.header", n=len(omitted)) + "\n\n" + "\n".join(
        t("omitted.item", title=plain(o["title"]), reason=plain(omitted_reason(o))) for o in omitted))


SEED_VERIFIER = "seed import"


def verified_line(fact) -> str:
    """Who verified the fact and when, or plainly that nobody has yet (the seed was imported, not re-read)."""
    who = t("facts.seed") if fact.verified_by == SEED_VERIFIER else t("facts.verified_by", who=plain(fact.verified_by))
    return t("facts.verified_line", who=who, on=date(fact.verified_on), review=date(fact.review_by))


def _fact_line(fact) -> str:
    figure = f"{fact.value} {fact.unit}".strip() if fact.value else ""
    return (f"**[{fact.id}]** {plain(figure) + ' · ' if figure else ''}{fact.year} · "
            f"{link(fact.source.title, fact.source.url)}")


def _cited_facts(rec, snap) -> None:
    """The facts the text cites now and those it was drafted from; a fact gone, retired or stale says so first, and
    a conflict shows the competing facts' figures, years and sources."""
    st.subheader(t("facts.header"))
    facts = snap.facts
    ids = list(dict.fromkeys(cited_ids(rec.text) + [f["id"] for f in rec.facts]))
    if not ids:
        st.info(t("facts.none"))
    for fid in ids:
        fact = facts.get(fid)
        if fact is None:
            st.error(t("facts.gone", id=fid))
            continue
        with st.container(border=True):
            if fact.status == "retired":
                st.warning(t("facts.retired"))
            elif fact.is_stale(snap.today):
                st.warning(t("facts.stale", date=date(fact.review_by)))
            st.markdown(f"{_fact_line(fact)}\n\n{plain(fact.wording(rec.lang) or fact.statement(rec.lang))}")
            st.caption(verified_line(fact))
            rivals = [facts[i] for i in fact.conflict_with if i in facts]
            if fact.conflict_with:
                st.info(t("facts.conflict") + "\n\n" + "\n".join(
                    f"- {_fact_line(r)}" for r in rivals) + "".join(
                    f"\n- **[{i}]** {t('facts.absent')}" for i in fact.conflict_with if i not in facts))


def _edit(desk: ReviewDesk, user, rec) -> None:
    """The Markdown source, editable; an edit that removes most of the text or cites nothing asks to confirm."""
    new_text = st.text_area(t("edit.label"), value=rec.text, height=300, key=f"edit_{rec.id}")
    st.caption(t("edit.count", n=number(len(new_text)), max=number(MAX_TEXT)))
    warnings = edit_warnings(rec.text, new_text) if new_text != rec.text else []
    for w in warnings:
        st.warning(w)
    sure = st.checkbox(t("edit.sure"), key=f"sure_{rec.id}") if warnings else True
    if st.button(t("edit.save"), key="save"):
        if not sure:
            st.error(t("edit.not_sure"))
            return
        _do(lambda: desk.edit(user, rec.id, rec.version, new_text), t("edit.saved"),
            follow=True, kept=t("edit.kept"),
            on=(desk, rec, new_text))


def _versions(desk: ReviewDesk, user, rec) -> None:
    """Two versions side by side, word by word (newest against the one before by default); any older version can
    be restored: it becomes the newest, checked again, with an audit entry and a comment saying so."""
    versions = [r for r in desk.store.list(page_id=rec.page_id) if r.lang == rec.lang]
    if len(versions) < 2:
        return
    with st.expander(t("versions.compare")):
        nums = [r.version for r in versions]
        c1, c2 = st.columns(2)
        a = c1.selectbox(t("versions.version"), nums, index=len(nums) - 2, key="diff_a", format_func=lambda v: f"v{v}")
        b = c2.selectbox(t("versions.against"), nums, index=len(nums) - 1, key="diff_b", format_func=lambda v: f"v{v}")
        old = next(r for r in versions if r.version == a)
        new = next(r for r in versions if r.version == b)
        left, right = word_diff_html(old.text, new.text)
        c1.markdown(left, unsafe_allow_html=True)  # escaped in word_diff_html
        c2.markdown(right, unsafe_allow_html=True)
        if old.text == new.text:
            st.caption(t("versions.same"))
        # restored on top of the version this person is looking at: if someone saved a newer one meanwhile, the
        # desk refuses (ConflictError) and theirs is shown, nothing restored over it unseen
        if user.can("editor") and old.version != rec.version and st.button(
                t("versions.restore", version=old.version), key="restore"):
            def restore():
                restored = desk.edit(user, rec.id, rec.version, old.text)
                desk.comment(user, restored.id, t("versions.restored_comment", old=old.version,
                                                  new=restored.version))
                return restored
            _do(restore, t("versions.restored", version=old.version),
                follow=True, on=(desk, rec, None))


def _actions(desk: ReviewDesk, user, rec) -> None:
    _versions(desk, user, rec)
    st.subheader(t("decide.header"))
    reason = st.text_input(t("decide.reason"), key="reason")
    c1, c2 = st.columns(2)
    if c1.button(t("decide.changes"), key="changes"):
        _do(lambda: desk.request_changes(user, rec.id, rec.version, reason), t("decide.changes_done"),
            on=(desk, rec, None))
    if c2.button(t("decide.reject"), key="reject"):
        _do(lambda: desk.reject(user, rec.id, rec.version, reason), t("decide.rejected"), on=(desk, rec, None))
    if user.can("approver"):
        override = st.text_input(t("decide.override"), key="override")
        if st.button(t("decide.approve"), key="approve"):
            _do(lambda: desk.approve(user, rec.id, rec.version, override or None), t("decide.approved"),
                on=(desk, rec, None))
    else:
        st.caption(t("decide.approver_only"))
    st.subheader(t("comments.header"))
    for c in desk.comments(rec.id):  # as typed: markup shown, not run
        st.markdown(t("comments.line", author=plain(c["author"]), when=plain(datetime(c.get("ts"))),
                      text=plain(c["text"])))
    if st.session_state.pop("comment_posted", False):
        st.session_state["comment"] = ""  # the box is empty after a comment is posted (set before it is drawn)
    note = st.text_input(t("comments.add"), key="comment", help=t("comments.help", max=number(MAX_COMMENT)))
    if st.button(t("comments.post"), key="comment_btn"):
        if st.session_state.get("last_comment") == (rec.id, note.strip()) and note.strip():
            st.session_state["comment_posted"] = True  # a double click: the first one posted it already
            st.rerun()

        def post():
            desk.comment(user, rec.id, note)
            st.session_state["last_comment"] = (rec.id, note.strip())
            st.session_state["comment_posted"] = True
        _do(post, t("comments.posted"), kept=t("comments.kept"))


def _do(action, success: str, follow: bool = False, kept: str = "", on: tuple | None = None) -> None:
    """Run a desk action; a refusal is shown with its fix (and, for typed text, that the text is still there).
    `on` = (desk, draft, typed text): when someone else changed the draft first, show their newer version, with
    the message and what this user typed (nothing silently overwritten, nothing lost)."""
    try:
        result = action()
    except ConflictError as exc:
        if on is None:
            show_error(exc, kept)
            return
        desk, rec, typed = on
        newest = max((r for r in desk.store.list(page_id=rec.page_id) if r.lang == rec.lang), key=lambda r: r.version)
        st.session_state.conflict = (exc.message, typed if typed and typed != rec.text else None)
        st.session_state.draft_id = newest.id
        st.rerun()
    except StudioError as exc:
        show_error(exc, kept)
        return
    # show the draft as it is now (new version, new status), not as it was before the click
    st.session_state.flash = success
    if follow and result is not None:
        st.session_state.draft_id = result.id
    st.rerun()
