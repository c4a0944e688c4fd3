"""Opening a photo file safely (Pillow), and what it already says of itself (EXIF, IPTC, XMP) as proposals.

Refused, each with the file named and the fix: not an image, a format the library does not take (SVG among them: it
can carry scripts), an image over MAX_PIXELS (Pillow's decompression-bomb guard as well), a truncated file (found when
it is decoded, before anything is stored)."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, IptcImagePlugin, UnidentifiedImageError

from pipeline.photos.model import PhotoError

MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485  # Pillow's guard (89 megapixels): above, refused
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
try:  # HEIC/HEIF where the kept library reads it
    from pillow_heif import register_heif_opener
    register_heif_opener()
    FORMATS["HEIF"] = "heic"
except ImportError:  # pragma: no cover - pillow-heif is pinned in requirements.txt
    pass
EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
_SVG_FIX = "export it as PNG or JPEG (an SVG can carry scripts and is not a photo), then import that file"
# EXIF tags (the TIFF/EXIF numbers Pillow exposes)
ARTIST, COPYRIGHT, DESCRIPTION, DATETIME, ORIENTATION = 0x013B, 0x8298, 0x010E, 0x0132, 0x0112
EXIF_IFD, GPS_IFD, DATETIME_ORIGINAL = 0x8769, 0x8825, 0x9003


@dataclass(frozen=True)
class Probe:
    """A file Pillow opened: its format, size and the library's extension for it."""

    path: Path
    format: str
    ext: str
    width: int
    height: int


def is_svg(path: Path, head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return path.suffix.lower() in (".svg", ".svgz") or text.startswith(b"<svg") or (
        text.startswith(b"<?xml") and b"<svg" in text)


def probe(path: Path) -> Probe:
    """Open `path`'s header (nothing decoded yet); PhotoError naming the file and the fix when refused."""
    name = str(path)
    if not path.is_file():
        raise PhotoError(f"{name}: no such file", fix="check the path (and the CSV's 'file' column), then re-run")
    with path.open("rb") as fh:
        head = fh.read(512)
    if is_svg(path, head):
        raise PhotoError(f"{name}: an SVG drawing is refused", fix=_SVG_FIX)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused just below, with its size
            with Image.open(path) as img:
                fmt, (w, h) = img.format, img.size
    except Image.DecompressionBombError as exc:  # over twice the limit: Pillow will not even open it
        raise PhotoError(f"{name}: refused as a decompression bomb ({exc})", fix=_too_big_fix())
    except UnidentifiedImageError:
        raise PhotoError(f"{name}: not an image Pillow can read",
                         fix="import JPEG, PNG, WebP" + (" or HEIC" if "HEIF" in FORMATS else "") + " files only")
    except OSError as exc:
        raise PhotoError(f"{name}: cannot be read ({exc})", fix="export the photo again from its source")
    if fmt not in FORMATS:
        raise PhotoError(f"{name}: {fmt} images are not taken",
                         fix="export it as JPEG, PNG or WebP" + (" (or HEIC)" if "HEIF" in FORMATS else ""))
    if w * h > MAX_PIXELS:
        raise PhotoError(f"{name}: {w}×{h} is {w * h / 1e6:.0f} megapixels, over the {MAX_PIXELS // 1_000_000} the "
                         "library takes", fix=_too_big_fix())
    return Probe(path, fmt, FORMATS[fmt], w, h)


def _too_big_fix() -> str:
    return (f"resize it to at most {MAX_PIXELS // 1_000_000} megapixels (e.g. 8,000 px on its long side) "
            "and import that copy")


def proposals(img: Image.Image) -> dict:
    """What the file says of itself: author, copyright, caption, title, date taken, and whether it holds GPS
    coordinates (never the coordinates themselves). Values are proposals an editor confirms."""
    out: dict = {}
    exif = img.getexif()
    for tag, key in ((ARTIST, "author"), (COPYRIGHT, "rights_holder"), (DESCRIPTION, "caption")):
        if isinstance(exif.get(tag), str) and exif[tag].strip():
            out[key] = _utf8(exif[tag].strip().strip("\x00"))
    when = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if isinstance(when, str) and len(when) >= 10:
        out["taken_on"] = when[:10].replace(":", "-")
    out["gps_in_file"] = bool(exif.get_ifd(GPS_IFD))
    try:
        iptc = IptcImagePlugin.getiptcinfo(img) or {}
    except (SyntaxError, IndexError, TypeError):  # malformed IPTC: not a reason to refuse the photo
        iptc = {}
    for key, name in (((2, 80), "author"), ((2, 116), "rights_holder"), ((2, 120), "caption"), ((2, 5), "title"),
                      ((2, 90), "place")):
        value = iptc.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, bytes) and value.strip():
            out.setdefault(name, value.decode("utf-8", "replace").strip())
    try:
        xmp = img.getxmp()
    except Exception:  # noqa: BLE001 - a malformed XMP packet only loses the proposal
        xmp = {}
    for key, name in (("creator", "author"), ("rights", "rights_holder"), ("description", "caption"),
                      ("title", "title"), ("DateCreated", "taken_on")):
        value = _xmp_value(xmp, key)
        if value:
            out.setdefault(name, value[:10] if name == "taken_on" else value)
    return out


def _xmp_value(tree, key: str) -> str:
    """The first text under `key` anywhere in Pillow's XMP dictionary (rdf:Alt/Seq/Bag lists included)."""
    if isinstance(tree, dict):
        if key in tree:
            return _first_text(tree[key])
        for v in tree.values():
            found = _xmp_value(v, key)
            if found:
                return found
    elif isinstance(tree, list):
        for v in tree:
            found = _xmp_value(v, key)
            if found:
                return found
    return ""


def _first_text(v) -> str:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, dict):
        for k in ("text", "li", "Alt", "Seq", "Bag"):
            if k in v:
                return _first_text(v[k])
        return ""
    if isinstance(v, list):
        return next((t for t in map(_first_text, v) if t), "")
    return ""


def _utf8(text: str) -> str:
    """An EXIF text Pillow read as Latin-1: UTF-8 when its bytes are (what cameras and our renditions write)."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
