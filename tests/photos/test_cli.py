"""`python -m pipeline photos …` as a user runs it: import with a CSV (a refused row said, the rest imported), list,
set, review by an approver who signs in (an editor refused), rights report with the pages using a photo, export."""
from __future__ import annotations

import json

from pipeline.cli.main import main
from tests.photos.images import write_photo


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_photos_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STUDIO_TODAY", "2026-12-02")
    monkeypatch.setenv("PW", "correct horse battery staple")
    write_photo(tmp_path / "in" / "port.jpg", 1, (2400, 1600))
    (tmp_path / "in" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "meta.csv").write_text("file,title,alt_fr,licence,rights_end,filieres\n"
                                       "port.jpg,Le port,Le Vieux-Port au matin,CC-BY-4.0,2026-12-20,maritime\n"
                                       "absent.jpg,Absent,,,,\n", encoding="utf-8")
    code, out, err = run(capsys, "photos", "import", str(tmp_path / "in"), "--metadata", str(tmp_path / "meta.csv"))
    assert code == 2 and "imported port.jpg as ph-" in out
    assert "REFUSED meta.csv line 3: absent.jpg is not in" in err and "REFUSED" in err and "logo.svg" in err
    code, out, _ = run(capsys, "photos", "list", "--json")
    [photo] = json.loads(out)
    pid = photo["id"]
    assert photo["rights"]["state"] == "expiring" and photo["alt_fr"] == "Le Vieux-Port au matin"
    code, out, err = run(capsys, "photos", "import", str(tmp_path / "in"))
    assert f"duplicate port.jpg: the same file as {pid}" in out
    assert run(capsys, "photos", "set", pid, "rights_end=2020-01-01")[0] == 2  # already over: refused
    assert run(capsys, "photos", "set", pid, "alt_en=The Old Port at dawn", "tags=port;mer")[0] == 0
    assert run(capsys, "users", "add", "bea", "--role", "approver", "--password-env", "PW")[0] == 0
    assert run(capsys, "users", "add", "ed", "--role", "editor", "--password-env", "PW")[0] == 0
    code, _, err = run(capsys, "photos", "review-alt", pid, "--lang", "en", "--as", "ed", "--password-env", "PW")
    assert code == 6 and "may not mark alt texts" in err
    code, out, _ = run(capsys, "photos", "review-alt", pid, "--lang", "en", "--as", "bea", "--password-env", "PW")
    assert code == 0 and "alt_en reviewed by bea" in out
    code, out, _ = run(capsys, "photos", "show", pid, "--json")
    shown = json.loads(out)
    assert shown["reviewed"]["alt_en"] and not shown["reviewed"]["alt_fr"] and shown["tags"] == ["mer", "port"]
    assert run(capsys, "photos", "list", "--missing-alt", "fr")[1].startswith(pid)
    code, out, _ = run(capsys, "photos", "rights", "--days", "30", "--json")
    assert [r["id"] for r in json.loads(out)] == [pid] and json.loads(out)[0]["ends"] == "2026-12-20"
    code, out, _ = run(capsys, "photos", "export")
    assert out.splitlines()[0].startswith("file,id,sha256,title") and "port.jpg," in out
