"""Facts proposed from a document: each figure of interest with its sentence, value, unit and year, the facts it may
duplicate or contradict; nothing enters the corpus until a person confirms, and then as status: draft with the
evidence; a duplicate, a missing year or source address, an English sentence without a French statement are refused
with the proposal and the fix, the corpus unchanged."""
from __future__ import annotations

import json

import pytest

from pipeline.cli.main import main
from pipeline.corpus.facts import load_corpus
from pipeline.resources import proposals as pr
from tests.conftest import TODAY

DOC = ("# Compte rendu\n\nLa séance s'est ouverte à l'hôtel de ville, devant un public venu nombreux malgré la "
       "pluie.\n\n"
       "En 2024, le Grand Port Maritime de Marseille a traité 70,5 millions de tonnes de marchandises.\n\n"
       "En 2022, le musée du Santon a accueilli 12 345 visiteurs pour ses expositions.\n\n"
       "En 2024, le Grand Port Maritime de Marseille-Fos a traité 95 millions de tonnes.\n")


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def proposed(settings):
    facts, _ = load_corpus(settings.corpus_dir, TODAY)
    return pr.propose(DOC, "fr", "compte-rendu.md", facts, "Compte rendu", "https://example.org/cr.md")


def test_figures_are_proposed_with_evidence_value_unit_year_and_relations(settings):
    found = proposed(settings)
    assert [(p.value, p.unit, p.year) for p in found] == [("70,5", "millions de tonnes", 2024),
                                                          ("12 345", "visiteurs", 2022),
                                                          ("95", "millions de tonnes", 2024)]
    port, opera, wrong = found
    assert port.evidence.startswith("En 2024, le Grand Port") and port.year_from == "sentence"
    assert "MAR-001" in port.duplicates and not port.contradicts  # the same figure as the corpus's
    assert not opera.duplicates and not opera.contradicts
    assert "MAR-001" in wrong.contradicts and not wrong.duplicates  # same thing, same year, another value
    assert len({p.id for p in found}) == 3 and all(p.status == "proposed" for p in found)
    press = pr.propose("Il y en eut précisément 71.000 en 2022, sur 3.173 km2.", "fr", "x.md", [], "x")
    assert [(p.value, p.amount, p.unit) for p in press] == [("71 000", 71000, ""), ("3 173", 3173, "km2")]
    assert press[0].evidence == "Il y en eut précisément 71.000 en 2022, sur 3.173 km2."  # the evidence as written
    assert pr.propose("La séance de juin 2024 s'est bien passée, le 12 juin.", "fr", "x.md", [], "x") == []  # dates


def test_nothing_enters_the_corpus_until_a_person_confirms(settings):
    before = snapshot(settings.corpus_dir)
    found = proposed(settings)
    assert pr.record(settings.data_dir, found) == (3, 0) and pr.record(settings.data_dir, found) == (0, 3)
    assert snapshot(settings.corpus_dir) == before
    port, opera, wrong = found
    with pytest.raises(pr.ProposalError, match="duplicates MAR-001") as err:
        pr.confirm(settings.corpus_dir, settings.data_dir, port.id, filiere="maritime", by="anna", today=TODAY)
    assert "--discard" in err.value.fix and snapshot(settings.corpus_dir) == before
    _, fid = pr.confirm(settings.corpus_dir, settings.data_dir, opera.id, filiere="culture", by="anna", today=TODAY,
                        unit="visiteurs (expositions)")
    facts, issues = load_corpus(settings.corpus_dir, TODAY)
    new = next(f for f in facts if f.id == fid)
    assert fid.startswith("CUL-") and new.status == "draft" and new.verified_by == "anna" and new.year == 2022
    assert new.value == "12 345" and new.unit == "visiteurs (expositions)" and new.statement_fr.startswith(
        "En 2022, le musée du Santon")
    assert new.source.url == "https://example.org/cr.md"
    assert "« En 2022, le musée" in new.notes and opera.id in new.notes
    assert not [i for i in issues if i.level == "error"]
    with pytest.raises(pr.ProposalError, match="already confirmed"):
        pr.confirm(settings.corpus_dir, settings.data_dir, opera.id, filiere="culture", by="anna", today=TODAY)
    pr.discard(settings.data_dir, wrong.id, "anna", TODAY)
    assert pr.load(settings.data_dir)[wrong.id].status == "discarded"


def test_a_proposal_without_year_source_or_french_statement_is_refused(settings):
    before = snapshot(settings.corpus_dir)
    undated = pr.propose("Le site compte 1 200 salariés.", "fr", "a.md", [], "A", "")
    english = pr.propose("In 2023 the plant employed 1,200 people.", "en", "b.md", [], "B", "https://example.org/b")
    pr.record(settings.data_dir, undated + english)
    with pytest.raises(pr.ProposalError, match="has no year"):
        pr.confirm(settings.corpus_dir, settings.data_dir, undated[0].id, filiere="energie", by="a", today=TODAY)
    with pytest.raises(pr.ProposalError, match="no source address"):
        pr.confirm(settings.corpus_dir, settings.data_dir, undated[0].id, filiere="energie", by="a", today=TODAY,
                   year=2024)
    with pytest.raises(pr.ProposalError, match="is in English"):
        pr.confirm(settings.corpus_dir, settings.data_dir, english[0].id, filiere="energie", by="a", today=TODAY)
    assert snapshot(settings.corpus_dir) == before
    _, fid = pr.confirm(settings.corpus_dir, settings.data_dir, english[0].id, filiere="energie", by="a", today=TODAY,
                        statement="En 2023, l'usine employait 1 200 personnes.")
    new = next(f for f in load_corpus(settings.corpus_dir, TODAY)[0] if f.id == fid)
    assert new.statement_en == "In 2023 the plant employed 1,200 people." and new.year == 2023


def test_the_cli_proposes_lists_and_confirms(settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    doc = tmp_path / "cr.md"
    doc.write_text(DOC, encoding="utf-8")
    assert main(["propose-facts", str(doc), "--source-url", "https://example.org/cr.md", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["added"] == 3 and out["proposals"][0]["duplicates"][:1] == ["MAR-001"]
    assert main(["propose-facts", "--list"]) == 0 and capsys.readouterr().out.count("[proposed]") == 3
    opera = out["proposals"][1]["id"]
    assert main(["propose-facts", "--confirm", opera, "--by", "anna"]) == 1  # no filière
    assert "--filiere" in capsys.readouterr().err
    assert main(["propose-facts", "--confirm", opera, "--filiere", "culture", "--by", "anna"]) == 0
    assert "as status: draft" in capsys.readouterr().out
    assert main(["propose-facts", "--confirm", out["proposals"][0]["id"], "--filiere", "maritime"]) == 2
    assert "duplicates MAR-001" in capsys.readouterr().err
