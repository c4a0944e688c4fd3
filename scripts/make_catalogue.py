"""One-off generator of corpus/pages.yaml (kept for reference; staff edit pages.yaml directly afterwards)."""
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline.corpus.seed_import import _Dumper  # noqa: E402  (id lists on one line, the rest in blocks)

TOPICS = {
    "territoire": ["population et communes de la Métropole Aix-Marseille-Provence",
                   "accessibilité : TGV, aéroport, câbles sous-marins", "universités et étudiants",
                   "emplois et entreprises de la Métropole"],
    "aeronautique": ["Airbus Helicopters emplois Marignane", "NextGen Factory investissement Marignane",
                     "pôle SAFE adhérents aéronautique", "filière aéronautique emplois région"],
    "sante": ["AP-HM CHU budget agents", "Marseille Immunopôle chercheurs", "technopôle de Luminy",
              "pôle Eurobiomed adhérents"],
    "cinema": ["jours de tournage à Marseille", "Provence Studios plateaux Martigues",
               "Pôle Média de la Belle de Mai studios", "Plus belle la vie tournage"],
    "energie": ["ITER pays participants et contrats", "CEA Cadarache personnes", "hydrogène H2V Fos électrolyse",
                "décarbonation investissements Fos GravitHy"],
    "maritime": ["tonnage du port de Marseille-Fos", "conteneurs EVP port de Marseille-Fos", "CMA CGM siège Marseille",
                 "croisière passagers Marseille"],
    "logistique": ["Fos Distriport entrepôts", "Clésud plate-forme logistique", "part du fret ferroviaire",
                   "fret aérien aéroport Marseille Provence"],
    "culture": ["MuCEM visiteurs", "Marseille-Provence 2013 capitale européenne de la culture",
                "Festival d'Aix-en-Provence spectateurs", "musées et festivals des Bouches-du-Rhône"],
    "sport": ["épreuves de voile des JO 2024 à Marseille", "Stade Vélodrome capacité",
              "matchs de football olympiques à Marseille", "marina olympique du Roucas-Blanc"],
}
LABEL = {"territoire": ("Le territoire", "The territory"), "aeronautique": ("Aéronautique", "Aeronautics"),
         "sante": ("Santé", "Health"), "cinema": ("Cinéma", "Film"), "energie": ("Énergie", "Energy"),
         "maritime": ("Transport maritime", "Shipping"), "logistique": ("Logistique", "Logistics"),
         "culture": ("Culture", "Culture"), "sport": ("Sport", "Sport")}
TOPICS_EN = {
    "territoire": ["Population and municipalities", "Connections: high-speed rail, airport, submarine cables",
                   "Universities and students", "Jobs and companies"],
    "aeronautique": ["Airbus Helicopters in Marignane", "The NextGen Factory", "The SAFE cluster",
                     "The regional aerospace industry"],
    "sante": ["AP-HM, a leading university hospital", "Marseille Immunopôle", "The Luminy science park",
              "The Eurobiomed cluster"],
    "cinema": ["Filming days in Marseille", "Provence Studios in Martigues", "Pôle Média de la Belle de Mai",
               "Plus belle la vie"],
    "energie": ["ITER: partner countries and contracts", "CEA Cadarache", "Green hydrogen in Fos",
                "Decarbonisation investments in Fos"],
    "maritime": ["Port of Marseille-Fos traffic", "Containers at Marseille-Fos", "CMA CGM headquarters",
                 "Cruise passengers"],
    "logistique": ["Fos Distriport warehouses", "The Clésud logistics hub", "Rail freight share",
                   "Air freight at Marseille Provence airport"],
    "culture": ["The MuCEM", "Marseille-Provence 2013, European Capital of Culture", "The Aix Festival",
                "Museums and festivals"],
    "sport": ["Olympic sailing 2024 in Marseille", "The Stade Vélodrome", "Olympic football in Marseille",
              "The Roucas-Blanc Olympic marina"],
}
EXCELLENCE = ["aeronautique", "sante", "cinema", "energie", "maritime", "logistique"]
AUDIENCE = {"investors": ("investisseurs", "investors"), "talents": ("talents", "talents")}


def sections(filiere, picks, n_facts=3):
    return [{"title_fr": TOPICS[filiere][i][0].upper() + TOPICS[filiere][i][1:], "title_en": TOPICS_EN[filiere][i],
             "query": TOPICS[filiere][i], "facts": n_facts} for i in picks]


items = [{"id": "site-territoire", "kind": "page", "audience": "general",
          "title_fr": "Aix-Marseille-Provence, un territoire d'excellence",
          "title_en": "Aix-Marseille-Provence, a territory of excellence", "languages": ["fr", "en"],
          "filieres": ["territoire"], "sections": sections("territoire", [0, 1, 3]), "length": 220, "prompt": "page"}]
for f in EXCELLENCE + ["culture", "sport"]:
    for aud, picks in (("investors", [0, 1]), ("talents", [0, 3])):
        items.append({"id": f"site-{f}-{aud}", "kind": "page", "audience": aud,
                      "title_fr": f"{LABEL[f][0]} — pour les {AUDIENCE[aud][0]}",
                      "title_en": f"{LABEL[f][1]} — for {AUDIENCE[aud][1]}", "languages": ["fr", "en"],
                      "filieres": [f], "sections": sections(f, picks), "length": 180, "prompt": "page"})
for f in ["territoire"] + EXCELLENCE:
    items.append({"id": f"argumentaire-{f}", "kind": "argumentaire", "audience": "investors",
                  "title_fr": f"Argumentaire — {LABEL[f][0]}", "title_en": f"Key arguments — {LABEL[f][1]}",
                  "languages": ["fr", "en"], "filieres": [f], "sections": sections(f, [0, 1, 2, 3], 2),
                  "length": 60, "prompt": "argumentaire"})
items.append({"id": "marque-employeur-vivre-travailler", "kind": "employer_brand", "audience": "talents",
              "title_fr": "Vivre et travailler en Provence", "title_en": "Live and work in Provence",
              "languages": ["fr", "en"], "filieres": ["territoire", "culture", "sport"],
              "sections": sections("territoire", [1, 2]) + sections("culture", [3]), "length": 160,
              "prompt": "employer_brand"})
for f in EXCELLENCE:
    items.append({"id": f"marque-employeur-{f}", "kind": "employer_brand", "audience": "talents",
                  "title_fr": f"Rejoindre la filière {LABEL[f][0].lower()}",
                  "title_en": f"Join the {LABEL[f][1].lower()} industry", "languages": ["fr", "en"],
                  "filieres": [f], "sections": sections(f, [0, 3]), "length": 140, "prompt": "employer_brand"})
for f in EXCELLENCE:
    for n in range(3):
        items.append({"id": f"social-{f}-{n + 1}", "kind": "social", "audience": "general",
                      "title_fr": f"{LABEL[f][0]} #{n + 1}", "title_en": f"{LABEL[f][1]} #{n + 1}",
                      "languages": ["fr", "en"], "filieres": [f], "sections": sections(f, [n], 2),
                      "length": 40, "prompt": "social"})

header = """# The page catalogue: every text the studio drafts. Format and fields: corpus/README.md ("Pages").
# Edit freely; `python -m pipeline pages` validates and lists it.

"""
Path(__file__).resolve().parent.parent.joinpath("corpus/pages.yaml").write_text(
    header + yaml.dump(items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000,
                       default_flow_style=False), encoding="utf-8")
print(len(items), "items")
