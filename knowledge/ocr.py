"""Optical character recognition for scanned minutes, when the machine has it.

A scanned PDF has pages but no text layer. If `ocrmypdf` (with Tesseract) is installed,
it adds the text layer and the reader goes on as with any PDF; if not, the file is named
in the indexing report as needing OCR. Nothing here is required: the bot runs without it.
See the README for installing it (`apt-get install ocrmypdf tesseract-ocr-dan`).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# A long scan takes a while; a stuck one must not hold the indexing run forever.
OCR_TIMEOUT = 600.0
# Danish first, English for the odd quote; Tesseract without the Danish data falls back.
LANGUAGES = ("dan+eng", None)


def available() -> bool:
    return shutil.which("ocrmypdf") is not None


def ocr_pdf(data: bytes) -> bytes | None:
    """`data` with a text layer added by ocrmypdf, or None (not installed, or it failed)."""
    program = shutil.which("ocrmypdf")
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="beslutningsbot-ocr-") as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(data)
        for language in LANGUAGES:
            command = [program, "--skip-text", "--quiet", *(["-l", language] if language else []),
                       str(source), str(target)]
            try:
                done = subprocess.run(command, capture_output=True, timeout=OCR_TIMEOUT)
            except (OSError, subprocess.TimeoutExpired) as error:
                log.warning("OCR failed: %s", error)
                return None
            if done.returncode == 0 and target.exists():
                return target.read_bytes()
            log.info("ocrmypdf %s exited %s: %s", language or "(default language)", done.returncode,
                     done.stderr.decode("utf-8", "replace")[-300:])
    return None
