"""Web renditions of a photo: WIDTHS wide, WebP and JPEG, made once per photo and size and cached by content hash.

Every rendition is written from the pixels only, with a fresh EXIF block holding the author and the copyright and
nothing else: no GPS, no camera serial, no date, no XMP or IPTC packet, no thumbnail. The photo is turned upright
(its EXIF orientation applied) so no orientation tag is needed. A JPEG is decoded in draft mode at the smallest
scale that still covers the largest rendition (a 12 MP photo decodes at half size for 1,600 px)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from pipeline.photos.model import PhotoError
from pipeline.photos.probe import ARTIST, COPYRIGHT, ORIENTATION

WIDTHS = (400, 800, 1600)
FORMATS = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}
QUALITY = {"webp": 80, "jpg": 82}
# libwebp's effort 2 of 6: a 1,600 px photo in about a quarter of the default's (4) time, within 1 % of its size


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    fmt: str         # webp | jpg
    path: Path

    @property
    def mime(self) -> str:
        return FORMATS[self.fmt][1]


def rendition_path(root: Path, sha256: str, width: int, fmt: str) -> Path:
    return root / sha256[:2] / f"{sha256}-{width}.{fmt}"


def decode(path: Path, widest: int = max(WIDTHS)) -> tuple[Image.Image, dict, tuple[int, int]]:
    """The photo's pixels, upright and in RGB, at least `widest` px wide when it is that wide (draft mode for JPEG),
    the open file's metadata proposals, and its full upright size. PhotoError (the file named) if it is truncated
    or damaged."""
    from pipeline.photos.probe import proposals
    try:
        with Image.open(path) as img:
            found = proposals(img)
            w, h = img.size
            turned = img.getexif().get(ORIENTATION) in (5, 6, 7, 8)  # stored on its side
            full = (h, w) if turned else (w, h)
            scale = min(1.0, widest / full[0])
            if img.format == "JPEG" and scale < 1.0:
                img.draft("RGB", (max(1, int(w * scale + 0.999)), max(1, int(h * scale + 0.999))))
            _load_whole(img)
            upright = ImageOps.exif_transpose(img)
            return _rgb(upright), found, full
    except PhotoError:
        raise
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"{path}: the image cannot be decoded ({exc}); it may be truncated or damaged",
                         fix="copy or export the photo again from its source (the whole file), then re-import it")


def _load_whole(img: Image.Image) -> None:
    """Decode every byte, refusing a truncated file even where another library switched Pillow to tolerate them
    (WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES when it is imported: a publish in the same process would let a
    half photo in)."""
    was = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        img.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = was


def _rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        out = Image.new("RGB", rgba.size, (255, 255, 255))
        out.paste(rgba, mask=rgba.getchannel("A"))
        return out
    return img if img.mode == "RGB" else img.convert("RGB")


def _exif(author: str, rights_holder: str) -> bytes:
    """An EXIF block with the author and copyright only (what a rendition keeps)."""
    e = Image.Exif()  # UTF-8 bytes: Pillow would write "?" for an accent or "©" given as text
    if author:
        e[ARTIST] = author.encode("utf-8")
    if rights_holder:
        e[COPYRIGHT] = rights_holder.encode("utf-8")
    return e.tobytes()


def widths_for(width: int) -> list[int]:
    """The rendition widths of an image `width` px wide: never enlarged, its own width when under the largest."""
    out = sorted({min(w, width) for w in WIDTHS})
    return out


def make(img: Image.Image, sha256: str, root: Path, author: str = "", rights_holder: str = "",
         full: tuple[int, int] | None = None) -> list[Rendition]:
    """Write the missing renditions of `img` (decoded with `decode`; `full` its size before draft mode), largest
    first, each from the one above it; returns them all, smallest first. Files are written whole (a temporary
    name, then renamed)."""
    exif = _exif(author, rights_holder)
    out: list[Rendition] = []
    current = img
    fw, fh = full or img.size
    for width in sorted(widths_for(fw), reverse=True):
        width = min(width, img.width)
        height = max(1, round(fh * width / fw))
        paths = {fmt: rendition_path(root, sha256, width, fmt) for fmt in FORMATS}
        if not all(p.exists() for p in paths.values()):
            if current.width != width:
                current = current.resize((width, height), Image.Resampling.LANCZOS)
            for fmt, p in paths.items():
                if not p.exists():
                    _save(current, p, fmt, exif)
        out.append(Rendition(width, height, "webp", paths["webp"]))
        out.append(Rendition(width, height, "jpg", paths["jpg"]))
    return sorted(out, key=lambda r: (r.width, r.fmt))


def existing(root: Path, sha256: str, width: int, height: int) -> list[Rendition]:
    """The renditions of a photo already in the cache (publish copies these), smallest first."""
    out = []
    for w in widths_for(width):
        h = max(1, round(height * w / width))
        for fmt in ("jpg", "webp"):
            p = rendition_path(root, sha256, w, fmt)
            if p.exists():
                out.append(Rendition(w, h, fmt, p))
    return out


def _save(img: Image.Image, path: Path, fmt: str, exif: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        img.save(tmp, FORMATS[fmt][0], quality=QUALITY[fmt], exif=exif, **({"method": 2} if fmt == "webp" else {}))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
