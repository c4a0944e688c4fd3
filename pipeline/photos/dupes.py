"""Near copies: perceptual hashes of six views of every photo, and the index that finds what a new one copies.

The hashes are ImageHash's pHash and dHash, 64 bits each.

A global hash moves a lot when a photo is cropped (a 5 % crop changes 8 to 16 of pHash's 64 bits), so the library
keeps, for each photo, the hashes of the whole picture and of five 95 % windows (the four corners and the centre):
a cropped copy is close to one of them. A match needs both hashes of the same view within their thresholds, which
keeps distinct photos apart (bench/bench_photos.py measures recall and false matches in 10,000 photos).

The index keeps the hashes in numpy arrays of uint64: a lookup is two XORs and popcounts over 6 × N values (well
under a millisecond for 10,000 photos); adding a photo appends to them."""
from __future__ import annotations

from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image

PHASH_BITS, DHASH_BITS = 8, 10  # thresholds, in bits of 64 (resized, re-encoded, cropped copies fall within both)
THRESHOLD = PHASH_BITS
CROP = 0.95  # the windows' side, as a share of the photo's


def _small(img: Image.Image) -> Image.Image:
    small = img.convert("RGB") if img.mode not in ("RGB", "L") else img.copy()
    small.thumbnail((256, 256), Image.Resampling.BILINEAR)
    return small


def _view(img: Image.Image) -> str:
    return f"{imagehash.phash(img)}{imagehash.dhash(img)}"


def fingerprints(img: Image.Image) -> str:
    """The six views' hashes as text ("<phash><dhash>" in 32 hex digits each, space-separated): what the library
    stores for a photo. Computed on a 256 px copy."""
    small = _small(img)
    w, h = small.size
    cw, ch = round(w * CROP), round(h * CROP)
    views = [small] + [small.crop((x, y, x + cw, y + ch))
                       for x, y in ((0, 0), (w - cw, 0), (0, h - ch), (w - cw, h - ch), ((w - cw) // 2, (h - ch) // 2))]
    return " ".join(_view(v) for v in views)


def query_view(img: Image.Image) -> str:
    """The whole picture's view alone: all a lookup needs of the photo looked up."""
    return _view(_small(img))


def perceptual_hash(img: Image.Image) -> str:
    """The whole photo's pHash (16 hex digits), as stored in the photos table's phash column."""
    return str(imagehash.phash(_small(img)))


def distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


@dataclass(frozen=True)
class Match:
    photo_id: str
    distance: int  # pHash bits between the query and the closest view


class HashIndex:
    """Photo ids and their views' hashes, searched by Hamming distance."""

    def __init__(self, items: list[tuple[str, str]] | None = None) -> None:
        """`items`: (photo id, fingerprints) — or (photo id, a bare 16-digit pHash) for a photo imported before
        fingerprints were kept: matched on its pHash alone."""
        self.ids: list[str] = []
        owners, p, d, has_d = [], [], [], []
        for n, (pid, fp) in enumerate(items or []):
            self.ids.append(pid)
            for view in (fp or "").split():
                owners.append(n)
                p.append(int(view[:16], 16))
                d.append(int(view[16:32] or "0", 16))
                has_d.append(len(view) >= 32)
        self._owner = np.array(owners, dtype=np.int64)
        self._p = np.array(p, dtype=np.uint64)
        self._d = np.array(d, dtype=np.uint64)
        self._has_d = np.array(has_d, dtype=bool)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, photo_id: str, fp: str) -> None:
        n = len(self.ids)
        self.ids.append(photo_id)
        views = fp.split()
        self._owner = np.append(self._owner, np.full(len(views), n, dtype=np.int64))
        self._p = np.append(self._p, np.array([int(v[:16], 16) for v in views], dtype=np.uint64))
        self._d = np.append(self._d, np.array([int(v[16:32] or "0", 16) for v in views], dtype=np.uint64))
        self._has_d = np.append(self._has_d, np.array([len(v) >= 32 for v in views], dtype=bool))

    def near(self, fp: str, phash_bits: int = PHASH_BITS, dhash_bits: int = DHASH_BITS) -> list[Match]:
        """The photos with a view within `phash_bits` and `dhash_bits` of the query's whole picture (the first
        view of `fp`), closest first."""
        if not self.ids:
            return []
        view = fp.split()[0]
        dp = np.bitwise_count(self._p ^ np.uint64(int(view[:16], 16)))
        ok = dp <= phash_bits
        if len(view) >= 32:
            dd = np.bitwise_count(self._d ^ np.uint64(int(view[16:32], 16)))
            ok &= (dd <= dhash_bits) | ~self._has_d
        best: dict[int, int] = {}
        for i in np.nonzero(ok)[0]:
            owner = int(self._owner[i])
            best[owner] = min(best.get(owner, 64), int(dp[i]))
        return sorted((Match(self.ids[o], dist) for o, dist in best.items()), key=lambda m: (m.distance, m.photo_id))
