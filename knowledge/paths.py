"""Where the knowledge layer finds things when nobody says: the samples and the data folder."""

from __future__ import annotations

import os
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
STORE_NAME = "index.json"


def default_data_dir() -> Path:
    """The per-user data folder: $XDG_DATA_HOME/beslutningsbot, else ~/.local/share/beslutningsbot."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "beslutningsbot"


def store_path(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / STORE_NAME
