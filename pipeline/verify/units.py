"""Unit words (French and English, folded) grouped in families: 70,5 millions de tonnes is not 70,5 millions d'EVP."""
from __future__ import annotations

import re

FAMILIES: dict[str, tuple[str, ...]] = {
    "tonne": ("tonnes", "tonne", "t", "mt", "tons", "ton", "metric tons", "tonnes de fret", "tonnage"),
    "teu": ("evp", "teu", "teus", "conteneurs evp", "equivalents vingt pieds", "twenty-foot equivalent units",
            "twenty-foot containers", "containers", "conteneurs", "boxes"),
    "inhabitant": ("habitants", "habitant", "inhabitants", "residents", "people living", "population"),
    "people": ("personnes", "people", "persons", "individus", "individuals"),
    "worker": ("salaries", "salarie", "employes", "employees", "employee", "collaborateurs", "staff", "agents",
               "workers", "personnels", "personnel", "emplois", "emploi", "jobs", "job",
               "postes", "etp", "equivalents temps plein", "full-time equivalents", "fte", "chercheurs",
               "researchers", "enseignants-chercheurs", "scientists", "staffers", "team members", "effectif", "effectifs", "headcount",
               "workforce"),
    "visitor": ("visiteurs", "visiteur", "visitors", "visites", "visits", "spectateurs", "spectators",
                "touristes", "tourists", "festivaliers", "festival-goers", "entrees", "admissions", "attendees"),
    "passenger": ("passagers", "passengers", "voyageurs", "travellers", "travelers", "croisieristes",
                  "cruise passengers", "cruise-goers", "cruise visitors"),
    "company": ("entreprises", "entreprise", "companies", "company", "firms", "businesses", "societes",
                "etablissements", "establishments", "start-ups", "startups"),
    "student": ("etudiants", "etudiant", "students", "student"),
    "km2": ("km²", "km2", "kilometres carres", "square kilometres", "square kilometers", "sq km"),
    "m2": ("m²", "m2", "metres carres", "square metres", "square meters", "sq m", "sqm", "m² d'entrepots",
           "m² of warehouses"),
    "hectare": ("hectares", "hectare", "ha"),
    "day": ("jours", "jour", "days", "day", "journees"),
    "hour": ("heures", "heure", "hours", "hour", "h"),
    "shoot": ("tournages", "tournage", "shoots", "shoot", "productions", "film shoots", "shootings"),
    "commune": ("communes", "commune", "municipalities", "municipality", "towns", "cities", "member towns"),
    "cable": ("cables", "cable", "cables sous-marins", "submarine cables", "undersea cables"),
    "country": ("pays", "countries", "country", "nations", "nationalites", "nationalities", "etats", "states"),
    "member": ("adherents", "adherent", "members", "member", "membres"),
    "studio": ("studios", "studio", "plateaux", "plateau", "stages", "sound stages", "soundstages", "sets"),
    "bed": ("lits", "lits et places", "beds", "hospital beds"),
    "night": ("nuitees", "nuits", "overnight stays", "nights", "bed nights", "hotel nights"),
    "call": ("escales", "escale", "port calls", "calls", "stopovers"),
    "athlete": ("athletes", "athlete", "sailors", "competitors", "regatiers"),
    "seat": ("places", "seats", "sieges", "capacity"),
    "project": ("projets", "projet", "projects", "project", "dossiers", "investments", "investissements",
                "implantations", "implantation", "relocations", "set-ups"),
    "match": ("matchs", "matches", "match", "games", "rencontres"),
    "metre": ("metres", "metre", "meters", "meter", "m"),
    "view": ("vues", "views", "video views"),
    "follower": ("abonnes", "followers", "subscribers", "fans"),
    "episode": ("episodes", "episode"),
    "building": ("batiments", "buildings"),
    "installation": ("installations nucleaires", "installations", "inb", "nuclear facilities", "facilities",
                     "nuclear installations"),
    "lab": ("laboratoires", "labs", "laboratories"),
    "faculty": ("facultes", "faculties"),
    "campus": ("campus", "grands campus", "campuses"),
    "museum": ("musees", "museums"),
    "site": ("sites", "sites et monuments"),
    "line": ("lignes", "lines", "routes", "shipping lines"),
    "ship": ("navires", "ships", "vessels", "bateaux", "boats"),
    "mw": ("mw", "megawatts", "mégawatts"),
    "gw": ("gw", "gigawatts"),
    "kw": ("kw", "kilowatts"),
    "acre": ("acres", "acre"),
    "foot": ("feet", "foot", "ft", "pieds"),
    "mile": ("miles", "mile"),
    "km": ("km", "kilometres", "kilometers"),
    "vehicle": ("trains", "train", "vols", "flights", "voitures", "cars", "camions", "trucks", "bus", "buses",
                "avions", "aircraft", "planes", "helicopteres", "helicopters"),
    "electrolyser": ("electrolyseurs", "electrolysers", "electrolyzers"),
    "discipline": ("disciplines", "epreuves", "events", "medal events"),
    "household": ("menages", "menage", "households", "household", "foyers", "homes"),
    "event": ("evenements", "evenement", "events", "manifestations", "concerts", "spectacles", "shows"),
    "year_span": ("ans", "annees", "years"),
    "person_named": ("personnalites", "personalities", "ambassadors", "ambassadeurs", "figures"),
    "centre": ("centres de recherche", "research centres", "research centers", "centres", "centers"),
    "hospital": ("hopitaux", "hospitals"),
    "sector": ("filieres", "sectors", "industries"),
    "tool": ("outils", "tools"),
}
HUMAN = {"worker", "inhabitant", "visitor", "passenger", "student", "athlete", "member", "person_named"}
# Pairs of families a writer may use for the same count: "55 entreprises" for "55 projets d'entreprises".
COMPATIBLE = {frozenset(("company", "project"))} | {frozenset(("people", h)) for h in HUMAN}
_FAMILY_OF = {w: fam for fam, words in FAMILIES.items() for w in words}
_WORDS = sorted(_FAMILY_OF, key=len, reverse=True)
_FILLERS = (r"de|d'|des|du|of|the|new|nouveaux|nouvelles|nouveau|direct|directs|directes|indirect|indirects|"
            r"indirectes|full-time|permanent|permanents|additional|supplementaires|annual|annuels|par an|a year|"
            r"per year|payants|paying|record|internationaux|international|etrangers|foreign|sous-marins|modulables|"
            r"modular|hoteliers|touristiques|logistiques|publics|public|directly|de plus|filming|shooting|working|hotel|"
            r"cruise|overnight|annual|yearly|daily|tourist|freight|cargo|air|local|extra|jobs? in|people in|"
            r"more|of which|dont|million|billion|milliards?|millions?")
UNIT_PATTERN = re.compile(
    r"(?:-(?=[a-z])|[ \u00a0\u202f]*)(?:(?:" + _FILLERS + r")(?:[ \u00a0\u202f]+|(?<=')))?(?:(?:" + _FILLERS +
    r")(?:[ \u00a0\u202f]+|(?<=')))?(?P<unit>" + "|".join(re.escape(w) for w in _WORDS) + r")(?![\w²])")


_RATE = re.compile(
    r"[^.;:!?()\[\]]{0,40}?\b(?P<rate>par an|par annee|chaque annee|annuels?|annuelles?|per year|a year|each year|"
    r"annually|yearly|/an|/year|par jour|per day|a day|each day|daily|/jour|/day|par semaine|per week|a week|weekly|"
    r"par mois|per month|a month|monthly|par sejour|per stay|par personne|per person|per head|par habitant|"
    r"per capita|par heure|per hour|an hour|hourly|/h)\b")
_RATE_KEY = {"an": "year", "annee": "year", "annuel": "year", "year": "year", "annually": "year", "yearly": "year",
             "jour": "day", "day": "day", "daily": "day", "semaine": "week", "week": "week", "weekly": "week",
             "mois": "month", "month": "month", "monthly": "month", "sejour": "stay", "stay": "stay",
             "personne": "person", "person": "person", "head": "person", "habitant": "person", "capita": "person",
             "heure": "hour", "hour": "hour", "hourly": "hour", "h": "hour"}


def rate_after(folded: str, end: int) -> str | None:
    """'par an', 'per day', 'a week'… just after a figure: the period the figure counts over."""
    m = _RATE.match(folded, end)
    if not m:
        return None
    words = re.findall(r"[a-z]+", m.group("rate"))
    for w in reversed(words):
        key = _RATE_KEY.get(w.rstrip("s")) or _RATE_KEY.get(w)
        if key:
            return key
    return None


def units_compatible(a: str | None, b: str | None) -> bool:
    """Unknown units never disagree; known ones must be the same family or a compatible pair."""
    return a is None or b is None or a == b or frozenset((a, b)) in COMPATIBLE


def unit_family(word: str) -> str | None:
    """The family of a (folded) unit word, or None when it is not a unit we know."""
    return _FAMILY_OF.get(word.strip())
