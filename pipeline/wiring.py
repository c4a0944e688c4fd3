"""The composition root: builds the index, retriever, checker, model and store that `ask` and drafting run on."""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from pipeline.config import Settings

if TYPE_CHECKING:  # the index and the embedder are imported when first used: a CLI command without them starts fast
    from pipeline.index.embedding import Embedder


@contextmanager
def _grounding(settings: Settings, emb: Embedder) -> Iterator:
    """(retriever, checker) on the index, open for the `with` block (lock held when embedded)."""
    from pipeline.index.chroma import open_index
    from pipeline.retrieve.retriever import Retriever
    from pipeline.verify.checker import ClaimChecker
    with open_index(settings, emb) as idx:
        retriever = Retriever.for_settings(idx, emb, settings)
        yield retriever, ClaimChecker.for_corpus(list(retriever.snap.facts.values()), settings)


@contextmanager
def open_answerer(settings: Settings, use_model: bool = True, embedder: Embedder | None = None,
                  model=None) -> Iterator:
    """An `ask` Answerer on the open index (the index lock is held for the `with` block)."""
    from pipeline.ask.answerer import Answerer
    from pipeline.corpus.names import load_aliases, load_glossary
    from pipeline.index.embedding import default_embedder
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.factory import make_chat_model
    from pipeline.llm.prompts import load_prompt
    from pipeline.store.database import DraftStore
    emb = embedder or default_embedder()
    if use_model and model is None:
        model = make_chat_model(llm_settings_from_env())
    log = DraftStore.for_data_dir(settings.data_dir)  # every model call is logged with the drafts
    with _grounding(settings, emb) as (retriever, checker):
        yield Answerer(retriever, checker, model if use_model else None, load_prompt("ask") if use_model else None,
                       log, aliases=load_aliases(settings.corpus_dir), glossary=load_glossary(settings.corpus_dir))


@contextmanager
def open_drafter(settings: Settings, embedder: Embedder | None = None, model=None, store=None) -> Iterator:
    """(Drafter, DraftStore) on the open index; the brand voice from corpus/brand.md goes into every prompt."""
    from pipeline.corpus.catalogue import read_brand
    from pipeline.corpus.facts import load_filieres
    from pipeline.draft.drafter import Drafter
    from pipeline.index.embedding import default_embedder
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.factory import make_chat_model
    from pipeline.store.database import DraftStore
    emb = embedder or default_embedder()
    model = model or make_chat_model(llm_settings_from_env())
    store = store or DraftStore.for_data_dir(settings.data_dir)
    brand = read_brand(settings.corpus_dir)
    with _grounding(settings, emb) as (retriever, checker):
        yield Drafter(retriever, checker, model, brand, log=store, filieres=load_filieres(settings.corpus_dir),
                      photos=photo_picker(settings, store)), store


def photo_picker(settings: Settings, store):
    """(spec, lang) -> (photos, notes): the library's photos an item asks for, whose rights hold and alt is reviewed."""
    from pipeline.photos.library import PhotoLibrary
    from pipeline.photos.pick import choose
    lib = PhotoLibrary(settings.data_dir, store, settings.today())
    return lambda spec, lang: choose(lib.all(), spec.photos, lang, settings.today(), spec.filieres)


def catalogue_context(s: Settings, check_titles: bool = True):
    """(catalogue, filières, brand text) as the drafter sees them."""
    from pipeline.corpus.catalogue import load_pages, read_brand
    from pipeline.corpus.facts import load_filieres
    filieres = load_filieres(s.corpus_dir)
    return load_pages(s.corpus_dir, filieres, check_titles=check_titles), filieres, read_brand(s.corpus_dir)


def staleness_judge_factory(s: Settings, specs, brand: str, llm=None):
    """A function of the current facts giving the StalenessJudge that status, the queue and regenerate share."""
    from pipeline.draft.staleness import StalenessJudge
    from pipeline.llm.base import llm_settings_from_env
    llm = llm or llm_settings_from_env()
    photos = photos_now(s)
    social = social_now(s)
    return lambda facts: StalenessJudge(facts, s.today(), llm=llm, brand=brand, specs={p.id: p for p in specs},
                                        photos=photos, social=social)


def social_now(s: Settings):
    """The networks and hashtags posts are cut for now (None when their files are wrong: validate says so)."""
    from pipeline.draft.variants import SocialKit
    from pipeline.errors import CorpusError
    try:
        return SocialKit.load(s.corpus_dir)
    except CorpusError:
        return None


def photos_now(s: Settings) -> dict | None:
    """photo id -> Photo of the library (None when the drafts database cannot be read: photos left out)."""
    from pipeline.errors import StoreError
    from pipeline.photos.records import PhotoRecords
    from pipeline.store.database import DraftStore
    try:
        return {p.id: p for p in PhotoRecords(DraftStore.for_data_dir(s.data_dir)).all()}
    except StoreError:
        return None


def regenerator_for(s: Settings, store, model=None, embedder=None):
    """(Regenerator, catalogue, filières) as `regenerate` uses them, for these settings and drafts database."""
    from pipeline.draft.regenerate import Regenerator
    specs, filieres, brand = catalogue_context(s)

    @contextmanager
    def drafter():
        with open_drafter(s, embedder=embedder, model=model, store=store) as (d, _):
            yield d
    judge = staleness_judge_factory(s, specs, brand, model.settings if model is not None else None)
    return Regenerator(s, store, drafter, judge), specs, filieres
