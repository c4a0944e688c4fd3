"""Drafts composed to be published, on an in-memory index with a fake model (fast): target-language wordings only,
translation gaps left out and noted, conflict preference, sections left out and recorded, thin pages refused, written
headings, and `drafts show`."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from pipeline.cli.main import main
from pipeline.corpus.catalogue import Section, find_page, load_pages, read_brand
from pipeline.corpus.facts import load_corpus, load_filieres, read_corpus, wording_warnings
from pipeline.draft.compose import complete, settle, wording_sentence
from pipeline.draft.drafter import Drafter
from pipeline.errors import DraftError
from pipeline.index.ingest import sync
from pipeline.retrieve.retriever import Retriever
from pipeline.store.database import DraftStore
from pipeline.types import Fact, RetrievedFact, Source
from pipeline.verify.checker import ClaimChecker
from tests.conftest import FakeChatModel, FakeEmbedder, edit_fact
from tests.fakes.index import FakeFactIndex

HEADING = re.compile(r"^#+ (.+?)(?: \[[A-Z]+-\d+\])?$", re.M)


def make_drafter(settings, model):
    """A Drafter on the corpus of `settings`, indexed in memory with the bag-of-words fake embedder."""
    facts, _ = load_corpus(settings.corpus_dir, settings.today())
    emb = FakeEmbedder()
    idx = FakeFactIndex(emb.name)
    sync(idx, facts, load_filieres(settings.corpus_dir), emb)
    retriever = Retriever.for_settings(idx, emb, settings)
    checker = ClaimChecker.for_corpus(list(retriever.snap.facts.values()), settings)
    return Drafter(retriever, checker, model, read_brand(settings.corpus_dir))


def specs_of(settings):
    return load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))


def drop_field(corpus_dir, fact_id: str, key: str) -> None:
    """Remove the line `key: ...` from one fact's block."""
    for path in (corpus_dir / "facts").glob("*.yaml"):
        m = re.search(rf"- id: {fact_id}\n(?:  .*\n|    .*\n)*?(  {key}: .*\n)", path.read_text(encoding="utf-8"))
        if m:
            edit_fact(corpus_dir, fact_id, m.group(1), "")
            return
    raise AssertionError(f"{fact_id} has no {key}")


def strip_english(corpus_dir, keep: set[str], filiere: str = "maritime") -> None:
    facts, _ = load_corpus(corpus_dir, date(2026, 11, 29))
    for f in facts:
        if f.filiere == filiere and f.id not in keep and f.wording_en:  # comparison facts have none
            drop_field(corpus_dir, f.id, "wording_en")


# ---------------------------------------------------------------- conflict preference, on hand-made facts
def fact(fid, year=2020, preferred=False, supersedes=(), primary=None) -> RetrievedFact:
    f = Fact(id=fid, filiere="maritime", statement_fr=f"Énoncé {fid}.", source=Source("t", "https://x.fr", primary),
             year=year, verified_on=date(2026, 1, 1), verified_by="t", review_by=date(2030, 1, 1),
             preferred=preferred, supersedes=tuple(supersedes), wording_fr=f"Texte {fid}.", wording_en=f"Text {fid}.")
    return RetrievedFact(f, 0.5, None, None, (), (), False)


def test_conflict_preference_is_preferred_then_supersedes_then_primary_then_year():
    newest = fact("MAR-901", year=2024)
    primary = fact("MAR-902", year=2021, primary=True)
    superseding = fact("MAR-903", year=2019, supersedes=["MAR-901"])
    preferred = fact("MAR-904", year=2015)
    preferred = replace(preferred, fact=replace(preferred.fact, preferred=True))
    assert settle([newest, fact("MAR-905", year=2022)]).fact.id == "MAR-901"          # year
    assert settle([newest, primary]).fact.id == "MAR-902"                            # primary > year
    assert settle([newest, primary, superseding]).fact.id == "MAR-903"               # supersedes > primary
    assert settle([newest, primary, superseding, preferred]).fact.id == "MAR-904"    # preferred > supersedes
    assert settle([replace(newest, score=0.1), replace(fact("MAR-906", year=2024), score=0.9)]).fact.id == "MAR-906"


def test_the_completion_uses_target_language_wordings_and_drops_lonely_connectives():
    a, b = fact("MAR-901"), fact("MAR-902")
    assert wording_sentence(a, "en") == "Text MAR-901 [MAR-901]."
    out, repairs = complete(["A port that keeps growing."], [a, b], "en")
    assert out == ["Text MAR-901 [MAR-901].", "Text MAR-902 [MAR-902]."]  # the connective had nothing to link
    assert any("connective" in r for r in repairs)
    out, _ = complete(["Text MAR-901, as the model put it [MAR-901].", "A port that keeps growing."], [a, b], "en")
    assert out[:2] == ["Text MAR-901, as the model put it [MAR-901].", "A port that keeps growing."]


# ---------------------------------------------------------------- drafting
def test_english_draft_uses_wording_en_and_never_french(settings):
    french = "Le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes en 2024 [MAR-001]."
    model = FakeChatModel(french, french)
    drafter = make_drafter(settings, model)
    spec = find_page(specs_of(settings), "site-maritime-investors", "en")
    rec = drafter.draft(spec, "en")
    by_id = {f.id: f for f in drafter.retriever.snap.facts.values()}
    cited = [f["id"] for f in rec.facts]
    assert cited
    assert "Key fact" not in rec.text and "(in French)" not in rec.text and "«" not in rec.text
    assert "traité" not in rec.text and "millions de tonnes" not in rec.text
    for fid in cited:
        assert by_id[fid].wording_en.rstrip(".") in rec.text and by_id[fid].statement_fr not in rec.text
    for _, user in model.prompts:  # the model is given the English wordings, not the French statements
        given = re.findall(r"\[([A-Z]+-\d+)\] \(\d{4}\) (.+)", user)
        assert given and all(text == by_id[i].wording_en for i, text in given)
    headings = HEADING.findall(rec.text)
    left_out = [o["title"] for o in rec.check_report["omitted_sections"]]
    assert headings == [spec.title_en] + [s.title_en for s in spec.sections if s.title_en not in left_out]
    assert not {h.lower() for h in headings} & {s.query.lower() for s in spec.sections}


def test_french_draft_headings_are_the_written_titles(settings):
    rec = make_drafter(settings, FakeChatModel()).draft(find_page(specs_of(settings), "site-territoire"), "fr")
    spec = find_page(specs_of(settings), "site-territoire")
    drafted = HEADING.findall(rec.text)
    assert drafted[0] == spec.title_fr and set(drafted[1:]) <= {s.title_fr for s in spec.sections} and drafted[1:]
    assert "Key fact" not in rec.text and rec.check_report["omitted_sections"] == []


def test_social_posts_keep_no_headings(settings):
    """No title or section heading: only one heading per network's variant (tests/draft/test_variants.py)."""
    rec = make_drafter(settings, FakeChatModel()).draft(find_page(specs_of(settings), "social-maritime-1"), "en")
    assert rec.text.strip() and HEADING.findall(rec.text) == ["LinkedIn", "Instagram", "X", "Facebook"]
    assert "[MAR-" in rec.text


def test_a_fact_without_wording_en_is_left_out_of_english_drafts_with_a_note(settings):
    drop_field(settings.corpus_dir, "MAR-003", "wording_en")
    spec = find_page(specs_of(settings), "site-maritime-investors")
    en = make_drafter(settings, FakeChatModel()).draft(spec, "en")
    assert "MAR-003" not in en.text and "MAR-003" not in {f["id"] for f in en.facts}
    assert "translation gap: [MAR-003] has no wording_en" in en.check_report["notes"]
    fr = make_drafter(settings, FakeChatModel()).draft(spec, "fr")
    assert "[MAR-003]" in fr.text  # the French page still has it
    facts, _ = read_corpus(settings.corpus_dir, settings.today())
    gap = [i for i in wording_warnings(facts) if i.fact_id == "MAR-003" and "translation gap" in i.message]
    assert gap and gap[0].level == "warning" and "wording_en" in gap[0].fix


def test_validate_reports_a_translation_gap_as_a_warning_with_the_fix(corpus_dir, monkeypatch, capsys):
    drop_field(corpus_dir, "MAR-003", "wording_en")
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(corpus_dir))
    monkeypatch.setenv("STUDIO_TODAY", "2026-11-29")
    assert main(["validate"]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "[MAR-003]" in x and "translation gap" in x)
    assert line.startswith("WARNING corpus/facts/maritime.yaml:") and "fix: add 'wording_en: ...'" in line
    assert "1 translation gap(s)" in out


def test_a_section_with_no_usable_fact_is_left_out_and_recorded(settings):
    strip_english(settings.corpus_dir, keep={"MAR-003"})
    spec = find_page(specs_of(settings), "site-maritime-investors")
    rec = make_drafter(settings, FakeChatModel()).draft(spec, "en")
    omitted = rec.check_report["omitted_sections"]
    assert len(omitted) == 1 and omitted[0]["title"] in {s.title_en for s in spec.sections}
    assert "translation gap" in omitted[0]["reason"]
    assert len(HEADING.findall(rec.text)) == 2 and omitted[0]["title"] not in rec.text  # page title + one section


def test_a_page_with_fewer_than_half_its_sections_is_refused_and_nothing_stored(settings, tmp_path):
    strip_english(settings.corpus_dir, keep={"MAR-003"})
    spec = find_page(specs_of(settings), "site-maritime-investors")
    spec = replace(spec, sections=spec.sections + (Section("Le siège de CMA CGM", "CMA CGM's head office",
                                                           "CMA CGM siège Marseille", 3),))
    store = DraftStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    with pytest.raises(DraftError) as exc:
        store.add(make_drafter(settings, FakeChatModel()).draft(spec, "en"))
    msg = exc.value.message
    assert "site-maritime-investors" in msg and "of its 3 sections" in msg and "CMA CGM's head office" in msg
    assert "wording_en" in exc.value.fix and store.list() == []


def test_model_sentences_are_kept_only_when_ok_and_citing_planned_facts(settings):
    def faithful(system, user):
        fid, text = re.search(r"\[([A-Z]+-\d+)\] \(\d{4}\) (.+)", user).groups()
        return f"{text.rstrip('.')} [{fid}]. The port cites [TOU-001] too."
    rec = make_drafter(settings, FakeChatModel(faithful, faithful)).draft(
        find_page(specs_of(settings), "site-maritime-investors"), "en")
    assert "TOU-001" not in rec.text
    assert any("cites a fact that was not given" in r for r in rec.check_report["repairs"])


def test_sentences_citing_nothing_are_kept_only_as_plain_links(settings):
    from pipeline.draft.compose import sort_sentences
    checker = make_drafter(settings, FakeChatModel()).checker
    text = ("In 2024, the port of Marseille-Fos handled 1.45 million TEU [MAR-003]. "
            "The port of Marseille-Fos is the largest container terminal in France. "
            "Traffic at the port of Marseille-Fos. A hub that keeps growing.")
    kept, failed = sort_sentences(checker, text, "en", {"MAR-003"}, ("Traffic at the port of Marseille-Fos",))
    assert kept == ["In 2024, the port of Marseille-Fos handled 1.45 million TEU [MAR-003].", "A hub that keeps growing."]
    reasons = dict(failed)
    assert "largest container terminal" in " ".join(reasons) and reasons["Traffic at the port of Marseille-Fos."] \
        == "repeats the heading"


# ---------------------------------------------------------------- the catalogue
def test_the_shipped_catalogue_has_written_headings_in_both_languages(settings):
    for spec in specs_of(settings):
        for s in spec.sections:
            assert s.title_fr and s.title_en and s.title_fr.lower() != s.query.lower() != s.title_en.lower()
            assert s.title_fr[0].isupper()


@pytest.mark.parametrize("old, new, expected", [
    ("    title_en: A metropolis uniting Aix, Marseille and their municipalities\n", "", "no title_en"),
    ("  - title_fr: Une métropole qui rassemble Aix, Marseille et leurs communes\n",
     "  - title_fr: Habitants et communes de la Métropole\n", "is the retrieval query"),
    ("  - title_fr: Une métropole qui rassemble Aix, Marseille et leurs communes\n",
     "  - title_fr: communes et habitants de la métropole\n", "is the retrieval query"),
])
def test_load_pages_refuses_missing_titles_and_titles_that_are_queries(corpus_dir, old, new, expected):
    from pipeline.errors import CorpusError
    path = corpus_dir / "pages.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CorpusError) as exc:
        load_pages(corpus_dir, load_filieres(corpus_dir))
    assert "site-territoire, section 1" in exc.value.message and expected in exc.value.message
    assert "fix: write" in exc.value.message


def test_drafting_refuses_an_item_whose_heading_is_its_query_however_it_was_loaded(settings):
    spec = find_page(specs_of(settings), "site-maritime-investors")
    sec = spec.sections[0]
    spec = replace(spec, sections=(replace(sec, title_fr="Tonnage du port de Marseille-Fos"),) + spec.sections[1:])
    with pytest.raises(DraftError) as exc:
        make_drafter(settings, FakeChatModel()).draft(spec, "fr")
    assert "section 1" in exc.value.message and "is the retrieval query" in exc.value.message


def test_a_catalogue_with_unwritten_headings_can_still_be_read_for_status(corpus_dir):
    path = corpus_dir / "pages.yaml"
    text = path.read_text(encoding="utf-8").replace("title_fr: Le trafic du port de Marseille-Fos",
                                                    "title_fr: Tonnage du port de Marseille-Fos")
    path.write_text(text, encoding="utf-8")
    from pipeline.errors import CorpusError
    with pytest.raises(CorpusError):
        load_pages(corpus_dir, load_filieres(corpus_dir))
    assert len(load_pages(corpus_dir, load_filieres(corpus_dir), check_titles=False)) == 54


# ---------------------------------------------------------------- facts' new fields
def test_wordings_are_per_language_and_old_facts_keep_their_content_hash(corpus_dir):
    facts, _ = load_corpus(corpus_dir, date(2026, 11, 29))
    f = {x.id: x for x in facts}["MAR-001"]
    assert f.wording("en").startswith("In 2024") and f.wording("fr").startswith("En 2024") and f.wording("de") == ""
    assert f.wording_status == "seed" and f.source.primary is False and Fact.from_dict(f.to_dict()) == f
    bare = replace(f, wording_fr="", wording_en="", wording_status="", source=Source(f.source.title, f.source.url))
    assert bare.wording("en") == "" and bare.statement("en") == f.statement_fr  # a wording never falls back
    d = bare.to_dict()
    assert not {"wording_fr", "wording_en", "wording_status", "preferred"} & set(d) and "primary" not in d["source"]


@pytest.mark.parametrize("old, new, expected", [
    ("wording_status: seed", "wording_status: final", "wording_status 'final' is not one of"),
    ("  wording_status: seed\n", "  wording_status: seed\n  preferred: yes please\n", "preferred 'yes please'"),
    ("    primary: false", "    primary: maybe", "source primary 'maybe'"),
    ("    primary: false", "    primary: false\n    publisher: JMM", "unknown field 'publisher' under source"),
])
def test_bad_wording_fields_are_errors(corpus_dir, old, new, expected):
    edit_fact(corpus_dir, "MAR-001", old, new)
    _, issues = read_corpus(corpus_dir, date(2026, 11, 29))
    errs = [i for i in issues if i.level == "error"]
    assert any(expected in e.message and e.fact_id == "MAR-001" and e.fix for e in errs), [e.render() for e in errs]


def test_every_seed_fact_has_wordings_and_a_source_kind(corpus_dir):
    facts, warnings = load_corpus(corpus_dir, date(2026, 11, 29))
    facts = [f for f in facts if not f.territory]  # the comparison facts (peers.yaml) carry no wording: never drafted
    assert len(facts) == 159
    assert all(f.wording_fr and f.wording_en and f.wording_status == "seed" for f in facts)
    assert all(f.source.primary in (True, False) for f in facts)
    by_id = {f.id: f for f in facts}
    assert by_id["TER-020"].source.primary is True and by_id["TER-014"].source.primary is False  # Insee; Wikipédia
    assert not [w for w in wording_warnings(facts) if "translation gap" in w.message]


# ---------------------------------------------------------------- drafts show
def test_drafts_show_prints_header_text_and_findings(settings, monkeypatch, capsys):
    strip_english(settings.corpus_dir, keep={"MAR-003"})
    drafter = make_drafter(settings, FakeChatModel())
    rec = drafter.draft(find_page(specs_of(settings), "site-maritime-investors"), "en")
    wrong = rec.text.rstrip() + "\n\nThe port handled 95 million tonnes in 2024 [MAR-003].\n"
    report = drafter.checker.check(wrong, "en").to_json()
    report.update(omitted_sections=rec.check_report["omitted_sections"], repairs=["a repair"], notes=[])
    store = DraftStore.for_data_dir(settings.data_dir)
    stored = store.add(replace(rec, text=wrong, check_report=report))
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    assert main(["drafts", "show", str(stored.id)]) == 0
    out = capsys.readouterr().out
    assert f"draft #{stored.id}" in out and "site-maritime-investors" in out and "en" in out and "version 1" in out
    assert "fake-model" in out and "The port handled 95 million tonnes" in out
    assert re.search(r"(CONTRADICTED|UNSUPPORTED): The port handled 95 million", out)
    assert "LEFT OUT: " + rec.check_report["omitted_sections"][0]["title"] in out and "REPAIR: a repair" in out
    assert main(["drafts", "show", str(stored.id), "--json"]) == 0
    import json
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == stored.id and shown["findings"]["not_ok"] and shown["findings"]["omitted_sections"]
    assert main(["drafts", "show", "999"]) == 2
    assert "no draft #999" in capsys.readouterr().err
    assert main(["drafts", "--page", "site-spatial-investors"]) == 2
    assert "unknown page id 'site-spatial-investors'" in capsys.readouterr().err
    assert main(["drafts", "--page", "site-maritime-investors"]) == 0
    assert "1 draft(s)" in capsys.readouterr().out
