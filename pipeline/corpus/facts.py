"""The corpus: filières and facts read from YAML files staff edit, with validation."""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pipeline.corpus.derived import RECOMPUTE, check_derived
from pipeline.corpus.indicators import place_facts
from pipeline.corpus.relations import conflict_groups
from pipeline.errors import CorpusError, QueryError
from pipeline.types import STATUSES, WORDING_STATUSES, Fact, Source, ValidationIssue

ID_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}-\d{1,6}$")
REQUIRED = ("id", "filiere", "statement_fr", "source", "year", "verified_on", "verified_by", "review_by", "status")
OPTIONAL = ("statement_en", "wording_fr", "wording_en", "wording_status", "value", "unit", "year_note", "conflict_with",
            "supersedes", "preferred", "notes", "territory", "indicator", "perimeter", "derived_from")
KNOWN = set(REQUIRED) | set(OPTIONAL)
SOURCE_KEYS = ("title", "url", "primary")


@dataclass(frozen=True)
class Filiere:
    id: str
    label_fr: str
    label_en: str
    excellence: bool
    aliases: tuple[str, ...]


def fold(text: str) -> str:
    """Lower-case, accent-free form used to compare names."""
    norm = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in norm if not unicodedata.combining(c)).strip()


class Filieres:
    """The known filières (corpus/filieres.yaml) and their aliases."""

    def __init__(self, items: list[Filiere]) -> None:
        self.items = {f.id: f for f in items}
        self._names: dict[str, str] = {}
        for f in items:
            for name in (f.id, f.label_fr, f.label_en, *f.aliases):
                self._names[fold(name)] = f.id

    def __contains__(self, fid: str) -> bool:
        return fid in self.items

    def resolve(self, name: str | None) -> str | None:
        """The filière id for a user-given name or alias; QueryError when unknown."""
        if name is None or name.strip() == "":
            return None
        fid = self._names.get(fold(name))
        if fid is None:
            raise QueryError(f"unknown filière {name!r}",
                             fix="use one of: " + ", ".join(sorted(self.items)))
        return fid

    def label(self, fid: str, lang: str = "fr") -> str:
        f = self.items.get(fid)
        if f is None:
            return fid
        return f.label_en if lang == "en" else f.label_fr


def read_yaml_list(path: Path, what: str, fix: str) -> list:
    """A corpus YAML file that must hold a list; CorpusError naming the file and the fix otherwise."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found", fix=f"restore {path.parent.name}/{path.name} from git")
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML ({exc})", fix="fix the YAML syntax at the line shown")
    if not isinstance(raw, list):
        raise CorpusError(f"{path}: expected a list of {what}", fix=fix)
    return raw


def read_csv_rows(path: Path, need: set[str], what: str, fix: str) -> list[dict]:
    """Rows of a CSV that must have the columns `need`; CorpusError naming the file and the fix otherwise."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found", fix=f"give the path of {what}")
    missing = need - set(reader.fieldnames or ())
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(sorted(missing))}", fix=fix)
    return rows


def load_filieres(corpus_dir: Path) -> Filieres:
    """Read corpus/filieres.yaml."""
    path = corpus_dir / "filieres.yaml"
    raw = read_yaml_list(path, "filières", "see corpus/README.md for the format")
    items = []
    for i, r in enumerate(raw):
        if not isinstance(r, dict) or not r.get("id"):
            raise CorpusError(f"{path}: entry {i + 1} has no id", fix="give every filière an id")
        items.append(Filiere(str(r["id"]), str(r.get("label_fr", r["id"])), str(r.get("label_en", r["id"])),
                             bool(r.get("excellence", False)), tuple(str(a) for a in r.get("aliases", []) or [])))
    return Filieres(items)


# ---------------------------------------------------------------- reading facts

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same result, ~10x faster

def _read_nodes(path: Path, issues: list[ValidationIssue]) -> list[tuple[int, dict[str, Any], dict[str, int]]]:
    """Parse one YAML file into (line, mapping, line-of-each-key) triples, keeping line numbers."""
    rel = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        issues.append(ValidationIssue("error", rel, 0, "", f"not UTF-8 text ({exc.reason})", "save the file as UTF-8"))
        return []
    loader = _LOADER(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return []
        if not isinstance(root, yaml.SequenceNode):
            issues.append(ValidationIssue("error", rel, root.start_mark.line + 1, "",
                                          "the file must be a YAML list of facts (items starting with '- id: ...')",
                                          "see corpus/README.md for the format"))
            return []
        out = []
        for item in root.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                issues.append(ValidationIssue("error", rel, line, "", "a list item is not a mapping of fields",
                                              "write each fact as 'key: value' lines under '- id: ...'"))
                continue
            values, lines = {}, {}
            for knode, vnode in item.value:
                lines[knode.value] = vnode.start_mark.line + 1
                try:
                    values[knode.value] = loader.construct_object(vnode, deep=True)
                except (ValueError, yaml.constructor.ConstructorError):
                    values[knode.value] = vnode.value if isinstance(vnode, yaml.ScalarNode) else None
            out.append((line, values, lines))
        return out
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        issues.append(ValidationIssue("error", rel, (mark.line + 1) if mark else 0, "",
                                      f"not valid YAML: {exc.problem or exc}",
                                      "fix the YAML syntax at this line (indentation, quotes around text with ':')"))
        return []
    finally:
        loader.dispose()


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_ids(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"[;,\s]+", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(v.strip() for v in value)


def _build_fact(path: str, line: int, v: dict[str, Any], lines: dict[str, int], filieres: Filieres,
                issues: list[ValidationIssue]) -> Fact | None:
    """Check one raw mapping's fields and types; return a Fact or None (issues recorded)."""
    fid = str(v.get("id", "") or "")
    n_before = len(issues)

    def err(field: str, message: str, fix: str) -> None:
        issues.append(ValidationIssue("error", path, lines.get(field, line), fid, message, fix))

    for key in v:
        if key not in KNOWN:
            err(key, f"unknown field {key!r}", "known fields: " + ", ".join(REQUIRED + OPTIONAL))
    for key in REQUIRED:  # an undated figure (year: 0) is allowed when year_note says why
        if v.get(key) in (None, "") and not (key == "year" and v.get("year_note")):
            fix = "add 'source: {title: ..., url: https://...}'" if key == "source" else f"add '{key}: ...'"
            err(key, f"missing required field {key!r}", fix)
    if fid and not ID_RE.match(fid):
        err("id", f"id {fid!r} is not of the form ABC-123", "use capitals, a dash and digits, e.g. AER-013")
    if v.get("filiere") and str(v["filiere"]) not in filieres:
        err("filiere", f"unknown filière {v['filiere']!r}",
            "use one of: " + ", ".join(sorted(filieres.items)) + " (or add it to corpus/filieres.yaml)")
    src = v.get("source")
    title = url = ""
    if src not in (None, ""):
        if not isinstance(src, dict):
            err("source", "source must be a mapping with title and url", "write 'source: {title: ..., url: ...}'")
        else:
            title, url = str(src.get("title") or "").strip(), str(src.get("url") or "").strip()
            for key in src:
                if key not in SOURCE_KEYS:
                    err("source", f"unknown field {key!r} under source", "known: " + ", ".join(SOURCE_KEYS))
            if src.get("primary") is not None and not isinstance(src["primary"], bool):
                err("source", f"source primary {src['primary']!r} is not true or false",
                    "write 'primary: true' (the entity itself or the official statistics body) or 'primary: false'")
            if not title:
                err("source", "source has no title", "add 'title:' under source")
            if not url:
                err("source", "source has no url", "add 'url: https://...' under source")
            elif not re.match(r"^https?://\S+$", url):
                err("source", f"source url {url!r} is not an http(s) address", "give the full address, https://...")
    year = v.get("year")
    year = year if year not in (None, "") else 0
    if year != 0 and (isinstance(year, bool) or not isinstance(year, int) or not 1800 <= year <= 2100):
        err("year", f"year {year!r} is not a year", "write the year the figure refers to, e.g. 'year: 2024'; "
            "put remarks in 'year_note'")
    dates = {}
    for key in ("verified_on", "review_by"):
        if v.get(key) not in (None, ""):
            dates[key] = _as_date(v[key])
            if dates[key] is None:
                err(key, f"{key} {v[key]!r} is not a date", f"write '{key}: YYYY-MM-DD'")
    status = v.get("status")
    if status not in (None, "") and status not in STATUSES:
        err("status", f"status {status!r} is not one of {', '.join(STATUSES)}", "use verified, draft or retired")
    for key in ("statement_fr", "statement_en", "wording_fr", "wording_en", "value", "unit", "year_note",
                "verified_by", "notes", "territory", "indicator", "perimeter"):
        if v.get(key) is not None and not isinstance(v[key], (str, int, float)):
            err(key, f"{key} must be text", f"write {key} as plain text (quote it if needed)")
    wstatus = v.get("wording_status")
    if wstatus not in (None, "") and wstatus not in WORDING_STATUSES:
        err("wording_status", f"wording_status {wstatus!r} is not one of {', '.join(WORDING_STATUSES)}",
            "use seed (written for the seed set), draft (machine-drafted, needs a person) or confirmed")
    if v.get("preferred") is not None and not isinstance(v["preferred"], bool):
        err("preferred", f"preferred {v['preferred']!r} is not true or false",
            "write 'preferred: true' on the fact that leads its conflict group, or remove the line")
    derived = _as_derived(v.get("derived_from"))
    if derived is None:
        err("derived_from", "derived_from must map fact ids to the content hash each had when the result was computed",
            "let 'python -m pipeline barometer cite' write it (derived_from: {PAI-041: 3f2a…})")
    links = {}
    for key in ("conflict_with", "supersedes"):
        links[key] = _as_ids(v.get(key))
        if links[key] is None:
            err(key, f"{key} must be a list of fact ids", f"write '{key}: [ABC-001, ABC-002]'")
        elif fid in links[key]:
            err(key, f"{key} names the fact itself", f"remove {fid} from {key}")
    if len(issues) > n_before:
        return None
    return Fact(
        id=fid, filiere=str(v["filiere"]), statement_fr=str(v["statement_fr"]).strip(),
        statement_en=str(v.get("statement_en") or "").strip(), value=str(v.get("value") or ""),
        unit=str(v.get("unit") or ""), year=int(year), year_note=str(v.get("year_note") or ""),
        source=Source(title, url, src.get("primary")), verified_on=dates["verified_on"],
        verified_by=str(v["verified_by"]), review_by=dates["review_by"], status=str(status),
        conflict_with=links["conflict_with"], supersedes=links["supersedes"], notes=str(v.get("notes") or ""),
        wording_fr=_text(v.get("wording_fr")), wording_en=_text(v.get("wording_en")),
        wording_status=str(wstatus or ""), preferred=bool(v.get("preferred") or False), file=path, line=line,
        territory=_text(v.get("territory")), indicator=_text(v.get("indicator")), perimeter=_text(v.get("perimeter")),
        derived_from=derived)


def _as_derived(value: Any) -> tuple[tuple[str, str], ...] | None:
    """derived_from as sorted (fact id, content hash) pairs; () when absent; None when malformed."""
    if value in (None, "", {}):
        return ()
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(h, str) and h for k, h in value.items()):
        return None
    return tuple(sorted((k.strip().upper(), h.strip()) for k, h in value.items()))


def _text(value: Any) -> str:  # a free-text field as one clean line ("" when absent)
    return " ".join(str(value or "").split())


def fact_files(corpus_dir: Path) -> list[Path]:
    """The fact files, in a stable order."""
    return sorted((corpus_dir / "facts").glob("*.yaml"))


def read_corpus(corpus_dir: Path, today: date) -> tuple[list[Fact], list[ValidationIssue]]:
    """Load every fact file and validate the whole; returns the valid facts and all issues."""
    issues: list[ValidationIssue] = []
    filieres = load_filieres(corpus_dir)
    files = fact_files(corpus_dir)
    if not files:
        issues.append(ValidationIssue("error", str(corpus_dir / "facts"), 0, "", "no fact file found",
                                      "add YAML files under corpus/facts/ (see corpus/README.md)"))
    facts: list[Fact] = []
    raw_ids: dict[str, tuple[str, int]] = {}
    for path in files:
        rel = str(path.relative_to(corpus_dir.parent)) if corpus_dir.parent in path.parents else str(path)
        for line, values, lines in _read_nodes(path, issues):
            fid = str(values.get("id") or "")
            if fid in raw_ids:
                f0, l0 = raw_ids[fid]
                issues.append(ValidationIssue("error", rel, line, fid, f"duplicate id (already used at {f0}:{l0})",
                                              "give this fact a new id; never reuse an id drafts may cite"))
                continue
            if fid:
                raw_ids[fid] = (rel, line)
            fact = _build_fact(rel, line, values, lines, filieres, issues)
            if fact is not None:
                facts.append(fact)
    facts, placed = place_facts(corpus_dir, facts)
    facts, derived = check_derived(facts)  # a computed result is due for review when a fact behind it changed
    return facts, issues + placed + derived + _cross_checks(facts, set(raw_ids), today)


def _cross_checks(facts: list[Fact], all_ids: set[str], today: date) -> list[ValidationIssue]:
    """Checks across facts: links to unknown ids, retired superseders, staleness."""
    out: list[ValidationIssue] = []
    seen: dict[str, Fact] = {f.id: f for f in facts}
    superseded_by: dict[str, list[str]] = {}
    for f in facts:
        for key in ("conflict_with", "supersedes"):
            for other in getattr(f, key):
                if other not in all_ids:
                    out.append(ValidationIssue("error", f.file, f.line, f.id, f"{key} names unknown fact {other!r}",
                                               f"correct the id or remove it from {key}"))
        for old in f.supersedes:
            superseded_by.setdefault(old, []).append(f.id)
        if f.status == "retired" and f.supersedes:
            out.append(ValidationIssue("error", f.file, f.line, f.id,
                                       f"retired fact still listed as superseding {', '.join(f.supersedes)}",
                                       "move 'supersedes' to the fact that replaces it, or un-retire this fact"))
    for old, new in superseded_by.items():
        f = seen.get(old)
        if f is not None and f.status != "retired":
            out.append(ValidationIssue("warning", f.file, f.line, f.id,
                                       f"superseded by {', '.join(new)} but still {f.status}; "
                                       "it is treated as retired", "set 'status: retired' on it"))
    for f in facts:
        if f.status != "retired" and f.is_stale(today):
            out.append(ValidationIssue("warning", f.file, f.line, f.id,
                                       f"stale: review_by {f.review_by.isoformat()} has passed",
                                       "re-verify the facts it was computed from, then " + RECOMPUTE if f.derived_from
                                       else "re-check the source, then update verified_on/verified_by/review_by "
                                       "(or retire the fact)"))
    return out


def wording_warnings(facts: list[Fact]) -> list[ValidationIssue]:
    """Editorial warnings `validate` adds: a fact drafts cannot use in a language (a translation gap), two facts
    preferred in one conflict group. Not part of load_corpus's warnings: ingest does not depend on them."""
    out: list[ValidationIssue] = []
    gap = {"en": "translation gap: no wording_en, so English drafts leave this fact out",
           "fr": "no wording_fr, so French drafts leave this fact out"}
    for f in (f for f in facts if f.status != "retired" and not f.territory):  # comparison facts: never drafted
        for lang in (lang for lang in ("en", "fr") if not f.wording(lang)):
            out.append(ValidationIssue("warning", f.file, f.line, f.id, gap[lang],
                                       f"add 'wording_{lang}: ...' after statement_fr (a plain sentence for the "
                                       "public, with the fact's figure and year)"))
    by_id = {f.id: f for f in facts}
    for group in conflict_groups(facts):
        preferred = [i for i in group if i in by_id and by_id[i].preferred]
        if len(preferred) > 1:
            f = by_id[preferred[0]]
            out.append(ValidationIssue("warning", f.file, f.line, f.id,
                                       f"{', '.join(preferred)} are all marked preferred in one conflict group; "
                                       "drafts settle between them by supersedes, source, then year",
                                       "keep 'preferred: true' on one"))
    return out


def load_corpus(corpus_dir: Path, today: date) -> tuple[list[Fact], list[ValidationIssue]]:
    """Valid facts and warnings; raise CorpusError listing every error if there is any."""
    facts, issues = read_corpus(corpus_dir, today)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise CorpusError(f"the corpus has {len(errors)} error(s); nothing was indexed",
                          fix="correct the lines listed (run 'python -m pipeline validate')", issues=errors)
    return facts, [i for i in issues if i.level == "warning"]
