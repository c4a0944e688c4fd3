"""One-off generator of corpus/pages.yaml (kept for reference; staff edit pages.yaml directly afterwards).

It reproduces the catalogue as generated, with the written section headings of issue 12 (TITLES_FR, TOPICS_EN);
TOPICS are the retrieval queries. It overwrites nothing unless given --force (pages.yaml may have been edited since).
"""
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline.corpus.seed_import import _Dumper  # noqa: E402  (id lists on one line, the rest in blocks)

TOPICS = {
    "territoire": ["habitants et communes de la Métropole",
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
# Section headings for readers, in the order of TOPICS (the queries are for retrieval, never shown).
TITLES_FR = {
    "territoire": ["Une métropole qui rassemble Aix, Marseille et leurs communes",
                   "Un territoire relié au monde : TGV, aéroport et câbles sous-marins",
                   "Aix-Marseille Université, un grand pôle d'enseignement",
                   "Un tissu économique dense d'entreprises et d'emplois"],
    "aeronautique": ["Airbus Helicopters, premier employeur de Marignane",
                     "La NextGen Factory, nouvelle usine d'Airbus Helicopters à Marignane",
                     "SAFE, le pôle de compétitivité aéronautique et sécurité",
                     "L'aéronautique, filière industrielle majeure de la région"],
    "sante": ["L'AP-HM, un CHU de premier plan", "Marseille Immunopôle, un pôle de recherche en immunologie",
              "Luminy, un technopôle des sciences du vivant", "Eurobiomed, le pôle de compétitivité santé"],
    "cinema": ["Marseille, ville de tournages", "Provence Studios, des plateaux de tournage à Martigues",
               "La Belle de Mai, des studios au cœur de Marseille", "Plus belle la vie, une série tournée à Marseille"],
    "energie": ["ITER, un programme international en Provence", "Le CEA Cadarache, un grand centre de recherche",
                "L'hydrogène bas carbone à Fos-sur-Mer", "Fos-sur-Mer, terrain des investissements de décarbonation"],
    "maritime": ["Le trafic du port de Marseille-Fos", "Les conteneurs au port de Marseille-Fos",
                 "CMA CGM, un leader mondial basé à Marseille", "Marseille, grand port de croisière"],
    "logistique": ["Fos Distriport, une zone logistique portuaire", "Clésud, la plateforme logistique de Grans-Miramas",
                   "Le rail au service du port", "Le fret aérien à l'aéroport Marseille Provence"],
    "culture": ["Le MuCEM, musée phare de Marseille", "Marseille-Provence, capitale européenne de la culture",
                "Le Festival d'Aix-en-Provence, rendez-vous lyrique", "Une offre culturelle riche en musées et festivals"],
    "sport": ["Marseille, site olympique de la voile", "Le Stade Vélodrome, antre de l'Olympique de Marseille",
              "Le football olympique à Marseille", "Le Roucas-Blanc, une marina olympique pour Marseille"],
}
TOPICS_EN = {
    "territoire": ["A metropolis uniting Aix, Marseille and their municipalities",
                   "Connected to the world by high-speed rail, air and submarine cables",
                   "Aix-Marseille University, a major centre of learning", "A dense fabric of businesses and jobs"],
    "aeronautique": ["Airbus Helicopters, Marignane's largest employer",
                     "The NextGen Factory, Airbus Helicopters' new plant in Marignane",
                     "SAFE, the aerospace and security cluster", "Aerospace, a leading industry in the region"],
    "sante": ["AP-HM, a leading university hospital", "Marseille Immunopôle, an immunology research cluster",
              "Luminy, a life-sciences park", "Eurobiomed, the health competitiveness cluster"],
    "cinema": ["Marseille, a city for filming", "Provence Studios, sound stages in Martigues",
               "Belle de Mai, studios in the heart of Marseille", "Plus belle la vie, a series filmed in Marseille"],
    "energie": ["ITER, an international programme in Provence", "CEA Cadarache, a major research centre",
                "Low-carbon hydrogen in Fos-sur-Mer", "Fos-sur-Mer, a hub for decarbonisation investment"],
    "maritime": ["Traffic at the port of Marseille-Fos", "Container traffic at Marseille-Fos",
                 "CMA CGM, a global leader based in Marseille", "Marseille, a major cruise port"],
    "logistique": ["Fos Distriport, a port logistics zone", "Clésud, the Grans-Miramas logistics platform",
                   "Rail links for the port", "Air freight at Marseille Provence Airport"],
    "culture": ["The MuCEM, Marseille's landmark museum", "Marseille-Provence, European Capital of Culture",
                "The Aix-en-Provence Festival, a fixture of opera", "A wealth of museums and festivals"],
    "sport": ["Marseille, the Olympic sailing venue", "The Stade Vélodrome, home of Olympique de Marseille",
              "Olympic football in Marseille", "Roucas-Blanc, Marseille's Olympic marina"],
}
EXCELLENCE = ["aeronautique", "sante", "cinema", "energie", "maritime", "logistique"]
AUDIENCE = {"investors": ("investisseurs", "investors"), "talents": ("talents", "talents")}


def sections(filiere, picks, n_facts=3):
    return [{"title_fr": TITLES_FR[filiere][i], "title_en": TOPICS_EN[filiere][i],
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
out = Path(__file__).resolve().parent.parent.joinpath("corpus/pages.yaml")
if out.exists() and "--force" not in sys.argv:
    sys.exit(f"{out} exists (staff may have edited it): run with --force to overwrite it")
out.write_text(
    header + yaml.dump(items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000,
                       default_flow_style=False), encoding="utf-8")
print(len(items), "items")
