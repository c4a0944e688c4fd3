"""The caches every rerun shares (models, facts, checker, catalogue, database) and the Studio a signed-in page gets."""
from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from pipeline.config import Settings
from pipeline.errors import StudioError
from pipeline.index.embedding import default_embedder
from pipeline.retrieve.fact_base import FactBase
from pipeline.wiring import social_now

# What every rerun needs is rebuilt only when the index or the corpus changes, so a click does not reopen the index
# (whose lock other processes need). app.py and the pages import this module (never app.py, which Streamlit runs as
# __main__).


@st.cache_resource
def embedder():
    return default_embedder()


@st.cache_resource
def chat_model():
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.factory import make_chat_model
    return make_chat_model(llm_settings_from_env())


def _stat(path) -> tuple | None:
    try:
        s = path.stat()
        return s.st_mtime_ns, s.st_size
    except FileNotFoundError:
        return None


def corpus_fingerprint(settings: Settings) -> tuple:
    """Modification times and sizes of the corpus files, the brand voice and the prompts (what makes a draft
    stale besides the index): changes when anyone edits them; opens nothing."""
    from pipeline.llm.prompts import PROMPTS_DIR
    files = [*sorted(settings.corpus_dir.rglob("*.yaml")), settings.corpus_dir / "brand.md",
             *sorted(PROMPTS_DIR.glob("*.yaml"))]
    return (repr(settings),) + tuple((str(p), _stat(p)) for p in files)


def index_fingerprint(settings: Settings) -> tuple:
    """Changes when the index changes: ingest rewrites data/index-stamp; without a stamp, the Chroma file itself
    (which reading also touches: see `snapshot`). A remote index is re-read at most once a minute."""
    if settings.remote_index:
        return ("remote", int(time.time() // 60))
    stamp = settings.data_dir / "index-stamp"
    if stamp.exists():
        return ("stamp", _stat(stamp), (settings.chroma_dir / "chroma.sqlite3").exists())
    return ("chroma", _stat(settings.chroma_dir / "chroma.sqlite3"))


@st.cache_resource(show_spinner=False)
def _read_signatures() -> dict:
    return {}  # fingerprint seen right after our own read -> the fingerprint the snapshot was built for


# a cached function's spinner text is fixed when the module loads, before any session has a language: both languages
@st.cache_resource(show_spinner="Lecture de la base de faits… / Reading the fact base…", max_entries=4)
def _snapshot(_settings: Settings, key: tuple, _photos: dict | None):
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.retrieve.fact_base import current_facts
    from pipeline.review.desk import FactSnapshot
    try:
        llm = llm_settings_from_env()
    except StudioError:  # a misconfigured model is reported where it is used; staleness leaves the model out
        llm = None
    from pipeline.corpus.catalogue import read_brand
    pages, _ = catalogue(_settings, corpus_fingerprint(_settings))
    return FactSnapshot(current_facts(_settings, embedder()), _settings.today(), llm=llm,  # index open only here
                        brand=read_brand(_settings.corpus_dir),
                        specs={p.id: p for p in pages} if pages else None, corpus_dir=_settings.corpus_dir,
                        photos=_photos, social=social_now(_settings))


def snapshot(settings: Settings):
    """The facts as indexed and a checker on them; the index is opened only when it changed."""
    photos = _photos(settings)  # the photo library is in the drafts database: read at each run (a few rows)
    mine = ("photos", None if photos is None else tuple(sorted((p.id, p.sheet_hash) for p in photos.values())))
    key = corpus_fingerprint(settings) + (settings.today().isoformat(),) + index_fingerprint(settings)
    seen = _read_signatures()
    key = seen.get(key, key)
    snap = _snapshot(settings, key + (mine,), photos)
    after = corpus_fingerprint(settings) + (settings.today().isoformat(),) + index_fingerprint(settings)
    if after != key:  # opening Chroma touched its file: that is our read, not a change
        seen[after] = key
    return snap


def _photos(settings: Settings) -> dict | None:
    """photo id -> Photo of the library now, through the screen's one engine (None when it cannot be read)."""
    from pipeline.errors import StoreError
    from pipeline.photos.records import PhotoRecords
    try:
        return {p.id: p for p in PhotoRecords(store(settings)).all()}
    except StoreError:
        return None


@st.cache_resource(show_spinner=False)
def _store(url: str):
    from pipeline.store.database import DraftStore
    return DraftStore(url)  # one engine (and one migration check) per database, not per click


def store(settings: Settings):
    from pipeline.store.database import database_url
    return _store(database_url(settings.data_dir))


@st.cache_resource(show_spinner=False, max_entries=4)
def fact_base(_settings: Settings, key: tuple) -> FactBase:
    return FactBase(_settings, embedder())


@st.cache_resource(show_spinner=False, max_entries=4)
def catalogue(_settings: Settings, key: tuple) -> tuple[list, StudioError | None]:
    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    try:
        return load_pages(_settings.corpus_dir, load_filieres(_settings.corpus_dir), check_titles=False), None
    except StudioError as exc:  # the queue still shows every draft, as "hors catalogue" (and says why, translated)
        return [], exc


@st.cache_resource(show_spinner=False, max_entries=4)
def corpus_view(_fb: FactBase, key: tuple) -> tuple:
    """The corpus status and the valid facts on disk (for the corpus page and the fact base's sidebar)."""
    from pipeline.corpus.facts import read_corpus
    facts, _ = read_corpus(_fb.settings.corpus_dir, _fb.settings.today())
    return _fb.status(), facts


@st.cache_resource(show_spinner="Calcul du baromètre…", max_entries=16)
def barometer(_settings: Settings, key: tuple, weights: tuple):
    """The barometer of the corpus (key: its fingerprint) with `weights` ((indicator, weight) pairs; () for the
    corpus's own), computed once per corpus version and set of weights."""
    from pipeline.barometer.build import load_barometer
    return load_barometer(_settings, dict(weights) or None)


@dataclass(frozen=True)
class Studio:
    """What a signed-in page gets: settings, the user, the review desk, the facts and the catalogue."""

    settings: Settings
    user: object
    desk: object
    snap: object
    fact_base: FactBase
    pages: list
    pages_error: StudioError | None


def studio(settings: Settings, user, desk) -> Studio:
    """Everything a page needs, from the caches; `desk` is the sign-in's desk, given the checker here (raises
    StudioError when the index or the corpus cannot be read)."""
    from pipeline.review.desk import ReviewDesk
    snap = snapshot(settings)
    fb = fact_base(settings, corpus_fingerprint(settings))
    pages, pages_error = catalogue(settings, corpus_fingerprint(settings))
    desk = ReviewDesk(desk.store, recheck=snap.report, facts=snap.facts)
    return Studio(settings, user, desk, snap, fb, pages, pages_error)
