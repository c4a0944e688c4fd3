"""Test photos made with Pillow (nothing binary is committed): smooth random scenes, with EXIF GPS and author tags."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.photos.probe import ARTIST, COPYRIGHT, DATETIME_ORIGINAL, EXIF_IFD, GPS_IFD


def scene(seed: int, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """A photo-like image: a few random colour fields blended smoothly, different for every seed."""
    rng = np.random.default_rng(seed)
    coarse = (rng.random((6, 8, 3)) * 255).astype("uint8")
    fine = (rng.random((48, 64, 3)) * 60).astype("uint8")
    img = Image.fromarray(coarse).resize(size, Image.Resampling.BICUBIC)
    detail = Image.fromarray(fine).resize(size, Image.Resampling.BILINEAR)
    return Image.blend(img, detail, 0.25)


def exif(author: str = "Jeanne Martin", copyright: str = "© Agence Provence", gps: bool = True) -> bytes:
    e = Image.Exif()
    e[ARTIST] = author.encode("utf-8")
    e[COPYRIGHT] = copyright.encode("utf-8")
    e.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = "2025:06:14 10:30:00"
    if gps:
        g = e.get_ifd(GPS_IFD)
        g[1], g[2], g[3], g[4] = "N", (43.0, 17.0, 48.0), "E", (5.0, 22.0, 12.0)
    return e.tobytes()


def write_photo(path: Path, seed: int, size: tuple[int, int] = (1200, 900), gps: bool = True, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = {".png": "PNG", ".webp": "WEBP"}.get(path.suffix.lower(), "JPEG")
    scene(seed, size).save(path, fmt, exif=exif(gps=gps), **({"quality": 88} if fmt == "JPEG" else {}), **kw)
    return path
