"""Photos for a draft (choose), and what a draft records of each (DraftPhoto).

Those a catalogue item names or asks for (PhotoRequest), kept only when their rights hold on the day and their alt
text is reviewed in the draft's language; what is left out is said, as a note.

What a draft records of each photo (DraftPhoto) is what publish shows and what makes the draft stale when the
photo's sheet changes: its id, file hash, sheet hash, and the caption as checked by the claim checker."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.photos.model import Photo, rights


@dataclass(frozen=True)
class DraftPhoto:
    id: str
    sha256: str
    sheet: str          # Photo.sheet_hash when drafted
    caption: str        # the caption in the draft's language as checked ("" when none, or when it was not backed)
    caption_note: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "sha256": self.sha256, "sheet": self.sheet, "caption": self.caption,
                "caption_note": self.caption_note}


def choose(photos: list[Photo], request, lang: str, today: date, filieres: tuple[str, ...] = ()
           ) -> tuple[list[Photo], list[str]]:
    """(the photos to use, in order; notes on the ones left out) for `request` (catalogue.PhotoRequest)."""
    notes: list[str] = []
    if request is None:
        return [], notes
    by_id = {p.id: p for p in photos}

    def usable(p: Photo) -> str:
        r = rights(p, today)
        if not r.usable:
            return f"rights {r.state} ({'; '.join(r.reasons)})"
        if not p.reviewed(f"alt_{lang}"):
            return f"no reviewed alt_{lang}"
        return ""

    if request.ids:
        chosen = []
        for pid in request.ids:
            p = by_id.get(pid)
            why = "not in the photo library" if p is None else usable(p)
            if why:
                notes.append(f"photo {pid} left out: {why}")
            else:
                chosen.append(p)
        return chosen, notes
    filiere = request.filiere or (filieres[0] if filieres else "")
    wanted = [p for p in photos if (not filiere or filiere in p.get("filieres"))
              and set(request.tags) <= set(p.get("tags"))]
    ok = [p for p in wanted if not usable(p)]
    ok.sort(key=lambda p: (not p.reviewed(f"caption_{lang}"), p.imported_at or today, p.id))
    if len(ok) < request.count:
        notes.append(f"photos: {len(ok)} of the {request.count} asked for (filière {filiere or 'any'}"
                     + (f", tags {', '.join(request.tags)}" if request.tags else "") + ") have valid rights and a "
                     f"reviewed alt_{lang}; {len(wanted) - len(ok)} other(s) left out")
    return ok[: request.count], notes


def recorded(params: dict | None) -> list[dict]:
    """The photos a stored draft recorded (its params' inputs), as DraftPhoto dicts."""
    return list(((params or {}).get("inputs") or {}).get("photo_sheets") or [])
