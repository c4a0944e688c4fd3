"""A social post is published only when the page it links to is (issue 17, bad input): otherwise it is withheld,
naming the address and the fix, and the approved post itself is kept as it was."""
from __future__ import annotations

from pipeline.publish.links import dead_links, links, site_path
from tests.publish.conftest import _rec, run

POST = ("## LinkedIn\n\nOne Provence turns 5 [AGE-001].\n\n#OneProvence\n\nLink: {link}\n\n"
        "## Instagram\n\nOne Provence turns 5 [AGE-001].\n\n#OneProvence\n\n> Link in bio: {link}\n")


def _approved_post(studio_fixture, link: str):
    settings, store, ids = studio_fixture
    from pipeline.retrieve.fact_base import current_facts
    from pipeline.review.desk import ReviewDesk
    desk = ReviewDesk(store)
    approver = desk.add_user("paula", "approver", "correct horse battery")[0]
    rec = store.add(_rec("social-aeronautique-1", "en", POST.format(link=link), {f.id: f for f in current_facts(settings)}))
    desk.approve(approver, rec.id, rec.version)
    return rec


def test_link_lines_are_read_once_each():
    text = POST.format(link="https://site.example/en/x.html")
    assert links(text) == ["https://site.example/en/x.html"]
    assert site_path("https://site.example/en/x.html", "https://site.example/") == "en/x.html"
    assert site_path("https://elsewhere.example/en/x.html", "https://site.example") is None
    assert site_path("en/x.html", "") == "en/x.html"
    assert dead_links(text, {"en/x.html"}, "https://site.example") == []


def test_a_post_linking_to_an_unpublished_page_is_withheld(studio, tmp_path):
    rec = _approved_post(studio, "en/site-aeronautique-investors.html")  # that page was never approved
    settings, store, _ = studio
    report = run(settings, store, tmp_path / "site")
    held = [w for w in report.withheld if w.page_id == "social-aeronautique-1"]
    assert held and "en/site-aeronautique-investors.html" in held[0].reason and "not published" in held[0].reason
    assert "STUDIO_SITE_URL" in held[0].fix and "draft social-aeronautique-1 --lang en" in held[0].fix
    assert not (tmp_path / "site" / "en" / "social-aeronautique-1.html").exists()
    assert store.get(rec.id).status == "approved" and store.get(rec.id).text == rec.text  # nothing lost


def test_a_post_linking_to_a_published_page_is_published(studio, tmp_path):
    _approved_post(studio, "fr/site-territoire.html")  # approved in the fixture
    settings, store, _ = studio
    report = run(settings, store, tmp_path / "site")
    assert not [w for w in report.withheld if w.page_id == "social-aeronautique-1"]
    assert (tmp_path / "site" / "en" / "social-aeronautique-1.html").exists()
