"""The ambassadors' kit (issue 17): approved posts per network and language, video scripts with their subtitles, the
photos with their credits, and a guide to what may be changed; nothing that was not approved."""
from __future__ import annotations

import zipfile

import lxml.html

from pipeline.corpus.catalogue import load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.corpus.networks import load_networks
from pipeline.publish.site import publish
from pipeline.retrieve.fact_base import current_facts
from pipeline.review.desk import ReviewDesk
from tests.conftest import TODAY
from tests.publish.conftest import NOW, _rec

POST = ("## LinkedIn\n\nOne Provence turns 5 [AGE-001].\n\n#OneProvence #Invest\n\n"
        "Link: fr/site-territoire.html\n\n"
        "## Instagram\n\nOne Provence turns 5 [AGE-001].\n\n#OneProvence\n\n> Link in bio: fr/site-territoire.html\n")


def _publish(settings, store, out):
    specs = load_pages(settings.corpus_dir, load_filieres(settings.corpus_dir))
    return publish(out, store, current_facts(settings), specs, TODAY, now=NOW,
                   filieres=load_filieres(settings.corpus_dir), networks=load_networks(settings.corpus_dir))


def _with_variants(studio):
    settings, store, _ = studio
    desk = ReviewDesk(store)
    approver = desk.add_user("paula", "approver", "correct horse battery")[0]
    rec = store.add(_rec("social-aeronautique-1", "en", POST, {f.id: f for f in current_facts(settings)}))
    desk.approve(approver, rec.id, rec.version)
    store.add(_rec("social-aeronautique-2", "fr", "NON APPROUVÉ [AGE-001].\n", {f.id: f for f in current_facts(settings)}))


def test_the_kit_holds_each_approved_post_per_network_with_its_sources_and_the_guide(studio, tmp_path):
    _with_variants(studio)
    settings, store, _ = studio
    _publish(settings, store, tmp_path / "site")
    z = zipfile.ZipFile(tmp_path / "site" / "kit" / "kit-ambassadeurs.zip")
    names = set(z.namelist())
    assert {"LISEZMOI.md", "README.md", "posts/en/linkedin/social-aeronautique-1.txt",
            "posts/en/instagram/social-aeronautique-1.txt", "posts/en/social-aeronautique-1.sources.txt",
            "posts/en/post/social-energie-1.txt"} <= names
    linkedin = z.read("posts/en/linkedin/social-aeronautique-1.txt").decode()
    assert "One Provence turns 5." in linkedin and "[AGE-001]" not in linkedin and "#OneProvence" in linkedin
    assert "fr/site-territoire.html" in linkedin  # clickable there
    instagram = z.read("posts/en/instagram/social-aeronautique-1.txt").decode()
    assert instagram.startswith("One Provence turns 5.\n\n#OneProvence\n\n(link for the bio: fr/site-territoire.html)")
    assert "[AGE-001]" in z.read("posts/en/social-aeronautique-1.sources.txt").decode()
    assert "changer un chiffre" in z.read("LISEZMOI.md").decode() and "change a figure" in z.read("README.md").decode()
    assert not any("social-aeronautique-2" in n for n in names)  # never approved
    assert all("NON APPROUVÉ" not in z.read(n).decode("utf-8", "replace") for n in names)


def test_the_kit_page_shows_each_variant_with_its_count_escaped(studio, tmp_path):
    _with_variants(studio)
    settings, store, _ = studio
    _publish(settings, store, tmp_path / "site")
    page = (tmp_path / "site" / "kit" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and '<div lang="en">' in page and 'href="kit-ambassadeurs.zip"' in page
    assert "LinkedIn · social-aeronautique-1" in page and "68 characters" in page and "Rien pour l'instant" in page
    assert "link for the bio: <code>fr/site-territoire.html</code>" in page  # Instagram: the address for the profile
    assert "<li>change a figure, a date, a name or a unit" in page  # the guide's rules as a list
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page  # the fixture's post is text, not markup
    home_nav = lxml.html.fromstring((tmp_path / "site" / "index.html").read_bytes()).xpath(
        '//nav[@class="main-nav"]//a/text()')
    kit_nav = lxml.html.fromstring(page.encode("utf-8")).xpath('//nav[@class="main-nav"]//a/text()')
    assert len(home_nav) > 1 and kit_nav == home_nav  # the site's whole navigation, not the home link alone


def test_the_same_inputs_make_the_same_zip(studio, tmp_path):
    settings, store, _ = studio
    _publish(settings, store, tmp_path / "a")
    _publish(settings, store, tmp_path / "b")
    assert (tmp_path / "a/kit/kit-ambassadeurs.zip").read_bytes() == (tmp_path / "b/kit/kit-ambassadeurs.zip").read_bytes()
