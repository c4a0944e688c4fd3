"""Editions: frozen once with the facts behind them; what changed since, with the fact that explains it."""
from __future__ import annotations

import json
import re

from pipeline.barometer.model import parse_value
from pipeline.cli.main import main
from tests.conftest import TODAY, edit_fact

NEW_TEU = """
- id: MAR-099
  filiere: maritime
  statement_fr: Le port de Marseille-Fos a traité 1,6 million d'EVP en 2025.
  value: "1,6"
  unit: millions d'EVP
  indicator: teu
  perimeter: port
  year: 2025
  source:
    title: Bilan 2025 du port
    url: https://example.org/bilan-2025
  verified_on: 2026-11-29
  verified_by: test
  review_by: 2027-11-29
  status: verified
"""


def run(monkeypatch, capsys, settings, *args):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("STUDIO_TODAY", TODAY.isoformat())
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_edition_is_frozen_once_with_every_fact_behind_its_figures(settings, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, settings, "barometer", "build", "--edition", "2026-06")
    assert code == 0 and "2026-06" in out
    doc = json.loads((settings.data_dir / "barometer" / "2026-06.json").read_text(encoding="utf-8"))
    for ind in doc["indicators"]:  # every figure of the edition is the value of a fact frozen with it
        for p in ind["series"] + (ind["comparison"]["rows"] if ind["comparison"] else []):
            frozen = doc["facts"][p["fact_id"]]
            assert parse_value(frozen["value"]) == p["value"] and frozen["year"] == p["year"]
            assert frozen["record_hash"]
    code, _, err = run(monkeypatch, capsys, settings, "barometer", "build", "--edition", "2026-06")
    assert code == 2 and "frozen" in err  # never rewritten
    code, _, err = run(monkeypatch, capsys, settings, "barometer", "build", "--edition", "juin")
    assert code == 2 and "YYYY-MM" in err


def test_changes_since_an_edition_say_what_and_which_fact(settings, monkeypatch, capsys):
    assert run(monkeypatch, capsys, settings, "barometer", "build", "--edition", "2026-06")[0] == 0
    edit_fact(settings.corpus_dir, "PAI-053", 'value: "1.45"', 'value: "1.48"')   # a fact changes
    for fid in ("PAI-041", "PAI-042"):  # Nice's 2024 and 2023 airport figures go (2022 is too far from 2024)
        edit_fact(settings.corpus_dir, fid, "status: verified", "status: retired")
    path = settings.corpus_dir / "facts" / "maritime.yaml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_TEU, encoding="utf-8")  # a new year
    code, out, _ = run(monkeypatch, capsys, settings, "barometer", "changes", "--since", "2026-06", "--json")
    assert code == 0
    found = json.loads(out)["changes"]
    msgs = "\n".join(c["message"] for c in found)
    assert "Containers (TEU): 1.45 (2024) → 1,6 (2025) (+10 %) since the 2026-06 edition" in msgs
    assert "fact PAI-053 changed: value 1.45 → 1.48" in msgs
    assert "fact PAI-041 is no longer shown" in msgs
    rank = next(c for c in found if c["kind"] == "rank" and c["indicator"] == "airport_passengers")
    assert "rank 2 of 7 (2024) → 1 of 6 (2024)" in rank["message"] and rank["facts"] == ["TER-017"]
    # two frozen editions compare the same way; nothing changed between an edition and its copy
    assert run(monkeypatch, capsys, settings, "barometer", "build", "--edition", "2026-12")[0] == 0
    code, out, _ = run(monkeypatch, capsys, settings, "barometer", "changes", "--since", "2026-12",
                       "--edition", "2026-12")
    assert code == 0 and "Changes since the 2026-12 edition (2026-12): 0" in out
    code, _, err = run(monkeypatch, capsys, settings, "barometer", "changes", "--since", "2025-01")
    assert code == 2 and "2026-06, 2026-12" in err


def test_the_next_edition_and_the_published_page_say_what_changed_since(settings, monkeypatch, capsys):
    from html import unescape

    from pipeline.barometer.build import load_barometer
    from pipeline.barometer.editions import edition_doc, since_latest
    from pipeline.corpus.facts import load_corpus
    from pipeline.publish.barometer import barometer_pages
    from pipeline.publish.facts_pages import public_fact_base
    from pipeline.publish.layout import Site
    assert run(monkeypatch, capsys, settings, "barometer", "build", "--edition", "2026-06")[0] == 0
    path = settings.corpus_dir / "facts" / "maritime.yaml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_TEU, encoding="utf-8")
    edit_fact(settings.corpus_dir, "PAI-053", 'value: "1.45"', 'value: "1.48"')
    code, out, _ = run(monkeypatch, capsys, settings, "barometer", "build", "--edition", "2026-12")
    assert code == 0 and "changes since the 2026-06 edition" in out and "(+10 %)" in out
    frozen = json.loads((settings.data_dir / "barometer" / "2026-12.json").read_text(encoding="utf-8"))
    assert frozen["changes_since"]["edition"] == "2026-06" and frozen["changes_since"]["changes"]
    facts = load_corpus(settings.corpus_dir, TODAY)[0]
    edit_fact(settings.corpus_dir, "MAR-099", 'value: "1,6"', 'value: "1,7"')  # after the 2026-12 edition
    facts = load_corpus(settings.corpus_dir, TODAY)[0]
    b = load_barometer(settings, draws=0)
    b.since = since_latest(settings.data_dir, edition_doc(b, facts, "now"))
    base = public_fact_base(facts, TODAY)
    pages, _ = barometer_pages(Site(fact_base=True, fact_filiere={f.id: f.filiere for f in base.facts}), b, facts)
    page = {p: h for p, h, *_ in pages}
    fr, en = unescape(page["fr/barometre/index.html"]), unescape(page["en/barometre/index.html"])
    assert "Depuis l'édition 2026-12" in fr and "Conteneurs (EVP) : 1,6 (2025) → 1,7 (2025) (+6,2\u202f%)" in fr
    assert 'href="../faits/maritime.html#MAR-099">MAR-099</a>' in fr
    assert "Since the 2026-12 edition" in en and "Containers (TEU): 1.6 (2025) → 1.7 (2025) (+6.2%)" in en
    assert "fact MAR-099 changed (value: 1.6 → 1.7)" in re.sub(r"<[^>]+>", "", en)
    assert "le fait MAR-099 a changé (valeur : 1,6 → 1,7)" in re.sub(r"<[^>]+>", "", fr)
