"""translate: a configured model drafts missing wordings; only those passing the wording checks are written."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from pipeline.corpus.facts import load_corpus
from pipeline.corpus.writer import set_fields
from pipeline.draft.translate import Translator, clean, wanted
from pipeline.errors import ConfigError, CorpusError
from pipeline.llm.base import LLMResult, LLMSettings
from pipeline.llm.prompts import load_prompt
from pipeline.verify.wording import wording_checker
from tests.conftest import REPO, TODAY
from tests.draft.test_compose import drop_field


class ScriptedModel:
    """Answers each prompt with the reply scripted for the fact id it names."""

    def __init__(self, replies: dict[str, str]) -> None:
        self.settings = LLMSettings("openai-compatible", "scripted", "http://127.0.0.1:1/v1")
        self.replies = replies
        self.prompts: list[str] = []

    def complete(self, system, user, max_tokens=256, stop=None):
        self.prompts.append(user)
        fid = re.search(r"\[([A-Z]{3}-\d{3})\]", user).group(1)
        return LLMResult(self.replies[fid], "openai-compatible", "scripted", 10, 10, 0.0)

    def ping(self):
        return "ok"


def _translator(corpus_dir, model):
    facts, _ = load_corpus(corpus_dir, TODAY)
    return Translator(model, load_prompt("translate"), wording_checker(facts), corpus_dir), facts


def test_a_passing_wording_is_written_as_draft_and_a_wrong_one_is_refused(corpus_dir):
    drop_field(corpus_dir, "MAR-001", "wording_en")
    drop_field(corpus_dir, "MAR-003", "wording_en")
    before = (corpus_dir / "facts" / "maritime.yaml").read_text(encoding="utf-8")
    model = ScriptedModel({
        "MAR-001": "English: In 2024, the port of Marseille-Fos handled 70.5 million tonnes, down 2%. [MAR-001]",
        "MAR-003": "In 2024, the port of Marseille-Fos handled 1.65 million TEU, up 9% year on year.",  # wrong figure
    })
    tr, facts = _translator(corpus_dir, model)
    todo = wanted(facts, missing_only=True)
    assert {(f.id, lang) for f, lang in todo} == {("MAR-001", "en"), ("MAR-003", "en")}
    by_id = {f.id: f for f in facts}
    ok = tr.draft(by_id["MAR-001"], "en")
    bad = tr.draft(by_id["MAR-003"], "en")
    assert ok.kept and ok.wording == "In 2024, the port of Marseille-Fos handled 70.5 million tonnes, down 2%."
    assert not bad.kept and any("1.65" in p for p in bad.problems)
    assert "70,5 millions de tonnes" in model.prompts[0] and "English" in model.prompts[0]  # from the French wording
    after, _ = load_corpus(corpus_dir, TODAY)
    mar1, mar3 = (next(f for f in after if f.id == i) for i in ("MAR-001", "MAR-003"))
    assert mar1.wording_en == ok.wording and mar1.wording_status == "draft"
    assert mar3.wording_en == "" and mar3.wording_status == "seed"  # nothing written for the refused one
    changed = [ln for ln in (corpus_dir / "facts" / "maritime.yaml").read_text(encoding="utf-8").splitlines()
               if ln not in before.splitlines()]
    assert len(changed) == 2 and changed[0].startswith("  wording_en: In 2024")  # every other line as it was


def test_the_embedded_model_never_drafts_a_wording(corpus_dir):
    class Embedded(ScriptedModel):
        def __init__(self):
            super().__init__({})
            self.settings = LLMSettings()
    with pytest.raises(ConfigError) as exc:
        _translator(corpus_dir, Embedded())
    assert "embedded" in exc.value.message and "STUDIO_LLM_BACKEND" in exc.value.fix


def test_only_missing_or_unconfirmed_machine_wordings_are_wanted(corpus_dir):
    facts, _ = load_corpus(corpus_dir, TODAY)
    assert wanted(facts, missing_only=False) == []  # the seed's wordings are seed: never redrafted
    with pytest.raises(ConfigError, match="NOPE-1"):
        wanted(facts, True, ["NOPE-1"])


def test_clean_keeps_one_plain_sentence():
    assert clean("« In 2024, X. » [MAR-001]\nNote: I kept the figures.", "MAR-001") == "In 2024, X."
    assert clean("", "MAR-001") == ""


def test_the_writer_quotes_what_yaml_needs_and_refuses_an_unknown_fact(corpus_dir):
    path = corpus_dir / "facts" / "maritime.yaml"
    text = 'In 2024: "the port" handled # 70.5 million tonnes'
    set_fields(path, "MAR-001", {"wording_en": text}, after=("statement_fr",))
    fact = next(f for f in yaml.safe_load(path.read_text(encoding="utf-8")) if f["id"] == "MAR-001")
    assert fact["wording_en"] == text
    with pytest.raises(CorpusError, match="MAR-999 not found"):
        set_fields(path, "MAR-999", {"wording_en": "x"}, after=())


def test_cli_through_a_real_openai_compatible_server_refuses_a_reply_that_repeats_the_french(corpus_dir, tmp_path):
    from tests.fakes.llm_server import serve
    drop_field(corpus_dir, "MAR-001", "wording_en")
    before = (corpus_dir / "facts" / "maritime.yaml").read_text(encoding="utf-8")
    server, llm = serve(delay=0.0)  # it restates the fact line it is given: here the French wording
    try:
        env = {"STUDIO_CORPUS_DIR": str(corpus_dir), "STUDIO_DATA_DIR": str(tmp_path / "data"),
               "STUDIO_TODAY": TODAY.isoformat(), "PATH": "/usr/bin:/bin", "STUDIO_LLM_BACKEND": "openai-compatible",
               "STUDIO_LLM_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1", "STUDIO_LLM_MODEL": "fake"}
        p = subprocess.run([sys.executable, "-m", "pipeline", "translate", "--missing", "--json"], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert p.returncode == 1, p.stderr
    out = json.loads(p.stdout)
    assert out["wanted"] == 1 and out["kept"] == 0 and llm.calls == 1
    (o,) = out["outcomes"]
    assert o["fact_id"] == "MAR-001" and not o["kept"] and any("wrong_language" in x or "repeated" in x
                                                               for x in o["problems"])
    assert (corpus_dir / "facts" / "maritime.yaml").read_text(encoding="utf-8") == before
