"""The documents in open formats beside the DOCX and the PDF: ODT (read back with odfpy) and Markdown, the same
approved text with its note numbers and sources, the agency as author, and the licence statement etalab-2.0 asks for
(licence, source, date of the last update) in all four formats."""
from __future__ import annotations

from odf import dc, teletype
from odf.opendocument import load
from odf.text import H, P, Span
from pypdf import PdfReader

from tests.publish.conftest import docx_text, run


def odt_paragraphs(path) -> list[tuple[str, str]]:
    doc = load(str(path))
    return [(el.qname[1], teletype.extractText(el)) for el in doc.text.childNodes if el.qname[1] in ("h", "p", "list")]


def test_the_argumentaire_as_odt_and_markdown_with_notes_sources_and_licence(studio, tmp_path):
    settings, store, _ = studio
    out = tmp_path / "site"
    report = run(settings, store, out)
    formats = sorted((d["lang"], d["format"]) for d in report.documents if d["kind"] == "argumentaire")
    assert [f for lang, f in formats if lang == "fr"] == ["docx", "md", "odt", "pdf"]
    odt = out / "docs" / "argumentaire-fr.odt"
    doc = load(str(odt))
    assert doc.mimetype == "application/vnd.oasis.opendocument.text"
    assert teletype.extractText(doc.meta.getElementsByType(dc.Title)[0]) == "Argumentaire d'attractivité — " \
                                                                           "Aix-Marseille-Provence"
    assert teletype.extractText(doc.meta.getElementsByType(dc.Creator)[0]) == "One Provence"
    paras = odt_paragraphs(odt)
    assert ("h", "Industrie") in paras and ("h", "Notes et sources") in paras
    assert ("p", "Marignane réunit plus de 200 métiers1.") in paras  # the citation is its note number
    bold = [teletype.extractText(s) for s in doc.text.getElementsByType(Span) if s.getAttribute("stylename") == "Bold"]
    assert "plus de 200 métiers" in bold
    assert any(t.startswith("1. ") and "www.photo-club-vitrolles.fr · 2024" in t for _, t in paras)
    assert not any("[AER-002]" in t for _, t in paras)
    licence = [t for _, t in paras if "etalab-2.0" in t]
    assert len(licence) == 1 and "« One Provence — Argumentaire d'attractivité" in licence[0] and "2026" in licence[0]
    assert len(doc.text.getElementsByType(H)) >= 3 and doc.text.getElementsByType(P)

    md = (out / "docs" / "argumentaire-en.md").read_text(encoding="utf-8")
    assert md.startswith("# Investment case — Aix-Marseille-Provence\n")
    assert "Marignane brings together *over 200 trades*[^1]." in md and "[AER-002]" not in md
    assert "\n[^1]: [" in md and "· 2024" in md and "## Notes and sources" in md
    assert "etalab-2.0" in md and "“One Provence — Investment case" in md
    # the DOCX and the PDF carry the same statement
    assert any("etalab-2.0" in t for _, t in docx_text(out / "docs" / "argumentaire-fr.docx"))
    pdf_text = " ".join(p.extract_text() for p in PdfReader(str(out / "docs" / "argumentaire-en.pdf")).pages[:1])
    assert "etalab-2.0" in pdf_text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="docs/argumentaire-fr.odt"' in index and 'href="docs/argumentaire-fr.md"' in index
