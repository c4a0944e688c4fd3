"""The fact base as open data: data/faits.csv, data/faits.json, datapackage.json and a schema.org Dataset.

The package follows Frictionless Data Package v1 (one schema for both files, each field typed and described in
French and English: `description` in French, `description_en` in English), under the Licence Ouverte 2.0
(`etalab-2.0`). The rows are exactly the facts the fact-base pages list (publish/facts_pages.py), past their review
date included with `a_revoir` true. With the barometer, the package lists its two CSV files too (data/barometre.csv,
data/boussole.csv: `csv_resource`), their columns described in publish/barometer_data.py."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

from pipeline.corpus.agency import current as current_agency
from pipeline.publish.fact_changes import SNAPSHOT, Changes, changes_link, changes_page, changes_path, snapshot
from pipeline.publish.facts_pages import SEED, FactBase, fact_href, fact_pages
from pipeline.publish.layout import Site, facts_index_path, labels

CSV_PATH = "data/faits.csv"
JSON_PATH = "data/faits.json"
PACKAGE_PATH = "datapackage.json"
LICENCE = {"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
           "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
FREQUENCY = "irregular"  # data.gouv.fr's word: the files change at each publish of the site, facts yearly at least
# (name, Table Schema type, French description, English description)
FIELDS = (
    ("id", "string", "Identifiant stable du fait (ancre de sa page : faits/<filière>.html#<id>)",
     "Stable id of the fact (the anchor on its page: faits/<filière>.html#<id>)"),
    ("filiere", "string", "Filière ou thème du fait", "Sector or theme of the fact"),
    ("formulation_fr", "string", "Formulation publique en français (vide si non rédigée)",
     "Public wording in French (empty when not written yet)"),
    ("formulation_en", "string", "Formulation publique en anglais (vide si non rédigée)",
     "Public wording in English (empty when not written yet)"),
    ("enonce_fr", "string", "Énoncé vérifié, tel que lu dans la source", "Verified statement, as read in the source"),
    ("enonce_en", "string", "Énoncé vérifié en anglais (vide si non traduit)",
     "Verified statement in English (empty when not translated)"),
    ("valeur", "string", "Chiffre clé, en texte (« 70,5 » ; « 22889 / 6,25 » pour deux chiffres)",
     "Key figure, as text (\"70,5\"; \"22889 / 6,25\" for two figures)"),
    ("unite", "string", "Unité du chiffre", "Unit of the figure"),
    ("annee", "integer", "Année à laquelle le chiffre se rapporte", "Year the figure refers to"),
    ("note_annee", "string", "Remarque sur l'année (« présumé », « déduit »)", "Remark on the year"),
    ("source_titre", "string", "Titre de la source", "Title of the source"),
    ("source_url", "string", "Adresse de la source", "Address of the source"),
    ("source_primaire", "boolean", "Source primaire (l'entité elle-même ou la statistique publique) ; vide : non dit",
     "Primary source (the entity itself or official statistics); empty: not said"),
    ("verifie_le", "date", "Date de la dernière vérification contre la source", "Date last checked against the source"),
    ("verifie_par", "string", "Qui l'a vérifié (« seed import » : importé, non relu)",
     "Who checked it (\"seed import\": imported, not yet re-read)"),
    ("relu", "boolean", "Vrai si une personne a relu le fait contre sa source", "True when a person re-read it"),
    ("a_revoir_le", "date", "Date de la prochaine relecture", "Date of the next review"),
    ("a_revoir", "boolean", "Vrai si la date de relecture est passée (chiffre à revoir)",
     "True when the review date has passed (figure due for review)"),
    ("en_conflit_avec", "string", "Identifiants des faits qui donnent un autre chiffre, séparés par des espaces",
     "Ids of the facts that give another figure, separated by spaces"),
    ("page_fr", "string", "Adresse du fait sur le site, en français (depuis la racine du site sans --base-url)",
     "Address of the fact on the site, in French (from the site's root without --base-url)"),
    ("page_en", "string", "Adresse du fait sur le site, en anglais (depuis la racine du site sans --base-url)",
     "Address of the fact on the site, in English (from the site's root without --base-url)"),
)
NAMES = tuple(name for name, *_ in FIELDS)


def fact_rows(base: FactBase, site: Site) -> list[dict]:
    """One row per published fact, typed as the schema says (dates as ISO text)."""
    rows = []
    for f in base.facts:
        rows.append({"id": f.id, "filiere": f.filiere, "formulation_fr": f.wording_fr, "formulation_en": f.wording_en,
                     "enonce_fr": f.statement_fr, "enonce_en": f.statement_en, "valeur": f.value, "unite": f.unit,
                     "annee": f.year, "note_annee": f.year_note, "source_titre": f.source.title,
                     "source_url": f.source.url, "source_primaire": f.source.primary,
                     "verifie_le": f.verified_on.isoformat(), "verifie_par": f.verified_by,
                     "relu": f.verified_by.strip().lower() != SEED, "a_revoir_le": f.review_by.isoformat(),
                     "a_revoir": base.stale(f), "en_conflit_avec": " ".join(base.conflicts.get(f.id, ())),
                     "page_fr": site.url(fact_href("fr", f)), "page_en": site.url(fact_href("en", f))})
    return rows


def rows_csv(rows: list[dict]) -> str:
    """The rows as CSV (UTF-8, comma, header line; booleans true/false, an unknown one empty)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=NAMES, lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else ("true" if v else "false") if isinstance(v, bool) else v)
                    for k, v in r.items()})
    return buf.getvalue()


def table_schema(fields, required=(), primary_key=()) -> dict:
    """A Table Schema from (name, type, French description, English description) tuples; "" is a missing value."""
    return {"fields": [{"name": n, "type": t, "description": fr, "description_en": en,
                        **({"constraints": {"required": True}} if n in required else {})}
                       for n, t, fr, en in fields], **({"primaryKey": list(primary_key)} if primary_key else {}),
            "missingValues": [""]}


def schema() -> dict:
    """The Table Schema both files share."""
    return table_schema(FIELDS, _REQUIRED, ["id"])


_REQUIRED = {"id", "filiere", "annee", "source_titre", "source_url", "verifie_le", "verifie_par", "a_revoir_le"}


def producer() -> str:
    """The publisher of the open data: "One Provence — Agence d'attractivité d'Aix-Marseille-Provence"."""
    return f"{current_agency().name} — {labels('fr')['tagline']}"


def datapackage(created: datetime, modified: datetime, count: int, more: tuple = ()) -> dict:
    """datapackage.json: the two resources, their schema, licence, producer, dates and update frequency; `more`:
    other resources listed after them (the barometer's CSVs, publish/barometer_data.py's data_resources)."""
    a = current_agency()  # corpus/territories.yaml
    desc_fr = (f"Les chiffres vérifiés sur lesquels l'agence {a.name} fonde ses textes sur {a.territory_fr} "
               "(hors chiffres de comparaison avec d'autres territoires), avec leur source, leur vérification et "
               "leur date de relecture.")
    desc_en = (f"The verified figures {a.name}'s texts about {a.territory_en} rest on (comparison figures "
               "about other territories left out), with their source, verification and review date.")
    common = {"profile": "tabular-data-resource", "encoding": "utf-8", "schema": schema()}
    return {"profile": "tabular-data-package", "name": f"{a.slug}-faits", "title": f"Faits et chiffres — {a.name}",
            "title_en": f"Facts and figures — {a.name}", "description": desc_fr, "description_en": desc_en,
            "licenses": [LICENCE], "contributors": [{"title": producer(), "role": "publisher"}],
            "producer": producer(),
            "created": created.isoformat(timespec="seconds"), "modified": modified.isoformat(timespec="seconds"),
            "frequency": FREQUENCY, "keywords": [a.territory_fr, "attractivité", "chiffres clés"],
            "resources": [
                {"name": "faits-csv", "path": CSV_PATH, "format": "csv", "mediatype": "text/csv", **common,
                 "dialect": {"delimiter": ",", "header": True}, "description": f"{count} faits, CSV"},
                {"name": "faits-json", "path": JSON_PATH, "format": "json", "mediatype": "application/json",
                 **common, "description": f"{count} faits, JSON (une liste d'objets, les champs du schéma)"},
                *more]}


def csv_resource(name: str, path: str, description: str, description_en: str, schema_: dict) -> dict:
    """Another CSV file of the package (UTF-8, comma, header line) as a tabular-data-resource: the barometer's."""
    return {"name": name, "path": path, "format": "csv", "mediatype": "text/csv", "profile": "tabular-data-resource",
            "encoding": "utf-8", "schema": schema_, "dialect": {"delimiter": ",", "header": True},
            "description": description, "description_en": description_en}


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def dataset_jsonld(site: Site, lang: str, created: datetime, modified: datetime) -> dict:
    """The schema.org Dataset the resource centre's index page carries, with its downloads."""
    fr, a = lang == "fr", current_agency()
    return {"@context": "https://schema.org", "@type": "Dataset",
            "name": f"Faits et chiffres — {a.name}" if fr else f"Facts and figures — {a.name}",
            "description": datapackage(created, modified, 0)["description" if fr else "description_en"],
            "inLanguage": ["fr", "en"], "url": site.url(facts_index_path(lang)),
            "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "creator": {"@type": "Organization", "name": producer()},
            "publisher": {"@type": "Organization", "name": producer()},
            "dateCreated": created.date().isoformat(), "dateModified": modified.date().isoformat(),
            "spatialCoverage": a.territory_fr, "isAccessibleForFree": True,
            "distribution": [{"@type": "DataDownload", "encodingFormat": fmt, "contentUrl": site.url(path)}
                             for fmt, path in (("text/csv", CSV_PATH), ("application/json", JSON_PATH),
                                               ("application/json", PACKAGE_PATH))]}


def open_data_files(base: FactBase, site: Site, created: datetime, modified: datetime,
                    more: tuple = ()) -> list[tuple[str, str]]:
    """(path, content) of data/faits.csv, data/faits.json and datapackage.json (listing `more` resources too)."""
    rows = fact_rows(base, site)
    return [(CSV_PATH, rows_csv(rows)), (JSON_PATH, _json(rows)),
            (PACKAGE_PATH, _json(datapackage(created, modified, len(rows), more)))]


def downloads(lang: str) -> list[tuple[str, str, str]]:
    """The open-data files as the index page lists them: (title, path, format)."""
    if lang == "fr":
        return [("Tous les faits (CSV)", CSV_PATH, "CSV"), ("Tous les faits (JSON)", JSON_PATH, "JSON"),
                ("Description des données (Data Package)", PACKAGE_PATH, "JSON")]
    return [("Every fact (CSV)", CSV_PATH, "CSV"), ("Every fact (JSON)", JSON_PATH, "JSON"),
            ("Data description (Data Package)", PACKAGE_PATH, "JSON")]


def resource_centre(site: Site, base: FactBase, filiere_labels: dict[str, dict[str, str]], created: datetime,
                    modified: datetime, changes: Changes | None = None, more_data: tuple = ()
                    ) -> tuple[list[tuple[str, str, date, dict[str, str]]], list[tuple[str, str]]]:
    """The fact-base pages (path, html, last change, {lang: path}), the open-data files and the facts snapshot
    (path, content); `changes`: the fact base against the previous publish, for the "what changed" page;
    `more_data`: other resources of the data package (the barometer's CSVs)."""
    langs = ("fr", "en")
    pages = fact_pages(site, base, filiere_labels, {lang: downloads(lang) for lang in langs},
                       {lang: dataset_jsonld(site, lang, created, modified) for lang in langs},
                       {lang: changes_link(site, lang) for lang in langs})
    ch = changes or Changes(None)
    pages += [(changes_path(lang), changes_page(site, ch, lang, base.today), modified.date(),
               {x: changes_path(x) for x in langs}) for lang in langs]
    return pages, open_data_files(base, site, created, modified, more_data) + [(SNAPSHOT, snapshot(base, modified))]


def previous_created(out: Path) -> datetime | None:
    """When the data package was first published: `created` of the datapackage.json an earlier publish left."""
    try:
        data = json.loads((out / PACKAGE_PATH).read_text(encoding="utf-8"))
        return datetime.fromisoformat(data["created"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
