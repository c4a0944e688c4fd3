"""Documents staff might bring, made by the tests: a Markdown text, a DOCX (with or without tracked changes), a PDF
with text (WeasyPrint) and one that is only an image (a scan, made with Pillow)."""
from __future__ import annotations

from pathlib import Path

import pytest

FR_TEXT = ("L'Académie One Provence a réuni en 2025 plus de 120 acteurs de l'économie sociale et solidaire à "
           "Marseille. Les entreprises de l'économie sociale et solidaire emploient 12 % des salariés du territoire, "
           "selon les participants, et leur nombre est en hausse dans la métropole.")


def make_docx(path: Path, paragraphs: list[str], tracked: bool = False) -> Path:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if tracked:  # an insertion Word's "Track changes" would record
        p = doc.paragraphs[0]._p
        ins = OxmlElement("w:ins")
        ins.set(qn("w:id"), "1")
        ins.set(qn("w:author"), "Relecteur")
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = " 150 acteurs"
        r.append(t)
        ins.append(r)
        p.append(ins)
    doc.save(str(path))
    return path


def make_pdf(path: Path, paragraphs: list[str]) -> Path:
    import weasyprint
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    weasyprint.HTML(string=f"<html lang='fr'><body>{body}</body></html>").write_pdf(str(path))
    return path


def make_scan(path: Path) -> Path:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (800, 1100), "white")
    ImageDraw.Draw(img).text((50, 50), "Rapport scanne 2025", fill="black")
    img.save(str(path), "PDF")
    return path


@pytest.fixture
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder
