"""Published photos: renditions with a responsive srcset, alt text in the page's language, caption and credit,
ImageObject JSON-LD with licence and credit; a photo whose rights end before the publication day, or without a
reviewed alt text in the page's language, is withheld and its page named. Then every published image file and page
is read: 0 images with GPS, 0 without alt text, 0 with expired rights."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from PIL import Image

from pipeline.corpus.catalogue import load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.photos.library import PhotoLibrary
from pipeline.photos.model import rights
from pipeline.photos.pick import DraftPhoto
from pipeline.photos.probe import GPS_IFD
from pipeline.publish.site import publish
from pipeline.retrieve.fact_base import current_facts
from pipeline.review.desk import ReviewDesk
from pipeline.store.database import DraftStore
from tests.conftest import TODAY
from tests.photos.images import write_photo
from tests.publish.conftest import ARG_EN, ARG_FR, NOW, TERR_V2, _rec

LATER = TODAY + timedelta(days=20)  # the publication day


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[dict] = []
        self.ld: list[dict] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld and data.strip():
            self.ld.append(json.loads(data))
            self._in_ld = False


@pytest.fixture
def site(settings, monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    store = DraftStore.for_data_dir(settings.data_dir)
    desk = ReviewDesk(store)
    editor = desk.add_user("eddie", "editor", "correct horse battery")[0]
    approver = desk.add_user("anna", "approver", "correct horse battery")[0]
    lib = PhotoLibrary(settings.data_dir, store, TODAY)
    photos = {}
    for n, (name, extra) in enumerate((
            ("good", {"people": "yes", "consent_ref": "MR-2025-01", "consent_end": "2030-01-01"}),
            ("lapsing", {"rights_end": (TODAY + timedelta(days=10)).isoformat()}),  # ends before LATER
            ("consent", {"people": "yes", "consent_ref": "MR-9",
                         "consent_end": (TODAY + timedelta(days=5)).isoformat()}),
            ("no_alt_en", {}))):
        p = lib.import_file(write_photo(tmp_path / "in" / f"{name}.jpg", 60 + n, (2400, 1600)), "eddie").photo
        p = lib.update(p.id, {"licence": "CC-BY-4.0", "credit": "© Jeanne Martin / Ville de Marseille",
                              "author": "Jeanne Martin", "rights_holder": "Ville de Marseille",
                              "alt_fr": f"Vue {name} <du port>", "alt_en": f"View {name} of the port",
                              "caption_fr": "Le Vieux-Port au matin.", "caption_en": "The Old Port at dawn.",
                              **extra}, editor)
        for f in ("alt_fr", "caption_fr") + (() if name == "no_alt_en" else ("alt_en", "caption_en")):
            p = lib.review(p.id, f, approver)
        photos[name] = p
    facts = {f.id: f for f in current_facts(settings)}

    def approved(page, lang, text, names):
        rec = _rec(page, lang, text, facts)
        rec.check_report["photos"] = [DraftPhoto(photos[n].id, photos[n].sha256, photos[n].sheet_hash,
                                                 photos[n].caption(lang)).to_json() for n in names]
        rec.params = {"inputs": {"photos": [[photos[n].id, photos[n].sheet_hash] for n in names]}}
        r = store.add(rec)
        desk.approve(approver, r.id, r.version)
    approved("site-territoire", "fr", TERR_V2, ["good", "lapsing"])
    approved("argumentaire-territoire", "fr", ARG_FR, ["consent"])
    approved("argumentaire-territoire", "en", ARG_EN, ["good", "no_alt_en"])
    out = tmp_path / "site"
    specs = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    report = publish(out, store, list(facts.values()), specs, LATER, now=NOW,
                     filieres=load_filieres(settings.corpus_dir), photos=lib)
    return out, report, lib, photos


def read(out, rel) -> Page:
    p = Page()
    p.feed((out / rel).read_text(encoding="utf-8"))
    return p


def test_a_page_shows_its_photo_with_srcset_alt_caption_credit_and_json_ld(site):
    out, report, lib, photos = site
    good = photos["good"]
    page = read(out, "fr/site-territoire.html")
    [img] = page.imgs  # the lapsing photo is not there
    assert img["alt"] == "Vue good <du port>" and img["width"] == "800" and img["loading"] == "lazy"
    assert [w.split()[-1] for w in img["srcset"].split(", ")] == ["400w", "800w", "1600w"]
    html = (out / "fr/site-territoire.html").read_text(encoding="utf-8")
    assert 'type="image/webp"' in html and "-1600.webp 1600w" in html and "&lt;du port&gt;" in html
    assert "Le Vieux-Port au matin." in html and "Photo : © Jeanne Martin / Ville de Marseille" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
    assert html.index('class="photo"') < html.index("<h2")  # the first photo under the title
    [ld] = [d for d in page.ld if d.get("@type") == "ImageObject"]
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/" and ld["creditText"].startswith("©")
    assert ld["creator"]["name"] == "Jeanne Martin" and ld["copyrightNotice"] == "Ville de Marseille"
    assert ld["contentUrl"] == f"/images/{good.sha256}-1600.jpg" and ld["description"] == "Vue good <du port>"
    en = read(out, "en/argumentaire-territoire.html")
    assert [i["alt"] for i in en.imgs] == ["View good of the port"]
    for src in (s.split()[0] for i in page.imgs + en.imgs for s in i["srcset"].split(", ")):
        assert (out / "fr" / src).resolve().is_file(), src
    feed = {(i["page_id"], i["lang"]): i for i in json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]}
    [fp] = feed[("site-territoire", "fr")]["photos"]
    assert fp["alt"] == "Vue good <du port>" and fp["licence"] == "CC-BY-4.0" and len(fp["files"]) == 6
    assert all((out / f["path"]).is_file() for f in fp["files"])
    assert "photos" not in feed[("argumentaire-territoire", "fr")]  # its one photo was withheld


def test_lapsed_rights_and_unreviewed_alt_withhold_the_photo_and_name_the_page(site):
    out, report, lib, photos = site
    lines = "\n".join(report.warnings)
    assert f"site-territoire [fr]: photo {photos['lapsing'].id} withheld: rights expired on {LATER}" in lines
    assert f"argumentaire-territoire [fr]: photo {photos['consent'].id} withheld: rights expired" in lines
    assert "consent ended on" in lines
    assert f"argumentaire-territoire [en]: photo {photos['no_alt_en'].id} withheld: no reviewed alt text in en" in lines
    assert read(out, "fr/argumentaire-territoire.html").imgs == []  # the text is published, without the photo
    published = {p.name for p in (out / "images").iterdir()}
    for name in ("lapsing", "consent", "no_alt_en"):
        assert not any(photos[name].sha256 in n for n in published), name


def test_every_published_image_and_page(site):
    """0 images with GPS, 0 without alt text, 0 with expired rights — over every file written."""
    out, report, lib, photos = site
    images = list((out / "images").iterdir())
    assert len(images) == 6  # one photo: 3 widths × WebP and JPEG
    for path in images:
        with Image.open(path) as im:
            exif = im.getexif()
            assert not exif.get_ifd(GPS_IFD) and GPS_IFD not in exif, path.name
            assert "xmp" not in im.info and b"GPS" not in path.read_bytes()[:4096], path.name
    by_sha = {p.sha256: p for p in lib.all()}
    shown = 0
    for page in out.rglob("*.html"):
        parsed = read(out, page.relative_to(out))
        for img in parsed.imgs:
            shown += 1
            assert img.get("alt", "").strip(), page
            sha = re.search(r"images/([0-9a-f]{64})-", img["src"]).group(1)
            assert rights(by_sha[sha], LATER).usable, page
    assert shown == 2
    for name in ("good", "lapsing"):  # the library's files were not touched by the publish
        assert lib.original(photos[name]).is_file()
