"""docs/ARCHITECTURE.md names modules and functions by their dotted path: each must still
exist, so the map cannot drift from the code unnoticed as modules move."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "ARCHITECTURE.md"
DOTTED = re.compile(r"`((?:bot|handlers|knowledge|tools)(?:\.\w+)+)`")
FOLDER_LIST = re.compile(r"^\| `(\w+)/` \| (.*?) \|", re.MULTILINE)
NAME = re.compile(r"`(\w+)/?`")


def resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_every_dotted_name_in_the_architecture_page_exists():
    names = set(DOTTED.findall(DOC.read_text(encoding="utf-8")))
    assert len(names) > 20
    assert sorted(name for name in names if not resolves(name)) == []


def test_every_module_the_folder_table_names_exists_in_its_folder():
    root = DOC.parents[1]
    missing = []
    for folder, owns in FOLDER_LIST.findall(DOC.read_text(encoding="utf-8")):
        for name in NAME.findall(owns):
            candidates = [root / folder / f"{name}.py", root / folder / name,
                          *(root / folder).glob(f"*/{name}.py"), *(root / folder).glob(f"*/{name}")]
            if not any(path.exists() for path in candidates):
                missing.append(f"{folder}/{name}")
    assert missing == []
