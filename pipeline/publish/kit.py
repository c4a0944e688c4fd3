"""The ambassadors' kit (issue 17): what an employee or a partner may take away and post, from approved text only.

`publish` writes `kit/index.html` (French, then English) and `kit/kit-ambassadeurs.zip`:

    LISEZMOI.md, README.md              what may be changed and what may not (figures and their sources)
    posts/<lang>/<network>/<page>.txt   each approved post as it goes on the network (citations left out)
    posts/<lang>/<page>.sources.txt     the source of every figure of that post
    videos/<page>.<lang>.md             an approved video script (its shots, on-screen text, voice-over), sources
    videos/<page>.<lang>.srt / .vtt     its subtitles, as publish wrote them
    photos/<photo>.jpg, photos/credits.csv
                                        the photos the published pages show (rights valid on the publication day,
                                        alt text reviewed), each with the credit line to paste

The ZIP is the same for the same inputs (entries sorted, dated with the publication time)."""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.draft.script import uncited
from pipeline.publish.layout import Frame, Site, document

KIT_PAGE = "kit/index.html"
KIT_ZIP = "kit/kit-ambassadeurs.zip"

GUIDE = {
    "fr": ("Kit des ambassadeurs", """Ce kit rassemble des textes approuvés par l'agence, à publier sous votre nom.

Vous pouvez :
- choisir le réseau, le jour, et les publications qui vous parlent ;
- ajouter une phrase à vous (votre métier, votre lien au territoire) avant ou après le texte ;
- retirer des phrases entières, ou des mots-dièse.

Vous ne pouvez pas :
- changer un chiffre, une date, un nom ou une unité : chacun vient de la base de faits vérifiée de l'agence, et sa
  source est dans le fichier `.sources.txt` de la publication ;
- ajouter un chiffre qui n'y est pas : demandez-le à l'agence, qui le vérifiera ;
- publier une photo sans son crédit (`photos/credits.csv`), la recadrer au point d'en changer le sens, ou l'utiliser
  après la fin de ses droits.

Les sous-titres des vidéos sont minutés sur la voix off : si vous changez le texte dit, refaites-les."""),
    "en": ("Ambassadors' kit", """This kit holds texts the agency approved, for you to post under your own name.

You may:
- choose the network, the day, and the posts that speak to you;
- add a sentence of your own (your work, your tie to the territory) before or after the text;
- leave out whole sentences, or hashtags.

You may not:
- change a figure, a date, a name or a unit: each comes from the agency's verified fact base, and its source is in the
  post's `.sources.txt` file;
- add a figure that is not there: ask the agency, which will check it;
- post a photo without its credit (`photos/credits.csv`), crop it so that it says something else, or use it after its
  rights end.

The videos' subtitles are timed on the voice-over: if you change what is said, remake them."""),
}
_WORDS = {
    "fr": {"download": "Télécharger le kit (ZIP)", "posts": "Publications par réseau", "videos": "Scripts vidéo",
           "photos": "Photos", "chars": "caractères", "none": "Rien pour l'instant.", "sources": "Sources",
           "subtitles": "sous-titres", "credit": "Crédit à copier", "post": "Publication",
           "bio": "lien à mettre en bio :"},
    "en": {"download": "Download the kit (ZIP)", "posts": "Posts by network", "videos": "Video scripts",
           "photos": "Photos", "chars": "characters", "none": "Nothing yet.", "sources": "Sources",
           "subtitles": "subtitles", "credit": "Credit to paste", "post": "Post", "bio": "link for the bio:"},
}


@dataclass(frozen=True)
class Post:
    page_id: str
    lang: str
    network: str      # its heading in the draft ("LinkedIn"), or "" when the post has no variants
    network_id: str   # its file name in the ZIP ("linkedin", "post")
    text: str         # as it goes on the network
    length: int       # characters as the network counts them
    bio: str = ""     # the address to put in the profile, on a network whose links are not clickable (Instagram)


def posts(page, networks) -> list[Post]:
    """The variants of an approved social post (draft/variants.py), or the whole post when it has none."""
    from pipeline.draft.variants import parse
    variants = parse(page.text, networks or [])
    if not variants:
        text = uncited(page.text)
        return [Post(page.page_id, page.lang, "", "post", text, len(text))]
    return [Post(page.page_id, page.lang, v.network.name, v.network.id, v.posted(), v.length(),
                 "" if v.network.link_clickable else v.address) for v in variants]


def _sources(page) -> str:
    return "".join(f"[{s.id}] {s.title} ({s.year}) {s.url}\n" for s in page.sources)


def _photos(plan) -> list[tuple[str, object, Path]]:
    """(file name in the ZIP, Figure, its largest JPEG rendition), each photo once."""
    seen: dict[str, tuple[str, object, Path]] = {}
    for figs in (plan.figures.values() if plan is not None else []):
        for f in figs:
            jpg = [r for r in f.files if r.fmt == "jpg"]
            if jpg and f.photo_id not in seen:
                seen[f.photo_id] = (f"photos/{f.photo_id}.jpg", f, jpg[-1].path)
    return [seen[k] for k in sorted(seen)]


def kit_entries(folder: Path, pages, posts_of: dict, photos: list) -> dict[str, bytes]:
    """Every file of the ZIP, by name (`posts_of`: (page id, lang) -> its Posts; `photos`: _photos' list)."""
    out: dict[str, bytes] = {"LISEZMOI.md": _guide_md("fr"), "README.md": _guide_md("en")}
    for p in pages:
        if p.kind == "social":
            for post in posts_of[(p.page_id, p.lang)]:
                bio = f"\n\n({_WORDS[p.lang]['bio']} {post.bio})" if post.bio else ""
                out[f"posts/{p.lang}/{post.network_id}/{p.page_id}.txt"] = (post.text + bio + "\n").encode("utf-8")
            out[f"posts/{p.lang}/{p.page_id}.sources.txt"] = _sources(p).encode("utf-8")
        elif p.kind == "video":
            out[f"videos/{p.page_id}.{p.lang}.md"] = (
                uncited(p.text) + f"\n\n## {_WORDS[p.lang]['sources']}\n\n" + _sources(p)).encode("utf-8")
            for ext in ("srt", "vtt"):
                sub = folder / "videos" / f"{p.page_id}.{p.lang}.{ext}"
                if sub.exists():
                    out[f"videos/{p.page_id}.{p.lang}.{ext}"] = sub.read_bytes()
    rows = io.StringIO()
    w = csv.writer(rows)
    w.writerow(["file", "credit", "licence", "alt_text"])
    for name, f, path in photos:
        out[name] = path.read_bytes()
        w.writerow([name, f.credit, f.licence, f.alt])
    out["photos/credits.csv"] = rows.getvalue().encode("utf-8")
    return out


def _guide_md(lang: str) -> bytes:
    title, body = GUIDE[lang]
    return f"# {title}\n\n{body}\n".encode("utf-8")


def write_zip(path: Path, entries: dict[str, bytes], when: datetime) -> None:
    """The same bytes for the same entries: sorted names, one date, fixed permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, entries[name])


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _section(lang: str, pages, posts_of: dict, photos: list) -> str:
    w = _WORDS[lang]
    title, guide = GUIDE[lang]
    mine = [p for p in pages if p.lang == lang]
    paras = "".join(_block(b) for b in guide.split("\n\n"))
    body = [f'<h{1 if lang == "fr" else 2}>{_e(title)}</h{1 if lang == "fr" else 2}>', paras,
            f'<p><a class="download" href="{_e(KIT_ZIP.split("/")[-1])}" download>{_e(w["download"])}</a></p>',
            f"<h3>{_e(w['posts'])}</h3>"]
    social = [post for p in mine if p.kind == "social" for post in posts_of[(p.page_id, p.lang)]]
    body += [f"<h4>{_e(post.network or w['post'])} · {_e(post.page_id)}</h4>\n<blockquote><p>"
             + _e(post.text).replace("\n", "<br>") + f"</p></blockquote>\n<p class=\"kit-count\">{post.length} {w['chars']}"
             + (f" · {_e(w['bio'])} <code>{_e(post.bio)}</code>" if post.bio else "") + "</p>"
             for post in social] or [f"<p>{w['none']}</p>"]
    body.append(f"<h3>{_e(w['videos'])}</h3>")
    videos = [p for p in mine if p.kind == "video"]
    body += [f"<h4>{_e(p.title)}</h4>\n<p><a href=\"../videos/{_e(p.page_id)}.{lang}.srt\">SRT</a> · "
             f"<a href=\"../videos/{_e(p.page_id)}.{lang}.vtt\">WebVTT</a> ({w['subtitles']})</p>" for p in videos] \
        or [f"<p>{w['none']}</p>"]
    body.append(f"<h3>{_e(w['photos'])}</h3>")
    body += [f"<p><strong>{_e(f.photo_id)}</strong> — {_e(w['credit'])} : <code>{_e(f.credit)}</code></p>"
             for _, f, _ in photos] or [f"<p>{w['none']}</p>"]
    inner = "\n".join(body)
    return inner if lang == "fr" else f'<div lang="en">\n{inner}\n</div>'


def _block(block: str) -> str:
    """A paragraph of the guide as HTML: its lead line, then its "- " items as a list (continuation lines joined)."""
    lead, items = [], []
    for line in block.splitlines():
        if line.lstrip().startswith("- "):
            items.append(line.strip()[2:])
        elif items:
            items[-1] += " " + line.strip()
        else:
            lead.append(line.strip())
    def h(text: str) -> str:  # the guide is Markdown in the ZIP: its `file names` as code here
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))
    out = f"<p>{h(' '.join(lead))}</p>\n" if lead else ""
    return out + ("<ul>\n" + "".join(f"<li>{h(i)}</li>\n" for i in items) + "</ul>\n" if items else "")


def write_kit(folder: Path, pages, networks, plan, generated_at: datetime, site: Site) -> list[str]:
    """The kit's page and ZIP in the site `folder`; the paths written. `site`: the navigation the site's other pages
    show (publish/pages.py's site_of)."""
    posts_of = {(p.page_id, p.lang): posts(p, networks) for p in pages if p.kind == "social"}  # parsed once
    photos = _photos(plan)
    write_zip(folder / KIT_ZIP, kit_entries(folder, pages, posts_of, photos), generated_at)
    frame = Frame(KIT_PAGE, "fr", GUIDE["fr"][0], "Les publications, scripts vidéo et photos approuvés, à partager.",
                  year=generated_at.year)
    body = _section("fr", pages, posts_of, photos) + "\n<hr>\n" + _section("en", pages, posts_of, photos)
    (folder / KIT_PAGE).write_text(document(site, frame, f'<article class="kit">\n{body}\n</article>'),
                                   encoding="utf-8")
    return [KIT_PAGE, KIT_ZIP]
