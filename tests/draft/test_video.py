"""Short-video scripts: the catalogue's videos drafted in French and English within ±10 % of their duration, every
figure on screen and in the voice-over backed by a cited fact, and subtitles within the reading limits."""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest
import srt
import webvtt

from pipeline.corpus.catalogue import load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.draft.script import RATE, parse, within
from pipeline.errors import CorpusError, DraftError
from pipeline.publish.subtitles import LINE, LINES, MIN_S, cues, to_srt, to_vtt
from pipeline.store.database import DraftStore
from pipeline.wiring import open_drafter
from tests.conftest import REPO, TODAY, FakeChatModel, edit_item


@pytest.fixture(scope="module")
def videos(real_index_session):
    """Every video of the catalogue drafted in both languages (no model call: the fake model would fail if asked)."""
    specs = [s for s in load_pages(real_index_session.corpus_dir, load_filieres(real_index_session.corpus_dir))
             if s.kind == "video"]
    model = FakeChatModel(*[AssertionError("a video script calls no model")] * 50)
    out = {}
    with open_drafter(real_index_session, model=model) as (drafter, _):
        for spec in specs:
            for lang in spec.languages:
                out[(spec.id, lang)] = (spec, drafter.draft(spec, lang))
    assert model.prompts == []
    return out


def test_every_video_is_within_its_duration_and_every_figure_is_backed(videos):
    assert len(videos) >= 10  # five videos, two languages
    for (pid, lang), (spec, rec) in videos.items():
        script = parse(rec.text, lang)
        assert 3 <= len(script.shots) <= 6 and script.hook and script.cta, pid
        assert within(script.seconds(lang) + 2.0 * sum(not s.voice for s in script.shots), spec.duration), pid
        assert rec.check_report["video"]["target_s"] == spec.duration
        sentences = rec.check_report["sentences"]
        assert sentences and all(s["status"] in ("supported", "connective") for s in sentences), (pid, lang)
        figures = [f for s in sentences for f in s["figures"] if f["kind"] not in ("year",)]
        assert figures and all(f["backed_by"] for f in figures)
        for shot in script.shots:
            assert re.search(r"\[[A-Z]{3}-\d{3}\]", shot.on_screen) and shot.seen
            assert len(re.sub(r"\s*\[[^\]]+\]", "", shot.on_screen)) <= 40  # short enough to read on screen


def test_english_scripts_are_english_and_french_ones_french(videos):
    for (pid, lang), (_, rec) in videos.items():
        labels = ("Voice-over:", "On screen:", "## Hook") if lang == "en" else ("Voix off :", "À l'écran :", "## Accroche")
        assert all(x in rec.text for x in labels), pid
        assert "«" not in rec.text


def test_subtitles_are_valid_and_within_the_reading_limits(videos):
    for (pid, lang), (_, rec) in videos.items():
        items = cues(parse(rec.text, lang), lang)
        parsed = list(srt.parse(to_srt(items)))
        vtt = webvtt.from_string(to_vtt(items))
        assert len(parsed) == len(items) == len(vtt.captions) > 0
        for sub in parsed:
            lines = sub.content.split("\n")
            assert len(lines) <= LINES and all(len(x) <= LINE for x in lines), (pid, sub.content)
            assert (sub.end - sub.start).total_seconds() >= MIN_S and "[" not in sub.content
        assert all(a.end <= b.start for a, b in zip(parsed, parsed[1:]))  # in order, never overlapping
        spoken = " ".join(parse(rec.text, lang).spoken())
        assert " ".join(c.text.replace("\n", " ") for c in vtt.captions).split() == spoken.split()
        assert RATE[lang] > 2


def test_a_duration_the_facts_cannot_reach_is_refused_with_what_they_reach(real_index_session):
    spec = next(s for s in load_pages(real_index_session.corpus_dir, load_filieres(real_index_session.corpus_dir))
                if s.id == "video-logistique")
    with open_drafter(real_index_session, model=FakeChatModel()) as (drafter, _):
        with pytest.raises(DraftError) as exc:
            drafter.draft(replace(spec, duration=60), "fr")
        assert "video-logistique" in exc.value.message and "not 60 s" in exc.value.message
        assert "duration" in exc.value.fix
        few = replace(spec, sections=spec.sections[:2])
        with pytest.raises(DraftError, match="a script needs 3"):
            drafter.draft(few, "fr")


@pytest.mark.parametrize("old,new,expected", [
    ("  duration: 15\n", "  duration: 20\n", "duration 20"),
    ("    shot_en: A cargo plane being loaded on the tarmac\n", "", "no shot_en"),
])
def test_bad_video_items_are_refused_naming_the_item(corpus_dir, old, new, expected):
    assert edit_item(corpus_dir / "pages.yaml", "video-logistique", old, new)
    with pytest.raises(CorpusError) as exc:
        load_pages(corpus_dir, load_filieres(corpus_dir))
    assert "video-logistique" in exc.value.message and expected in exc.value.message


def test_subtitles_command_needs_an_approved_script(videos, tmp_path):
    (spec, rec) = videos[("video-logistique", "fr")]
    store = DraftStore.for_data_dir(tmp_path / "data")
    stored = store.add(rec)
    env = {"STUDIO_DATA_DIR": str(tmp_path / "data"), "STUDIO_TODAY": TODAY.isoformat(), "PATH": "/usr/bin:/bin"}

    def run(*a):
        return subprocess.run([sys.executable, "-m", "pipeline", "subtitles", *a], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
    p = run(str(stored.id))
    assert p.returncode == 2 and "not approved" in p.stderr and "approve it" in p.stderr
    assert not (tmp_path / "data" / "subtitles").exists()
    _approve(store, stored)
    p = run(str(stored.id), "--out", str(tmp_path / "subs"))
    assert p.returncode == 0, p.stderr
    assert list(srt.parse((tmp_path / "subs" / "video-logistique.fr.srt").read_text(encoding="utf-8")))
    assert webvtt.read(str(tmp_path / "subs" / "video-logistique.fr.vtt")).captions


def _approve(store, rec):
    from pipeline.review.desk import ReviewDesk
    desk = ReviewDesk(store)
    admin, _ = desk.add_user("chef", "approver", "correct horse battery staple 42")
    desk.approve(admin, rec.id, rec.version)


def test_publish_writes_the_subtitles_of_an_approved_script(videos, tmp_path, real_index_session):
    from pipeline.publish.site import publish
    from pipeline.retrieve.fact_base import current_facts
    store = DraftStore.for_data_dir(tmp_path / "data")
    fr = store.add(videos[("video-energie", "fr")][1])
    store.add(videos[("video-energie", "en")][1])  # not approved: no subtitles
    _approve(store, fr)
    specs = load_pages(real_index_session.corpus_dir, load_filieres(real_index_session.corpus_dir))
    publish(tmp_path / "site", store, current_facts(real_index_session), specs, TODAY)
    subs = sorted(p.name for p in (tmp_path / "site" / "videos").iterdir())
    assert subs == ["video-energie.fr.srt", "video-energie.fr.vtt"]
    assert list(srt.parse((tmp_path / "site" / "videos" / "video-energie.fr.srt").read_text(encoding="utf-8")))
    # the ambassadors' kit carries the approved script, without citation codes but with its sources, and its subtitles
    import zipfile
    kit = zipfile.ZipFile(tmp_path / "site" / "kit" / "kit-ambassadeurs.zip")
    assert {"videos/video-energie.fr.md", "videos/video-energie.fr.srt", "videos/video-energie.fr.vtt"} <= \
        set(kit.namelist()) and not any(".en." in n for n in kit.namelist())
    script = kit.read("videos/video-energie.fr.md").decode()
    assert "Voix off :" in script and not re.search(r"\[[A-Z]{3}-\d{3}\]", script.split("## Sources")[0])
    assert kit.read("videos/video-energie.fr.srt") == (tmp_path / "site" / "videos" / "video-energie.fr.srt").read_bytes()
