"""The barometer report, per language, as PDF and DOCX: docs/barometre-fr.pdf|.docx, docs/barometer-en.pdf|.docx.

The same content as the published pages, in one document: a title page, the compass (its radars and its table), each
indicator (its charts, tables, what is missing or left out, its sources) and the method. The PDF is the pages' own
HTML and charts laid out by WeasyPrint with the site's stylesheets; the DOCX (python-docx) holds the same charts as
PNG, drawn from the same SVG by cairosvg, and the same tables. Every figure in them is a fact's value with its id."""
from __future__ import annotations

import hashlib
import html
import io
import os
import re
import shutil
from pathlib import Path

from pipeline.corpus.agency import current as current_agency
from pipeline.errors import PublishError
from pipeline.publish import barometer as bp
from pipeline.publish.barometer_method import method_page
from pipeline.publish.dates import long_date
from pipeline.publish.documents import write_blocks_docx
from pipeline.publish.layout import Frame, Site, labels
from pipeline.publish.pdf import STYLE as SITE_CSS
from pipeline.publish.pdf import _weasyprint

REPORTS = {"fr": (f"docs/{bp.REPORT_NAMES['fr']}", "Baromètre de l'attractivité"),  # + the territory: report_title
           "en": (f"docs/{bp.REPORT_NAMES['en']}", "Attractiveness barometer")}
SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)


def report_title(lang: str) -> str:
    """The report's title with the home territory's name from the corpus ("Baromètre de l'attractivité — …")."""
    return f"{REPORTS[lang][1]} — {current_agency().territory(lang)}"


def report_paths(lang: str) -> tuple[str, str]:
    """(PDF path, DOCX path) of the report in `lang`, from the site's root."""
    base = REPORTS[lang][0]
    return f"{base}.pdf", f"{base}.docx"


def _frame(pub, lang: str) -> Frame:
    """The report's links: absolute with the site's address, else relative to docs/ (the report beside the site)."""
    return Frame(report_paths(lang)[0], lang, report_title(lang), report_title(lang), rooted=bool(pub.site.base_url),
                 year=pub.b.today.year)


def report_html(pub, lang: str) -> str:
    """The report as one print HTML document (the pages' content, one indicator per page)."""
    frame, title, e = _frame(pub, lang), report_title(lang), html.escape
    parts = [f'<section class="title-page">\n<p class="brand-tagline">{e(labels(lang)["tagline"])}</p>\n'
             f"<h1>{e(title)}</h1>\n<p class=\"date\"><time datetime=\"{pub.b.today.isoformat()}\">"
             f"{e(long_date(pub.b.today, lang))}</time></p>\n<p>{e(bp.lede(pub, lang))}</p>\n</section>",
             f'<section class="doc-section">\n{bp.index_page(pub, lang, frame, whole=False)}\n</section>']
    parts += [f'<section class="doc-section">\n{bp.indicator_page(pub, r, lang, frame, whole=False)}\n</section>'
              for r in pub.shown()]
    parts.append(f'<section class="doc-section">\n{method_page(pub, lang, frame, whole=False)}\n</section>')
    return (f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
            f'</head>\n<body class="print-document"><div class="barometer">\n' + "\n".join(parts)
            + "\n</div></body>\n</html>\n")


def write_report_pdf(path: Path, pub, lang: str) -> None:
    weasyprint = _weasyprint()
    doc = weasyprint.HTML(string=report_html(pub, lang), base_url=str(path.parent)).render(
        stylesheets=[weasyprint.CSS(filename=str(SITE_CSS)), weasyprint.CSS(filename=str(bp.STYLE))])
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.write_pdf(str(path))


# ------------------------------------------------------------------ DOCX
def _png(svg: str, width: int) -> io.BytesIO:
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: the system's cairo library is missing
        raise PublishError(f"the barometer report's charts cannot be drawn as PNG ({exc})",
                           fix="install the requirements (cairosvg) and Debian's libcairo2 (bash scripts/setup.sh)")
    return io.BytesIO(cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width))


def _cells(fragment: str) -> list[list[str]]:
    """The rows of an HTML table the pages wrote, as plain text cells."""
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", fragment, re.S):
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)])
    return rows


def _blocks(fragment: str):
    """The page content in order: ("h1"|"h2"|"h3"|"p"|"li"|"caption", text), ("svg", markup), ("table", rows)."""
    token = re.compile(r"<(h[123])[^>]*>(.*?)</\1>|<p[^>]*>(.*?)</p>|<li>(.*?)</li>|(<svg\b.*?</svg>)"
                       r"|<table[^>]*>(.*?)</table>", re.S)
    text = re.sub(r"<figcaption>.*?</figcaption>", "", fragment, flags=re.S)
    for m in token.finditer(text):
        plain = lambda s: html.unescape(re.sub(r"<[^>]+>", "", s)).strip()  # noqa: E731
        if m.group(1):
            yield m.group(1), plain(m.group(2))
        elif m.group(3) is not None:
            yield "p", plain(m.group(3))
        elif m.group(4) is not None:
            yield "li", plain(m.group(4))
        elif m.group(5):
            yield "svg", m.group(5)
        elif m.group(6) is not None:
            caption = re.search(r"<caption>(.*?)</caption>", m.group(6), re.S)
            if caption:
                yield "caption", plain(caption.group(1))
            yield "table", _cells(m.group(6))


def write_report_docx(path: Path, pub, lang: str) -> None:
    """The report as DOCX: the same headings, texts, charts (PNG) and tables as the PDF (documents.write_blocks_docx
    lays them out)."""
    frame = _frame(pub, lang)
    sections = [bp.index_page(pub, lang, frame, whole=False)]
    sections += [bp.indicator_page(pub, r, lang, frame, whole=False) for r in pub.shown()]
    sections.append(method_page(pub, lang, frame, whole=False))
    blocks: list[tuple[str, object]] = []
    radars: list = []

    def flush_radars() -> None:
        if radars:  # the compass's small radars, three a row
            blocks.append(("grid", [_png(svg, 450) for svg in radars]))
            radars.clear()

    for n, fragment in enumerate(sections):
        if n:
            blocks.append(("pagebreak", None))
        for kind, item in _blocks(fragment):
            if kind == "svg" and "chart-compass" in item.split(">", 1)[0]:
                radars.append(item)
                continue
            flush_radars()
            if kind == "svg":
                blocks.append(("image", _png(item, 960)))
            elif item:
                blocks.append((kind, item))
        flush_radars()
    write_blocks_docx(path, report_title(lang), lang, long_date(pub.b.today, lang), blocks)


CACHE_VERSION = "1"  # raise it when the report's layout changes: the cached reports are then made again


def write_reports(folder: Path, b, facts, fact_base, base_url: str = "") -> list[dict]:
    """Write the report in both languages, PDF and DOCX, into `folder` (a publish's); returns what could not be made,
    as publish's documents not made ({kind, lang, format, reason, fix}: a PDF among them is a warning).

    With `b.report_cache` (a folder), a report whose content did not change since it was last made (the same HTML,
    charts and links, which the DOCX is made from too) is copied from there instead of being laid out again."""
    site = Site(base_url=base_url, fact_base=True, barometer=True,
                fact_filiere={f.id: f.filiere for f in fact_base.facts} if fact_base else {})
    pub = bp.published(site, b, facts)
    missing = []
    cache = getattr(b, "report_cache", None)
    for lang in bp.LANGS:
        key = hashlib.sha256((CACHE_VERSION + report_html(pub, lang)).encode("utf-8")).hexdigest()[:24]
        for rel, write in zip(report_paths(lang), (write_report_pdf, write_report_docx)):
            kept = Path(cache) / key / Path(rel).name if cache else None
            if kept is not None and kept.is_file():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(kept, folder / rel)
                continue
            try:
                write(folder / rel, pub, lang)
            except PublishError as exc:
                missing.append({"kind": "barometer", "lang": lang, "format": rel.rsplit(".", 1)[1],
                                "reason": exc.message, "fix": exc.fix})
                continue
            if kept is not None:
                _keep(folder / rel, kept)
    return missing


def _keep(made: Path, kept: Path) -> None:
    """Store a report made in the cache (only the newest version of each file: older keys are removed)."""
    try:
        for old in kept.parent.parent.glob(f"*/{kept.name}"):
            old.unlink()
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_suffix(kept.suffix + ".tmp")
        shutil.copyfile(made, tmp)
        os.replace(tmp, kept)
    except OSError:  # a cache that cannot be written only costs the next publish the time to make it again
        pass


__all__ = ["write_reports", "report_paths", "report_html"]
