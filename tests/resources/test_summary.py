"""A resource's summary drafted by a configured model is kept only when every figure is the document's, in its
language, short and plain; the embedded model is never asked; `resources summarize` prints a kept summary (or
writes it for `add --summary-file`) and lists nothing itself."""
from __future__ import annotations

import pytest

from pipeline.cli.main import main
from pipeline.errors import ConfigError
from pipeline.llm.base import LLMResult, LLMSettings
from pipeline.llm.prompts import load_prompt
from pipeline.resources.registry import load_resources
from pipeline.resources.summary import MAX_WORDS, SummaryWriter, summary_problems
from tests.resources.conftest import FR_TEXT

GOOD = ("En 2025, l'Académie One Provence a réuni à Marseille plus de 120 acteurs de l'économie sociale et solidaire, "
        "dont les entreprises emploient 12 % des salariés du territoire.")


class Reply:
    """An OpenAI-compatible model that answers every prompt with one scripted text, and keeps the prompts."""

    def __init__(self, text: str, backend: str = "openai-compatible") -> None:
        self.settings = LLMSettings(backend, "scripted", "http://127.0.0.1:1/v1")
        self.text, self.prompts = text, []

    def complete(self, system, user, max_tokens=256, stop=None):
        self.prompts.append((system, user))
        return LLMResult(self.text, self.settings.backend, "scripted", 10, 10, 0.0)

    def ping(self):
        return "ok"


def draft(text: str, document: str = FR_TEXT, lang: str = "fr"):
    model = Reply(text)
    return SummaryWriter(model, load_prompt("summary")).draft("Innovation sociale", document, lang), model


def test_a_summary_whose_figures_are_the_documents_is_kept_without_its_label():
    got, model = draft("Résumé : « " + GOOD + " »")
    assert got.kept and got.problems == [] and got.text == GOOD
    system, user = model.prompts[0]
    assert "French" in system and FR_TEXT in user and "Innovation sociale" in user  # the document, its language


@pytest.mark.parametrize("text, problem", [
    (GOOD.replace("120", "1 200"), "“1 200” is not a figure of the document"),
    (GOOD.replace("2025", "2024"), "“2024” is not a figure of the document"),
    (GOOD.replace("12 %", "15 %"), "“15 %” is not a figure of the document"),
    ("In 2025 the One Provence Académie brought together more than 120 social economy players in Marseille.",
     "it is written in 'en', the document in 'fr'"),
    (" ".join([GOOD] * 4), f"words (at most {MAX_WORDS})"),
    ("- " + GOOD + "\n- " + GOOD, "prompt text or a list"),
    ("", "the summary is empty"),
])
def test_a_summary_the_document_does_not_back_is_refused_with_the_reason(text, problem):
    got, _ = draft(text)
    assert not got.kept and any(problem in p for p in got.problems), got.problems


def test_the_check_reads_figures_as_the_checker_does():
    assert summary_problems("Plus de 120 acteurs se sont réunis en 2025 à Marseille.", FR_TEXT, "fr") == []
    assert summary_problems("More than 120 players met in 2025.", "In 2025, 120 players met in Marseille.", "en") == []


def test_the_embedded_model_never_drafts_a_summary():
    with pytest.raises(ConfigError) as exc:
        SummaryWriter(Reply(GOOD, backend="embedded"), load_prompt("summary"))
    assert "--summary" in exc.value.fix


def test_the_cli_prints_a_kept_summary_writes_it_and_lists_nothing(docs, settings, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    md = docs / "compte-rendu.md"
    md.write_text("# Innovation sociale\n\n" + FR_TEXT + "\n", encoding="utf-8")
    monkeypatch.setattr("pipeline.llm.factory.make_chat_model", lambda _settings: Reply(GOOD))
    out = docs / "resume.txt"
    assert main(["resources", "summarize", str(md), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert GOOD in printed.out and "--summary-file" in printed.err
    assert out.read_text(encoding="utf-8").strip() == GOOD and load_resources(settings.corpus_dir) == []

    monkeypatch.setattr("pipeline.llm.factory.make_chat_model", lambda _settings: Reply(GOOD.replace("120", "900")))
    assert main(["resources", "summarize", str(md)]) != 0
    err = capsys.readouterr().err
    assert "compte-rendu.md" in err and "“900” is not a figure of the document" in err and "--summary" in err
