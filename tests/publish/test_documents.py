"""The downloadable documents: DOCX and PDF from the same content, the agency as author, a title page with the date,
page numbers, citations as numbered notes with their sources and no [ID] in the body; a PDF that cannot be made
(a system library missing) is said with the package to install, and the rest of the publish still lands."""
from __future__ import annotations

import builtins
import re

import pytest
from docx import Document
from pypdf import PdfReader

from tests.publish.conftest import run

CODE = re.compile(r"\[\[?\s*[A-Z]{2,5}-\d{2,4}")
MONTHS_FR = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


def test_docx_has_author_title_page_page_numbers_and_endnotes(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    doc = Document(str(out / "docs" / "argumentaire-fr.docx"))
    assert doc.core_properties.author == "One Provence" and doc.core_properties.language == "fr"
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "One Provence" and any(re.fullmatch(rf"\d{{1,2}} ({MONTHS_FR}) \d{{4}}", t) for t in texts[:12])
    title_at = next(n for n, p in enumerate(doc.paragraphs) if p.style.name == "Title")
    assert 'etalab-2.0' in doc.paragraphs[title_at + 2].text  # the date, then the licence statement (issue 16)
    assert 'w:type="page"' in doc.paragraphs[title_at + 2]._p.xml  # the title page ends with a page break
    notes_at = texts.index("Notes et sources")
    assert not any(CODE.search(t) for t in texts[:notes_at])  # no [ID] in the body
    assert texts[notes_at + 1].startswith("1. ") and "2024" in texts[notes_at + 1]
    body = "".join(p._p.xml for p in doc.paragraphs[:notes_at])
    assert '<w:hyperlink w:anchor="note_1">' in body  # the note call leads to its entry
    assert 'w:name="note_1"' in doc.paragraphs[notes_at + 1]._p.xml
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and doc.sections[0].different_first_page_header_footer


def test_pdf_beside_each_docx_with_page_numbers_and_notes(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    report = run(settings, store, out)
    pdfs = sorted(d["path"] for d in report.documents if d["format"] == "pdf")
    assert pdfs == ["docs/argumentaire-en.pdf", "docs/argumentaire-fr.pdf", "docs/employer-brand-kit-en.pdf"]
    reader = PdfReader(str(out / "docs" / "argumentaire-fr.pdf"))
    assert reader.metadata.author == "One Provence" and "Argumentaire" in reader.metadata.title
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr" and root["/MarkInfo"]["/Marked"]  # tagged, for screen readers
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 3 and "One Provence" in pages[0] and re.search(rf"\d{{1,2}} ({MONTHS_FR}) \d{{4}}", pages[0])
    assert "Page 1" not in pages[0]  # the title page has no number
    for n, text in enumerate(pages[1:], 2):
        assert f"Page {n} / {len(pages)}" in text
    whole = "\n".join(pages)
    assert "Marignane réunit plus de 200 métiers1." in whole and not CODE.search(whole)
    assert "Notes et sources" in whole and "www.photo-club-vitrolles.fr · 2024" in whole
    links = [a["/A"].get("/URI") for p in reader.pages for a in (p.get("/Annots") or []) if "/A" in a.get_object()]
    assert any(str(u).startswith("https://www.photo-club-vitrolles.fr/") for u in links if u)
    english = "\n".join(p.extract_text() for p in PdfReader(str(out / "docs" / "argumentaire-en.pdf")).pages)
    assert "Notes and sources" in english and "over 200 trades1." in english


def test_a_missing_system_library_is_said_and_the_rest_lands(studio, tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    settings, store, _ = studio
    out = tmp_path / "site"
    report = run(settings, store, out)
    assert len(report.pages) == 5 and (out / "docs" / "argumentaire-fr.docx").exists()
    assert not list((out / "docs").glob("*.pdf")) and (out / "index.html").exists()
    missing = [d for d in report.no_documents if d.get("format") == "pdf"]
    assert len(missing) == 3 and "libpango-1.0-0" in missing[0]["reason"]
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in missing[0]["fix"]
    assert any("no argumentaire PDF in fr" in w and "apt-get install" in w for w in report.warnings)
    assert 'argumentaire-fr.pdf' not in (out / "index.html").read_text(encoding="utf-8")

    from pipeline.cli.main import main
    monkeypatch.setenv("STUDIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("STUDIO_CORPUS_DIR", str(settings.corpus_dir))
    assert main(["publish", "--out", str(out)]) == 0  # published: the PDFs are a warning, with the fix
    err = capsys.readouterr().err
    assert "warning: no argumentaire PDF in fr: the PDF cannot be made" in err and "libpangoft2-1.0-0" in err


@pytest.mark.parametrize("name", ["argumentaire-fr", "employer-brand-kit-en"])
def test_docx_and_pdf_say_the_same_text(studio, tmp_path, name):
    settings, store, _ = studio
    out = tmp_path / "site"
    run(settings, store, out)
    words = lambda t: re.findall(r"[^\W\d_]{4,}", t)  # noqa: E731 (hyphenation and layout aside)
    body = [p.text for p in Document(str(out / "docs" / f"{name}.docx")).paragraphs]
    pdf = "\n".join(p.extract_text() for p in PdfReader(str(out / "docs" / f"{name}.pdf")).pages)
    flat = re.sub(r"‐\n|-\n", "", pdf).replace("\n", " ")
    for para in body:
        for w in words(para):
            assert w in flat, f"{w!r} of the DOCX is not in the PDF"
