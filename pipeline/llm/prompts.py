"""Prompts are files in prompts/: YAML with declared variables, rendered strictly, hashed for provenance."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.config import PROMPTS_DIR
from pipeline.errors import PromptError

_VAR = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    variables: tuple[str, ...]
    system: str
    template: str
    stop: tuple[str, ...]
    max_tokens: int
    content_hash: str

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) with every {{variable}} filled; a missing or undeclared variable fails loudly."""
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise PromptError(f"prompt {self.name!r} rendered without {', '.join(missing)}",
                              fix="pass every variable the prompt declares")
        extra = [k for k in values if k not in self.variables]
        if extra:
            raise PromptError(f"prompt {self.name!r} does not declare {', '.join(extra)}",
                              fix=f"add them to 'variables' in prompts/{self.name}.yaml or stop passing them")

        def fill(text: str) -> str:
            return _VAR.sub(lambda m: str(values[m.group(1)]), text)
        return fill(self.system), fill(self.template)


def read_prompt_text(path: Path) -> str:
    """A prompt file's text with the agency's names filled in ({{agency.name}}…, corpus/agency.py): what is parsed
    and hashed, so the home agency's prompts hash as they did when the names were written in them."""
    from pipeline.corpus.agency import fill
    return fill(path.read_text(encoding="utf-8"))


def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    """Read prompts/<name>.yaml and check that the variables used are the ones declared."""
    path = directory / f"{name}.yaml"
    try:
        raw_text = read_prompt_text(path)
        raw = yaml.safe_load(raw_text)
    except FileNotFoundError:
        raise PromptError(f"prompt file {path} not found", fix=f"restore prompts/{name}.yaml from git")
    except yaml.YAMLError as exc:
        raise PromptError(f"{path}: not valid YAML ({exc})", fix="fix the YAML syntax")
    if not isinstance(raw, dict) or "template" not in raw or "variables" not in raw:
        raise PromptError(f"{path}: needs 'variables' and 'template'", fix="see prompts/README.md")
    declared = tuple(raw["variables"])
    used = set(_VAR.findall(raw.get("system", "") + raw["template"]))
    if used != set(declared):
        raise PromptError(f"{path}: variables used {sorted(used)} differ from declared {sorted(declared)}",
                          fix="declare exactly the {{variables}} the template uses")
    return Prompt(name, declared, raw.get("system", "").strip(), raw["template"], tuple(raw.get("stop", [])),
                  int(raw.get("max_tokens", 256)), hashlib.sha256(raw_text.encode("utf-8")).hexdigest()[:16])
