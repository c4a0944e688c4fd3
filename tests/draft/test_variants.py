"""Posts per network: every social item of the catalogue drafted in French and English as one variant per network,
each within its limit (links counted as the network counts them), with the filière's hashtags and a link to its page;
bad networks, hashtags and items refused naming the file, the item and the fix."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.corpus.catalogue import find_page, load_pages
from pipeline.corpus.facts import load_filieres
from pipeline.corpus.networks import load_hashtags, load_networks, social_options
from pipeline.draft.variants import SocialKit, Variant, fit, parse
from pipeline.errors import CorpusError, DraftError
from pipeline.verify.sentences import script_structure
from pipeline.wiring import open_drafter
from tests.conftest import FakeChatModel, edit_item
from tests.draft.test_compose import make_drafter, specs_of

SITE = "https://www.oneprovence.example"
NAMES = ["LinkedIn", "Instagram", "X", "Facebook"]


@pytest.fixture(scope="module")
def posts(real_index_session):
    """Every social item drafted in both languages with the fake model (no reply: the facts' wordings are used)."""
    corpus = real_index_session.corpus_dir
    specs = [s for s in load_pages(corpus, load_filieres(corpus)) if s.kind == "social"]
    out, unplanned = {}, []
    with pytest.MonkeyPatch.context() as mp, open_drafter(real_index_session, model=FakeChatModel()) as (drafter, _):
        mp.setenv("STUDIO_SITE_URL", SITE)  # the drafter's links and the checker's structure rule read it
        drafter.social_kit = SocialKit.load(corpus)
        for spec in specs:
            for lang in spec.languages:
                try:
                    plan = drafter.plan(spec, lang)
                except DraftError as exc:  # no usable fact for the post at all: refused before any variant
                    unplanned.append((spec.id, lang, exc.message))
                    continue
                out[(spec.id, lang)] = (spec, drafter.draft(spec, lang, plan=plan), drafter.checker)
    assert len(out) + len(unplanned) == 36 and len(out) >= 24, unplanned  # 18 social items, two languages
    return out


def test_every_variant_is_within_its_limit_with_the_filiere_hashtags_and_its_page(posts, real_index_session):
    corpus = real_index_session.corpus_dir
    networks = load_networks(corpus)
    tags = load_hashtags(corpus, load_filieres(corpus))
    for (pid, lang), (spec, rec, _) in posts.items():
        variants = parse(rec.text, networks)
        assert [v.network.name for v in variants] == NAMES, pid
        for v in variants:
            assert v.length() <= v.network.limit, (pid, lang, v.network.id, v.length())
            kept = tags[spec.filieres[0]][lang]
            assert v.hashtags == kept[:len(v.hashtags)] and len(v.hashtags) <= v.network.hashtags
            assert len(v.hashtags) == v.network.hashtags or any(v.network.name in n for n in rec.check_report["notes"])
            assert v.address == f"{SITE}/{lang}/site-{spec.filieres[0]}-investors.html"  # the filière's first page
            assert v.sentences and all("[" in s or len(s) < 80 for s in v.sentences)
        assert [d["chars"] for d in rec.check_report["variants"]] == [v.length() for v in variants]
        x = next(v for v in variants if v.network.id == "x")
        assert x.length() == len(x.posted()) - len(x.address) + 23  # any link counts 23 on X
        insta = next(v for v in variants if v.network.id == "instagram")
        assert insta.address not in insta.posted()
        assert ("> Lien en bio : " if lang == "fr" else "> Link in bio: ") + insta.address in rec.text


def test_every_sentence_of_every_variant_is_supported_or_connective(posts):
    for (pid, lang), (_, rec, _) in posts.items():
        sentences = rec.check_report["sentences"]
        assert sentences and all(s["status"] in ("supported", "connective") for s in sentences), (pid, lang)
        assert rec.check_report["flagged"] == []
        checked = " ".join(s["text"] for s in sentences)
        assert "#OneProvence" not in checked and "## " not in checked and SITE not in checked


def test_x_keeps_whole_sentences_only(posts):
    shortened = 0
    for (pid, lang), (_, rec, _) in posts.items():
        variants = {v.network.id: v for v in parse(rec.text, load_networks_default())}
        whole = iter(variants["linkedin"].sentences)  # LinkedIn's 3,000 characters hold the whole post
        assert all(s in whole for s in variants["x"].sentences), pid  # whole sentences, in their order
        shortened += variants["x"].sentences != variants["linkedin"].sentences
    assert shortened  # some posts are too long for X


def load_networks_default():
    from pipeline.config import REPO_ROOT
    return load_networks(REPO_ROOT / "corpus")


def test_any_other_link_in_a_post_is_still_flagged(posts, monkeypatch):
    monkeypatch.setenv("STUDIO_SITE_URL", SITE)
    _, rec, checker = posts[("social-maritime-1", "fr")]
    assert checker.check(rec.text, "fr").ok
    bad = rec.text.replace(SITE, "https://example.com", 1)
    report = checker.check(bad, "fr")
    assert [s.status for s in report.sentences if not s.ok] == ["unverified_link"]
    assert script_structure(f"Lien : {SITE}/fr/site-maritime-investors.html")
    assert not script_structure("Lien : https://example.com/fr/site-maritime-investors.html")
    assert not script_structure("Voir https://example.com pour la suite.")


def test_without_a_site_url_the_link_is_a_relative_path_and_a_note(settings, monkeypatch):
    monkeypatch.delenv("STUDIO_SITE_URL", raising=False)
    drafter = make_drafter(settings, FakeChatModel())
    drafter.social_kit = SocialKit.load(settings.corpus_dir)
    rec = drafter.draft(find_page(specs_of(settings), "social-energie-1"), "en")
    assert "Link: en/site-energie-investors.html" in rec.text and "> Link in bio: en/site-energie-investors.html" \
        in rec.text
    assert any("no STUDIO_SITE_URL" in n for n in rec.check_report["notes"])
    assert rec.check_report["flagged"] == []


def test_a_link_field_chooses_the_page_and_networks_narrow_the_variants(settings):
    _edit_item(settings.corpus_dir, "social-energie-1", "  networks: [linkedin, x]\n  link: site-energie-talents\n")
    drafter = make_drafter(settings, FakeChatModel())
    drafter.social_kit = SocialKit.load(settings.corpus_dir, base_url=SITE)
    rec = drafter.draft(find_page(specs_of(settings), "social-energie-1"), "fr")
    variants = parse(rec.text, load_networks(settings.corpus_dir))
    assert [v.network.id for v in variants] == ["linkedin", "x"]
    assert all(v.address == f"{SITE}/fr/site-energie-talents.html" for v in variants)


def _edit_item(corpus_dir, item: str, extra: str) -> None:
    path = corpus_dir / "pages.yaml"
    text = path.read_text(encoding="utf-8")
    i = text.index(f"- id: {item}\n")
    j = text.index("  prompt:", i)
    path.write_text(text[:j] + extra + text[j:], encoding="utf-8")


@pytest.mark.parametrize("extra,expected,fix", [
    ("  networks: [linkedin, tiktok]\n", "social-energie-1: network 'tiktok' is not in corpus/networks.yaml",
     "add it to corpus/networks.yaml"),
    ("  link: site-nulle-part\n", "social-energie-1: link 'site-nulle-part' is no page", "leave link: out"),
])
def test_an_item_asking_for_an_unknown_network_or_page_is_refused(settings, extra, expected, fix):
    _edit_item(settings.corpus_dir, "social-energie-1", extra)
    with pytest.raises(CorpusError) as exc:
        SocialKit.load(settings.corpus_dir)
    assert "pages.yaml" in exc.value.message and expected in exc.value.message and fix in exc.value.message


@pytest.mark.parametrize("old,new,expected", [
    ('"#Maritime"', '"#Port Marseille"', "maritime (fr): '#Port Marseille' has a space — fix: one word"),
    ('"#Maritime"', '"Maritime"', "maritime (fr): 'Maritime' has no # — fix: write '#Maritime'"),
    ('"#Maritime"', "#Maritime", "not valid YAML"),
    ("maritime:\n", "marine:\n", "marine: unknown filière — fix: use an id of corpus/filieres.yaml"),
])
def test_bad_hashtags_are_refused_naming_the_file_the_filiere_and_the_fix(corpus_dir, old, new, expected):
    path = corpus_dir / "hashtags.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CorpusError) as exc:
        load_hashtags(corpus_dir, load_filieres(corpus_dir))
    assert str(path) in exc.value.message and expected in exc.value.message
    assert "quote" in exc.value.fix or "fix:" in exc.value.message


def test_an_unquoted_hashtag_in_a_block_list_is_named():
    from pipeline.corpus.networks import hashtag_problem
    assert "quote it" in hashtag_problem(None) and hashtag_problem("#OneProvence") is None


@pytest.mark.parametrize("old,new,expected", [
    ("  limit: 280\n", "", "x: no character limit (limit: None) — fix: give 'limit:'"),
    ("  name: X\n", "  name: Twitter\n", "x: name 'Twitter' is not a network the studio knows"),
    ("  hashtags: 2\n", "  hashtags: deux\n", "hashtags 'deux'"),
])
def test_bad_networks_are_refused_naming_the_file_the_network_and_the_fix(corpus_dir, old, new, expected):
    path = corpus_dir / "networks.yaml"
    assert edit_item(path, "x", old, new)
    with pytest.raises(CorpusError) as exc:
        load_networks(corpus_dir)
    assert str(path) in exc.value.message and expected in exc.value.message


def test_a_variant_that_cannot_fit_one_sentence_is_refused_naming_the_network(settings):
    networks = {n.id: n for n in load_networks(settings.corpus_dir)}
    spec = find_page(specs_of(settings), "social-maritime-1")
    long = "Le port a traité 70,5 millions de tonnes en 2024 [MAR-001]. " * 6
    with pytest.raises(DraftError) as exc:
        fit(spec, networks["x"], [long], ["#OneProvence", "#Maritime"], f"{SITE}/fr/a.html")
    assert "social-maritime-1" in exc.value.message and "on X not even one sentence fits" in exc.value.message
    assert "networks:" in exc.value.fix
    kit = SocialKit(list(networks.values()), {}, [], {}, SITE)
    with pytest.raises(DraftError, match="no hashtags kept for maritime"):
        kit.tags(spec, "fr")
    kit = SocialKit.load(settings.corpus_dir, base_url=SITE)
    kit.options[spec.id] = replace(kit.options[spec.id], networks=("myspace",))
    with pytest.raises(DraftError) as exc:
        kit.networks_of(spec)
    assert "social-maritime-1" in exc.value.message and "myspace" in exc.value.message


def test_a_link_counts_as_the_network_counts_it(settings):
    n = {x.id: x for x in load_networks(settings.corpus_dir)}
    address = f"{SITE}/fr/site-maritime-investors.html"
    s = ["Le port a traité 70,5 millions de tonnes en 2024 [MAR-001]."]
    posted = "Le port a traité 70,5 millions de tonnes en 2024."
    assert Variant(n["x"], s, ["#A"], address).length() == len(posted) + 2 + 2 + 2 + 23
    assert Variant(n["linkedin"], s, ["#A"], address).length() == len(posted) + 2 + 2 + 2 + len(address)
    assert Variant(n["instagram"], s, ["#A"], address).length() == len(posted) + 2 + 2  # the link is in the bio
    assert social_options(settings.corpus_dir, list(n.values()), set())["social-maritime-1"].networks == ()


def test_citations_leave_the_post_with_french_spacing_kept():
    from pipeline.draft.script import uncited
    assert uncited("One Provence fête ses 5 ans [AGE-001] ! Voix off : le port [MAR-001].") == \
        "One Provence fête ses 5 ans ! Voix off : le port."
    assert uncited("Le port [MAR-001], premier de France [MAR-002; MAR-003].") == "Le port, premier de France."


def test_a_post_goes_stale_when_its_hashtags_or_its_network_change(settings):
    """The networks and hashtags are inputs of a post, like its facts: a change marks it stale, naming the files."""
    from pipeline.draft.staleness import StalenessJudge
    from pipeline.retrieve.fact_base import current_facts
    drafter = make_drafter(settings, FakeChatModel())
    drafter.social_kit = SocialKit.load(settings.corpus_dir, base_url=SITE)
    rec = drafter.draft(find_page(specs_of(settings), "social-energie-1"), "fr")
    assert rec.params["inputs"]["social"]

    def stale() -> list:
        judge = StalenessJudge({f.id: f for f in current_facts(settings)}, settings.today(),
                               specs={s.id: s for s in specs_of(settings)},
                               social=SocialKit.load(settings.corpus_dir, base_url=SITE))
        return [r for r in judge.reasons(rec) if r.kind == "social"]
    assert stale() == []
    hashtags = settings.corpus_dir / "hashtags.yaml"
    kept = hashtags.read_text(encoding="utf-8")
    hashtags.write_text(kept.replace('"#Énergie"', '"#EnergieProvence"'), encoding="utf-8")
    assert stale() and "hashtags.yaml" in stale()[0].what
    hashtags.write_text(kept, encoding="utf-8")
    assert stale() == []
    assert edit_item(settings.corpus_dir / "networks.yaml", "x", "limit: 280", "limit: 250")
    assert stale()
