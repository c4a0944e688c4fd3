"""The photo library on a real PostgreSQL server (the postgres_url fixture of tests/conftest.py): the migration,
an import, an edit with its version check and a review."""
from __future__ import annotations

import pytest

from pipeline.errors import ConflictError
from pipeline.photos.library import PhotoLibrary
from pipeline.store.database import DraftStore
from tests.photos.images import write_photo
from tests.photos.test_library import APPROVER, EDITOR, TODAY

pytestmark = pytest.mark.integration


def test_photos_on_postgres(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    lib = PhotoLibrary(tmp_path, DraftStore.for_data_dir(tmp_path), TODAY)
    p = lib.import_file(write_photo(tmp_path / "in" / "a.jpg", 21), "ed").photo
    assert lib.import_file(tmp_path / "in" / "a.jpg", "ed").status == "duplicate"
    p = lib.update(p.id, {"alt_en": "The Old Port at dawn", "rights_end": "2030-01-01", "people": "no"}, EDITOR)
    assert lib.review(p.id, "alt_en", APPROVER).reviewed("alt_en")
    again = PhotoLibrary(tmp_path, DraftStore.for_data_dir(tmp_path), TODAY).get(p.id)
    assert again.reviewed("alt_en") and again.get("rights_end") == "2030-01-01" and again.get("people") is False
    with pytest.raises(ConflictError):
        lib.update(p.id, {"title": "x"}, EDITOR, expected_version=1)
