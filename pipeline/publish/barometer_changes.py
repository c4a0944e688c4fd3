"""What changed since the barometer's newest frozen edition, as its first page says it.

What changed since the newest frozen edition of the barometer (`barometer build --edition`), on its first page:
each change worded in the page's language with the facts that explain it, linked to their cards."""
from __future__ import annotations

from pipeline.barometer import words as bw
from pipeline.publish import barometer as bp
from pipeline.publish.layout import link

W = {
    "fr": {"title": "Depuis l'édition {e}", "intro": "Ce qui a changé depuis l'édition {e} du baromètre, et le fait "
           "qui l'explique :", "none": "Rien n'a changé depuis l'édition {e}.",
           "latest": "{name} : {old} ({old_year}) → {new} ({new_year}){pct}", "no_more": "{name} : plus de chiffre "
           "(c'était {old}, {old_year})", "rank": "{name} : rang {old_rank} sur {old_n} ({old_year}) → {new_rank} sur "
           "{new_n} ({new_year})", "fact": "le fait {fact} a changé ({fields})", "gone": "le fait {fact} n'est plus "
           "montré (retiré, remplacé, réétiqueté, ou un autre fait prévaut)",
           "fields": {"value": "valeur", "unit": "unité", "year": "année", "status": "statut",
                      "review_by": "date de relecture", "source": "source"}, "other": "formulation"},
    "en": {"title": "Since the {e} edition", "intro": "What changed since the {e} edition of the barometer, and the "
           "fact that explains it:", "none": "Nothing changed since the {e} edition.",
           "latest": "{name}: {old} ({old_year}) → {new} ({new_year}){pct}", "no_more": "{name}: no figure any more "
           "(it was {old}, {old_year})", "rank": "{name}: rank {old_rank} of {old_n} ({old_year}) → {new_rank} of "
           "{new_n} ({new_year})", "fact": "fact {fact} changed ({fields})", "gone": "fact {fact} is no longer shown "
           "(retired, superseded, re-tagged, or another fact leads now)",
           "fields": {"value": "value", "unit": "unit", "year": "year", "status": "status",
                      "review_by": "review date", "source": "source"}, "other": "wording"},
}


def _pct(pct: float | None, lang: str) -> str:
    if pct is None:
        return ""
    n = bw.format_decimal(abs(pct), format="0.#", locale=bw.LOCALES[lang])
    sign = "+" if pct >= 0 else "−"
    return f" ({sign}{n}\u202f%)" if lang == "fr" else f" ({sign}{n}%)"


def _ref(pub, frame, fid: str) -> str:
    card = pub.site.fact_card(frame.lang, fid) or (pub.card(frame.lang, fid) if fid in pub.facts else None)
    if not card:
        return f'<span class="fact-ref">{bp._e(fid)}</span>'
    return f'<a class="fact-ref" href="{bp._e(link(pub.site, frame, card))}">{bp._e(fid)}</a>'


def line(pub, frame, c) -> str:
    """One change as a list item: its words, then the facts behind it."""
    lang, w, d = frame.lang, W[frame.lang], c.data or {}
    name = d.get(f"name_{lang}", c.indicator)
    if c.kind == "latest" and "new" in d:
        text = bp._e(w["latest"].format(name=name, old=bw.figure(d["old"], lang), old_year=d["old_year"],
                                        new=bw.figure(d["new"], lang), new_year=d["new_year"], pct=_pct(d["pct"], lang)))
    elif c.kind == "latest":
        text = bp._e(w["no_more"].format(name=name, old=bw.figure(d.get("old", ""), lang), old_year=d.get("old_year")))
    elif c.kind == "rank":
        text = bp._e(w["rank"].format(name=name, **{k: d[k] for k in ("old_rank", "old_n", "old_year", "new_rank",
                                                                         "new_n", "new_year")}))
    elif c.kind == "fact":
        said = [w["fields"].get(f, f) + (f" : {bw.figure(d['value'][0], lang)} → {bw.figure(d['value'][1], lang)}"
                                          if lang == "fr" else f": {bw.figure(d['value'][0], lang)} → "
                                          f"{bw.figure(d['value'][1], lang)}") * (f == "value" and "value" in d)
                for f in d.get("fields", [])]
        fields = ", ".join(said) or w["other"]
        return f"<li>{w['fact'].format(fact=_ref(pub, frame, c.facts[0]), fields=bp._e(fields))}</li>"
    else:
        return f"<li>{w['gone'].format(fact=_ref(pub, frame, c.facts[0]))}</li>"
    return f"<li>{text} · " + ", ".join(_ref(pub, frame, f) for f in c.facts) + "</li>"


def since_section(pub, frame) -> str:
    """The section, or "" when no edition was frozen."""
    if not pub.b.since:
        return ""
    edition, found = pub.b.since
    w = W[frame.lang]
    body = ("<ul>\n" + "\n".join(line(pub, frame, c) for c in found) + "\n</ul>" if found
            else f"<p>{bp._e(w['none'].format(e=edition))}</p>")
    intro = f"<p>{bp._e(w['intro'].format(e=edition))}</p>\n" if found else ""
    return (f'<section id="depuis" aria-labelledby="h-since">\n<h2 id="h-since">{bp._e(w["title"].format(e=edition))}'
            f"</h2>\n{intro}{body}\n</section>")
