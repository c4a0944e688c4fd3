"""The corpus: the seed loads whole, and every kind of bad input is reported with file, line and fix."""
from __future__ import annotations

import csv
from datetime import date

import pytest

from pipeline.cli.main import main
from pipeline.corpus.facts import load_corpus, load_filieres, read_corpus
from pipeline.corpus.seed_import import review_date
from pipeline.errors import CorpusError, QueryError
from tests.conftest import SEED, TODAY, edit_fact


def errors_of(corpus_dir):
    _, issues = read_corpus(corpus_dir, TODAY)
    return [i for i in issues if i.level == "error"]


def test_seed_corpus_holds_every_seed_fact_with_its_id_and_source(corpus_dir):
    facts, warnings = load_corpus(corpus_dir, TODAY)
    with (SEED / "facts.csv").open(encoding="utf-8") as fh:
        seed = {r["id"]: r for r in csv.DictReader(fh)}
    by_id = {f.id: f for f in facts}
    assert set(seed) <= set(by_id) and len(seed) == 159
    assert set(by_id) - set(seed) == {f"PAI-{n:03d}" for n in range(1, 120)}  # the peer facts (barometer)
    for fid, row in seed.items():
        f = by_id[fid]
        assert f.statement_fr == row["statement_fr"].strip()
        assert f.source.url == row["source_url"] and f.source.title == row["source_title"].strip()
        assert f.filiere == row["filiere"] and f.value == row["value"]
        assert set(f.conflict_with) == {c for c in row["conflict_with"].split(";") if c}
        assert f.verified_by == "seed import" and f.status == "verified"
    # old figures are stale at import (warnings, not errors); recent ones are not
    stale = {w.fact_id for w in warnings if "stale" in w.message}
    assert "AER-009" in stale            # a 2006 figure
    assert "MAR-001" not in stale        # a 2024 figure


def test_review_rule_for_the_seed():
    imported = date(2026, 11, 29)
    assert review_date(2024, "millions de tonnes", imported) == date(2027, 11, 29)
    assert review_date(2015, "salariés", imported) == date(2019, 12, 31)
    assert review_date(1978, "année de fondation", imported) == date(2027, 11, 29)  # a founding year does not age


@pytest.mark.parametrize("fact_id, old, new, expected", [
    ("MAR-001", "id: MAR-001", "id: MAR-002", "duplicate id"),
    ("MAR-001", "filiere: maritime", "filiere: spatial", "unknown filière 'spatial'"),
    ("MAR-001", "verified_on: 2026-11-29", "verified_on: 2026-13-45", "is not a date"),
    ("MAR-001", "review_by: 2027-11-29", "review_by: next year", "is not a date"),
    ("MAR-001", "year: 2024", "year: 2024 (environ)", "is not a year"),
    ("MAR-001", "conflict_with: [MAR-002]", "conflict_with: [MAR-002, MAR-999]", "unknown fact 'MAR-999'"),
    ("MAR-001", "supersedes: []", "supersedes: [MAR-404]", "unknown fact 'MAR-404'"),
    ("MAR-001", "status: verified", "status: checked", "is not one of"),
    ("MAR-001", "  verified_by: seed import\n", "  verifed_by: seed import\n", "unknown field 'verifed_by'"),
    ("MAR-001", "id: MAR-001", "id: mar 1", "not of the form"),
])
def test_each_bad_field_is_an_error_naming_file_line_and_fact(corpus_dir, fact_id, old, new, expected):
    edit_fact(corpus_dir, fact_id, old, new)
    errs = errors_of(corpus_dir)
    hit = [e for e in errs if expected in e.message]
    assert hit, [e.render() for e in errs]
    e = hit[0]
    assert e.file.endswith("maritime.yaml") and e.line > 0 and e.fix
    with pytest.raises(CorpusError):
        load_corpus(corpus_dir, TODAY)


def test_missing_source_is_reported_with_the_line_of_the_fact(corpus_dir):
    text = (corpus_dir / "facts/maritime.yaml").read_text(encoding="utf-8")
    start = text.index("- id: MAR-003")
    src = text.index("  source:\n", start)
    end = text.index("  verified_on:", src)
    (corpus_dir / "facts/maritime.yaml").write_text(text[:src] + text[end:], encoding="utf-8")
    errs = errors_of(corpus_dir)
    assert [(e.fact_id, e.message) for e in errs] == [("MAR-003", "missing required field 'source'")]
    line_of_fact = text[:start].count("\n") + 1
    assert errs[0].line == line_of_fact


def test_source_without_url_and_bad_url(corpus_dir):
    edit_fact(corpus_dir, "MAR-003", "url: https://", "url: ftp://")
    assert any("not an http(s) address" in e.message for e in errors_of(corpus_dir))


def test_retired_fact_still_listed_as_superseding_is_an_error(corpus_dir):
    edit_fact(corpus_dir, "MAR-001", "supersedes: []", "supersedes: [MAR-002]")
    assert errors_of(corpus_dir) == []
    edit_fact(corpus_dir, "MAR-001", "status: verified", "status: retired")
    errs = errors_of(corpus_dir)
    assert len(errs) == 1 and errs[0].fact_id == "MAR-001" and "retired fact still listed as superseding" in errs[0].message


def test_superseded_fact_not_retired_is_a_warning(corpus_dir):
    edit_fact(corpus_dir, "MAR-001", "supersedes: []", "supersedes: [MAR-002]")
    _, issues = read_corpus(corpus_dir, TODAY)
    w = [i for i in issues if i.fact_id == "MAR-002" and "superseded by MAR-001" in i.message]
    assert w and w[0].level == "warning"


def test_broken_yaml_names_the_line(corpus_dir):
    path = corpus_dir / "facts/sport.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = next(n for n, l in enumerate(lines) if l.startswith("  unit:"))
    lines[bad] = "  unit: [places"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errs = errors_of(corpus_dir)
    assert len(errs) == 1 and errs[0].file.endswith("sport.yaml") and "not valid YAML" in errs[0].message
    assert abs(errs[0].line - (bad + 1)) <= 2


def test_a_file_that_is_not_a_list_and_a_wrong_type(corpus_dir):
    (corpus_dir / "facts/extra.yaml").write_text("id: X-1\nfiliere: sport\n", encoding="utf-8")
    edit_fact(corpus_dir, "SPO-001", "conflict_with: [SPO-004]", "conflict_with: {a: 1}")
    msgs = [e.message for e in errors_of(corpus_dir)]
    assert any("must be a YAML list" in m for m in msgs)
    assert any("conflict_with must be a list" in m for m in msgs)


def test_not_utf8_file(corpus_dir):
    (corpus_dir / "facts/latin1.yaml").write_bytes("- id: SPO-100\n  statement_fr: \xe9t\xe9\n".encode("latin-1"))
    assert any("not UTF-8" in e.message for e in errors_of(corpus_dir))


def test_validate_command_exit_codes(corpus_dir, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(corpus_dir))
    monkeypatch.setenv("STUDIO_TODAY", "2026-11-29")
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "278 valid facts; 0 error(s)" in out and "WARNING" in out and "stale" in out
    edit_fact(corpus_dir, "CIN-001", "filiere: cinema", "filiere: cine")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "ERROR corpus/facts/cinema.yaml:" in out and "[CIN-001]" in out and "fix: use one of" in out


def test_filiere_aliases_and_unknown_filter():
    from tests.conftest import REPO
    fil = load_filieres(REPO / "corpus")
    assert fil.resolve("Transport maritime") == "maritime"
    assert fil.resolve("ENERGIE") == "energie" and fil.resolve("énergie") == "energie"
    assert fil.resolve("") is None
    with pytest.raises(QueryError) as exc:
        fil.resolve("spatial")
    assert "aeronautique" in exc.value.fix


def test_import_csv_refuses_a_missing_column_and_a_bad_year(tmp_path):
    from pipeline.corpus.seed_import import import_csv
    from pipeline.errors import CorpusError
    bad = tmp_path / "bad.csv"
    bad.write_text("id,filiere,statement_fr,value,unit,year,source_title\nX-1,sport,a,1,u,2024,t\n", encoding="utf-8")
    with pytest.raises(CorpusError) as exc:
        import_csv(bad, tmp_path / "c", date(2026, 11, 29))
    assert "source_url" in exc.value.message
    bad.write_text("id,filiere,statement_fr,value,unit,year,source_title,source_url\n"
                   "SPO-100,sport,a,1,u,vers 2024,t,https://x\n", encoding="utf-8")
    with pytest.raises(CorpusError) as exc:
        import_csv(bad, tmp_path / "c", date(2026, 11, 29))
    assert "bad.csv:2 [SPO-100]" in exc.value.message



def test_conflict_groups_join_chains_and_the_status_counts_them_the_same_way(settings):
    from dataclasses import replace

    from pipeline.corpus.facts import load_corpus
    from pipeline.corpus.relations import conflict_groups
    from pipeline.retrieve.fact_base import FactBase
    facts, _ = load_corpus(settings.corpus_dir, TODAY)
    a, b, c, d = facts[:4]
    chain = [replace(a, conflict_with=(b.id,)), replace(b, conflict_with=(c.id,)), c, replace(d, conflict_with=())]
    assert conflict_groups(chain) == [sorted([a.id, b.id, c.id])]  # A↔B and B↔C: one group of three
    status = FactBase(settings, embedder=object()).status()
    assert status.conflict_groups == len(conflict_groups(facts)) > 0


def test_the_exact_count_leads_its_rounded_restatement():
    """TER-016 (the airport's 11 167 485 passengers) and TER-017 (About Travel's "11,7 millions"), same year, neither
    a primary source: the more exact figure leads, for drafts and the barometer alike."""
    from pipeline.corpus.preference import fact_preference
    from tests.conftest import REPO
    facts = {f.id: f for f in load_corpus(REPO / "corpus", TODAY)[0]}
    group = {"TER-016", "TER-017"}
    assert max((facts[i] for i in group), key=lambda f: fact_preference(f, group)).id == "TER-016"
