"""The near-copy index: a copy resized, re-encoded or cropped by 5 % anywhere is found; distinct photos are not."""
from __future__ import annotations

import io

from PIL import Image

from pipeline.photos.dupes import HashIndex, fingerprints, query_view
from tests.photos.images import scene


def test_copies_are_found_and_distinct_photos_are_not():
    originals = {f"ph-{i}": scene(200 + i, (1200, 900)) for i in range(8)}
    index = HashIndex([(pid, fingerprints(img)) for pid, img in originals.items()])
    for pid, img in originals.items():
        w, h = img.size
        cw, ch = int(w * 0.95), int(h * 0.95)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=40)
        copies = [img.resize((600, 450)), Image.open(io.BytesIO(buf.getvalue()))]
        copies += [img.crop((x, y, x + cw, y + ch)) for x, y in ((0, 0), (w - cw, h - ch), (w - cw, 0))]
        for copy in copies:
            assert [m.photo_id for m in index.near(query_view(copy))][:1] == [pid]
    for j in range(40):
        assert index.near(query_view(scene(900 + j, (800, 600)))) == [], j
    index.add("ph-new", fingerprints(scene(999, (800, 600))))
    assert index.near(query_view(scene(999, (400, 300))))[0].photo_id == "ph-new"
    legacy = HashIndex([("ph-old", fingerprints(scene(5, (800, 600)))[:16])])  # a bare pHash: matched on it alone
    assert legacy.near(query_view(scene(5, (800, 600))))[0].photo_id == "ph-old"
