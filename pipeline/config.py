"""Settings read from the environment, with defaults that work offline."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pipeline.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
PROMPTS_DIR = REPO_ROOT / "prompts"
DEV_QUESTIONS = REPO_ROOT / "bench" / "data" / "questions_dev.csv"  # the development question set


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path
    data_dir: Path
    collection: str = "facts"
    chroma_host: str | None = None
    chroma_port: int = 8000
    lock_timeout: float = 10.0
    today_override: date | None = None
    session_idle_minutes: float = 30.0  # a signed-in person idle longer than this is signed out

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def remote_index(self) -> bool:
        return self.chroma_host is not None

    def today(self) -> date:
        """The date staleness is judged against (STUDIO_TODAY pins it for demos and tests)."""
        return self.today_override or date.today()

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number", fix=f"set {name} to a number, e.g. {default}")


def load_settings() -> Settings:
    """Build the settings from environment variables (see README, 'Configuration')."""
    env = os.environ
    today = None
    if env.get("STUDIO_TODAY"):
        try:
            today = date.fromisoformat(env["STUDIO_TODAY"])
        except ValueError:
            raise ConfigError(f"STUDIO_TODAY={env['STUDIO_TODAY']!r} is not a date",
                              fix="use the form YYYY-MM-DD, or unset it")
    port_raw = env.get("CHROMA_PORT", "8000")
    if not port_raw.isdigit():
        raise ConfigError(f"CHROMA_PORT={port_raw!r} is not a port number", fix="set CHROMA_PORT to e.g. 8000")
    collection = env.get("STUDIO_COLLECTION", "facts")
    if len(collection) < 3:
        raise ConfigError(f"STUDIO_COLLECTION={collection!r} is too short",
                          fix="Chroma needs a collection name of 3 characters or more")
    idle = _env_float("STUDIO_SESSION_IDLE_MINUTES", 30.0)
    if idle <= 0:
        raise ConfigError(f"STUDIO_SESSION_IDLE_MINUTES={idle:g} is not a duration",
                          fix="set it to a number of minutes above 0, e.g. 30, or unset it")
    return Settings(
        corpus_dir=Path(env.get("STUDIO_CORPUS_DIR", REPO_ROOT / "corpus")),
        data_dir=Path(env.get("STUDIO_DATA_DIR", REPO_ROOT / "data")),
        collection=collection,
        chroma_host=env.get("CHROMA_HOST") or None,
        chroma_port=int(port_raw),
        lock_timeout=_env_float("STUDIO_LOCK_TIMEOUT", 10.0),
        today_override=today,
        session_idle_minutes=idle,
    )
