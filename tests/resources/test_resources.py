"""The Académie's resources: a document is read (Markdown, DOCX, PDF) and kept in the corpus with its details; bad
input (a scan, tracked changes, 50 MB, another language, an empty field) is refused with a message naming the document
and the fix, and the corpus is left as it was; publish lists the resources on a page of their own, copies the
documents and indexes them for the search; the CLI adds and lists."""
from __future__ import annotations

import json
import shutil
from datetime import date

import lxml.html
import pytest

from pipeline.cli.main import main
from pipeline.publish.js_terms import term_reader
from pipeline.publish.search_index import read_index
from pipeline.resources.reader import DocumentError, read_document
from pipeline.resources.registry import add_resource, load_resources
from tests.publish.conftest import NOW, TODAY, studio  # noqa: F401  (the publish tests' drafts database)
from tests.resources.conftest import FR_TEXT, make_docx, make_pdf, make_scan

DETAILS = dict(title="Innovation sociale : ce que l'Académie a appris", day=date(2025, 6, 12),
               event="Académie One Provence — innovation sociale, 2025", author="One Provence",
               licence="etalab-2.0", summary="Compte rendu de la rencontre sur l'innovation sociale.")


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_markdown_docx_and_pdf_are_read_with_their_language(docs):
    md = docs / "a.md"
    md.write_text("# Titre\n\n" + FR_TEXT, encoding="utf-8")
    assert read_document(md).lang == "fr" and "120 acteurs" in read_document(md).text
    docx = read_document(make_docx(docs / "b.docx", ["Innovation sociale", FR_TEXT]))
    assert docx.kind == "docx" and docx.text.startswith("Innovation sociale\n\n") and docx.lang == "fr"
    pdf = read_document(make_pdf(docs / "c.pdf", [FR_TEXT]))
    assert pdf.kind == "pdf" and pdf.pages == 1 and "12 % des salariés" in " ".join(pdf.text.split())
    en = docs / "d.md"
    en.write_text("The Académie brought together more than 120 people of the social economy in Marseille, and "
                  "they said that it was a success for the region.", encoding="utf-8")
    assert read_document(en).lang == "en"


@pytest.mark.parametrize("case", ["scan", "tracked", "huge", "spanish", "not_utf8", "odd_type"])
def test_bad_documents_are_refused_with_the_document_and_the_fix(docs, settings, case):
    corpus = settings.corpus_dir
    before = snapshot(corpus)
    if case == "scan":
        path, said = make_scan(docs / "scan.pdf"), ("scan.pdf has no text layer", "not do OCR")
    elif case == "tracked":
        path, said = make_docx(docs / "suivi.docx", [FR_TEXT], tracked=True), ("suivi.docx has tracked changes",
                                                                             "Accept")
    elif case == "huge":
        path = docs / "gros.pdf"
        with open(path, "wb") as f:
            f.truncate(50 * 1024 * 1024)
        said = ("gros.pdf is 50.0 MB; the limit is 20 MB", "compress")
    elif case == "spanish":
        path = docs / "es.md"
        path.write_text("La Academia reunió a más de 120 actores de la economía social en Marsella, según los "
                        "participantes, y su número sigue creciendo en la metrópoli.", encoding="utf-8")
        said = ("es.md reads as 'es', neither French nor English", "--lang fr")
    elif case == "not_utf8":
        path = docs / "latin1.md"
        path.write_bytes(FR_TEXT.encode("latin-1"))
        said = ("latin1.md is not UTF-8", "UTF-8")
    else:
        path = docs / "slides.pptx"
        path.write_bytes(b"PK")
        said = ("slides.pptx: .pptx is not a document", ".docx")
    with pytest.raises(DocumentError) as err:
        add_resource(corpus, path, **DETAILS)
    assert said[0] in err.value.message and said[1] in err.value.fix + err.value.message, err.value
    assert snapshot(corpus) == before  # nothing written


def test_added_resources_are_kept_in_the_corpus_and_listed(docs, settings):
    md = docs / "a.md"
    md.write_text(FR_TEXT, encoding="utf-8")
    res, _ = add_resource(settings.corpus_dir, md, **DETAILS)
    assert res.id == "2025-06-12-innovation-sociale-ce-que-l-academie-a-appris" and res.lang == "fr"
    folder = settings.corpus_dir / "resources"
    assert (folder / res.file).read_bytes() == md.read_bytes()
    assert "120 acteurs" in (folder / f"{res.id}.txt").read_text(encoding="utf-8")
    pdf = make_pdf(docs / "b.pdf", [FR_TEXT])
    add_resource(settings.corpus_dir, pdf, **{**DETAILS, "title": "Autre", "day": date(2025, 9, 1)})
    listed = load_resources(settings.corpus_dir)
    assert [r.title for r in listed] == ["Autre", DETAILS["title"]]  # newest first
    assert listed[1].event == DETAILS["event"] and listed[1].licence == "etalab-2.0" and "120 acteurs" in listed[1].text
    with pytest.raises(DocumentError, match="already listed"):
        add_resource(settings.corpus_dir, md, **DETAILS)
    with pytest.raises(DocumentError, match="--summary is empty"):
        add_resource(settings.corpus_dir, md, **{**DETAILS, "summary": " ", "title": "X"})


def test_publish_shows_the_resources_copies_them_and_indexes_them(studio, docs, tmp_path):
    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    from pipeline.publish.site import publish
    from pipeline.retrieve.fact_base import current_facts
    settings, store, _ = studio
    md = docs / "a.md"
    md.write_text(FR_TEXT, encoding="utf-8")
    add_resource(settings.corpus_dir, md, **{**DETAILS, "summary": "Compte rendu <b>de la rencontre</b>."})
    out = tmp_path / "site"
    fil = load_filieres(settings.corpus_dir)
    publish(out, store, current_facts(settings), load_pages(settings.corpus_dir, fil), TODAY, now=NOW, filieres=fil,
            resources=load_resources(settings.corpus_dir))
    for lang in ("fr", "en"):
        page = lxml.html.fromstring((out / lang / "ressources" / "index.html").read_bytes())
        card = page.xpath('//article[@class="resource"]')[0]
        assert card.get("id") == "2025-06-12-innovation-sociale-ce-que-l-academie-a-appris"
        assert card.xpath("./h2/text()") == [DETAILS["title"]] and (card.get("lang") == "fr") == (lang == "en")
        assert "Compte rendu <b>de la rencontre</b>." in card.text_content()  # escaped, shown as written
        href = card.xpath(".//a[@download]/@href")[0]
        assert (out / lang / "ressources" / href).resolve().read_bytes() == md.read_bytes()
        assert lxml.html.fromstring((out / lang / "site-territoire.html").read_bytes()
                                    if lang == "fr" else (out / "en" / "index.html").read_bytes()).xpath(
            '//nav[@class="main-nav"]//a[contains(@href, "ressources/index.html")]')
        _, recs, terms = read_index(out, lang)
        hit = [n for n, r in enumerate(recs) if r["k"] == "resource"]
        assert len(hit) == 1 and recs[hit[0]]["u"] == f"{lang}/ressources/index.html#{card.get('id')}"
        for word in term_reader().query("120 acteurs", lang):  # its text is searched, not only its summary
            assert hit[0] in terms[word["term"]][::2], word


def test_the_cli_adds_and_lists(docs, settings, monkeypatch, capsys):
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    docx = make_docx(docs / "compte-rendu.docx", ["Innovation sociale", FR_TEXT])
    code = main(["resources", "add", str(docx), "--title", DETAILS["title"], "--date", "2025-06-12", "--event",
                 DETAILS["event"], "--author", "One Provence", "--licence", "etalab-2.0", "--summary", "Résumé."])
    assert code == 0 and "added 2025-06-12-innovation-sociale" in capsys.readouterr().out
    assert main(["resources", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["file"].endswith(".docx")
    scan = make_scan(docs / "scan.pdf")
    code = main(["resources", "add", str(scan), "--title", "Scan", "--date", "2025-06-12", "--event", "E",
                 "--author", "A", "--licence", "etalab-2.0", "--summary", "S"])
    err = capsys.readouterr().err
    assert code != 0 and "scan.pdf has no text layer" in err and "OCR" in err
    shutil.rmtree(docs)
