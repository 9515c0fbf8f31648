"""Fetching a municipality's meetings from its agenda portal into the minutes folder.

A FirstAgenda portal (dagsordener.<kommune>.dk) lists every committee and its meetings at
`GET /api/agenda/udvalgsliste` and serves each meeting at `GET /api/agenda/dagsorden/<id>`;
both expect the anonymous session cookie its front page hands out. `fetch_portal` saves
each meeting's JSON, byte for byte, in a folder of its own under the minutes folder (one
per portal, named after its host), so any reindex can be repeated offline, and keeps a
manifest there (`.portal.json`): the portal's address (the reader links meetings to their
pages with it), what the listing said about each saved meeting, and the last run.

Incremental: a meeting is fetched again only when its entry in the listing changes
(`ReleasedDate`, which the portal sets each time it publishes the meeting, and its date,
time, place and committee) or its file is gone. Polite and safe: a few requests at a time
at a bounded rate, retries with growing waits on 429 and 5xx, a timeout and a size limit
per response (`knowledge.portal_client`). A meeting whose answer is no meeting is skipped and named (`skipped`), asked
again next run; any other failure raises `SyncFailed`; files are written whole (a temporary name,
then `os.replace`) and the index is not touched, so a failed run costs nothing but time.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

from knowledge.errors import DocumentError, IndexingFailed, SyncFailed
from knowledge.index.build import IndexReport, build_index, read_minutes
from knowledge.model import Meeting
from knowledge.portal import PORTAL_MANIFEST, is_portal_meeting, parse_portal_meeting
from knowledge.portal_client import PortalClient, SyncLimits, portal_session

LISTING = "/api/agenda/udvalgsliste"
MEETING = "/api/agenda/dagsorden/{id}"
SyncProgress = Callable[[int, int], None]


@dataclass
class FetchReport:
    """What one run fetched from the portal."""

    portal: str
    folder: Path
    listed: int = 0
    fetched: int = 0
    unchanged: int = 0
    missing: int = 0  # listed, but not published or with no items yet
    requests: int = 0
    seconds: float = 0.0
    first: bool = False
    # Meetings whose answer was no meeting (broken JSON, an error page): left out of this
    # run, named here and in the manifest, asked again next run. {"id", "body", "date"}.
    skipped: list[dict] = field(default_factory=list)
    # Meetings read while the next ones were still on their way, by file: the index run
    # after the fetch takes them as they are instead of reading the files again.
    prepared: dict[str, tuple[str, Meeting]] = field(default_factory=dict, repr=False)


@dataclass
class SyncReport:
    """A whole sync: the fetch, and the index run after it (None when nothing changed)."""

    fetch: FetchReport
    index: IndexReport | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Listed:
    """One meeting as the listing describes it."""

    id: str
    body: str
    stamp: str
    fingerprint: str


def normalise_url(url: str) -> str:
    """The portal's base address ("https://dagsordener.greve.dk"), or SyncFailed."""
    text = (url or "").strip()
    if text and "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncFailed("bad_url", url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def portal_folder(minutes_dir: Path, url: str) -> Path:
    """The folder under the minutes folder where this portal's meetings are kept."""
    host = urlsplit(normalise_url(url)).netloc.replace(":", "_")
    return Path(minutes_dir) / host


def read_manifest(folder: Path) -> dict:
    try:
        data = json.loads((Path(folder) / PORTAL_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_sync(minutes_dir: Path | None) -> dict | None:
    """The newest run recorded by any portal folder under `minutes_dir`, with its portal."""
    if minutes_dir is None or not Path(minutes_dir).is_dir():
        return None
    runs = []
    for manifest in Path(minutes_dir).glob(f"*/{PORTAL_MANIFEST}"):
        data = read_manifest(manifest.parent)
        if isinstance(data.get("last_run"), dict):
            runs.append(data["last_run"] | {"portal": data.get("url", "")})
    return max(runs, key=lambda run: run.get("when", "")) if runs else None


def parse_listing(data: object) -> list[Listed]:
    """Every meeting of every committee in the listing, or SyncFailed("malformed")."""
    groups = data.get("Udvalg") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        raise SyncFailed("malformed", LISTING)
    found: dict[str, Listed] = {}
    for committees in groups.values():
        if not isinstance(committees, list):
            raise SyncFailed("malformed", LISTING)
        for committee in committees:
            if not isinstance(committee, dict) or not isinstance(committee.get("Moeder") or [], list):
                raise SyncFailed("malformed", LISTING)
            body = str(committee.get("Navn") or "")
            for entry in committee.get("Moeder") or []:
                ident = str(entry.get("Id") or "") if isinstance(entry, dict) else ""
                if not re.fullmatch(r"[0-9A-Za-z-]{1,64}", ident):
                    raise SyncFailed("malformed", LISTING)
                # What the portal tells about a meeting without opening it; a change in
                # any of these, ReleasedDate above all, means the meeting is fetched again.
                seen = [entry.get(key) for key in (
                    "ReleasedDate", "Dato", "MeetingBeginUtc", "MeetingEndUtc", "Sted", "IsSupplementaryAgenda",
                )] + [body]
                stamp = str(entry.get("Dato") or entry.get("MeetingBeginUtc") or "")
                found[ident] = Listed(ident, body, stamp, json.dumps(seen, ensure_ascii=False, default=str))
    return list(found.values())


def file_name(meeting: Listed) -> str:
    """"<body>_<date and time>_<id>.json", as the portal's own exports name them, with
    characters no file system takes replaced."""
    body = re.sub(r"[^\w\-,. +æøåÆØÅ]", "_", meeting.body).strip(" .") or "udvalg"
    stamp = re.sub(r"[^0-9T+\-]", "", meeting.stamp.replace(":", ""))[:24] or "ukendt"
    return f"{body[:80]}_{stamp}_{meeting.id}.json"


def _wanted(entry: Listed, known: dict[str, dict], folder: Path) -> bool:
    """Whether to fetch this meeting: new, changed in the listing, or its file gone."""
    seen = known.get(entry.id)
    if seen is None or seen.get("fingerprint") != entry.fingerprint:
        return True
    return bool(seen.get("file")) and not (folder / seen["file"]).is_file()


def _decode(raw: bytes, path: str) -> object:
    try:
        return json.loads(raw)
    except ValueError as error:
        raise SyncFailed("malformed", path) from error


def _write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that no reader ever sees half of it."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


async def fetch_portal(url: str, minutes_dir: Path, *, limits: SyncLimits = SyncLimits(),
                       progress: SyncProgress | None = None, full: bool = False,
                       now: datetime | None = None) -> FetchReport:
    """Save every new or changed meeting of the portal at `url` under `minutes_dir`.

    Raises SyncFailed (codes: bad_url, unreachable, timeout, http, malformed, too_large);
    a single meeting whose answer is no meeting is skipped and named in `report.skipped`.
    Meetings saved before a failure stay saved and known, so the next run goes on from there.
    """
    base = normalise_url(url)
    folder = portal_folder(minutes_dir, base)
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / ".portal.lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout as error:
        raise SyncFailed("busy", base) from error
    try:
        return await _fetch(base, folder, limits, progress, full, now)
    finally:
        lock.release()


async def _fetch(base: str, folder: Path, limits: SyncLimits, progress: SyncProgress | None,
                 full: bool, now: datetime | None) -> FetchReport:
    manifest = read_manifest(folder)
    known: dict[str, dict] = {} if full else dict(manifest.get("meetings") or {})
    report = FetchReport(portal=base, folder=folder, first=not known)
    started = time.monotonic()
    when = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    error: SyncFailed | None = None
    try:
        async with portal_session(base) as session:
            client = PortalClient(session, base, limits)
            try:
                await client.get("/")  # the anonymous session cookie the API calls expect
                listing = parse_listing(_decode(await client.get(LISTING), LISTING))
                report.listed = len(listing)
                wanted = [entry for entry in listing if _wanted(entry, known, folder)]
                report.unchanged = report.listed - len(wanted)
                await _fetch_all(client, folder, wanted, known, report, progress)
            finally:
                report.requests = client.requests
    except SyncFailed as failure:
        error = failure
    finally:
        report.seconds = round(time.monotonic() - started, 2)
        manifest.update({"url": base, "meetings": known})
        manifest["last_run"] = {
            "when": when, "result": "ok" if error is None else f"failed: {error.code}",
            "detail": "" if error is None else error.detail,
            "listed": report.listed, "fetched": report.fetched, "seconds": report.seconds,
            "skipped": report.skipped,
        }
        if report.fetched:
            manifest["index_pending"] = True
        _write_whole(folder / PORTAL_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    if error is not None:
        raise error
    return report


async def _fetch_all(client: PortalClient, folder: Path, wanted: list[Listed], known: dict[str, dict],
                     report: FetchReport, progress: SyncProgress | None) -> None:
    if progress:
        progress(0, len(wanted))

    async def one(entry: Listed) -> None:
        path = MEETING.format(id=entry.id)
        try:
            raw = await client.get(path)
        except SyncFailed as error:
            if error.code == "http" and error.detail.startswith("404 "):
                # Listed but not published (yet): asked again next run, the rest goes on.
                report.missing += 1
                return
            raise
        try:
            data = _decode(raw, path)
        except SyncFailed:
            data = None
        if not is_portal_meeting(data) or str(data.get("Id") or entry.id) != entry.id:
            # One meeting answered wrongly: the others go on; it stays unknown (any file it
            # had stays), so the next run asks for it again.
            report.skipped.append({"id": entry.id, "body": entry.body, "date": entry.stamp[:10]})
            return
        if not data["Dagsordenpunkter"]:
            # A meeting planned with no agenda yet: nothing to save until it is published,
            # which changes its ReleasedDate.
            known[entry.id] = {"fingerprint": entry.fingerprint, "file": ""}
            report.missing += 1
            return
        name = file_name(entry)
        _write_whole(folder / name, raw)
        digest = hashlib.sha256(raw).hexdigest()
        try:
            meeting = await asyncio.to_thread(
                parse_portal_meeting, data, source=name, checksum=digest, base_url=client.base)
            report.prepared[str((folder / name).resolve())] = (digest, meeting)
        except DocumentError:
            pass  # the index run reads the file again and names what is wrong with it
        old = known.get(entry.id, {}).get("file")
        if old and old != name and (folder / old).is_file():
            (folder / old).unlink()  # renamed committee or moved meeting: one file per meeting
        known[entry.id] = {"fingerprint": entry.fingerprint, "file": name}
        report.fetched += 1
        if progress:
            progress(report.fetched, len(wanted))

    tasks = [asyncio.create_task(one(entry)) for entry in wanted]
    try:
        # The first failure ends the run; the meetings still in flight are cancelled.
        for task in asyncio.as_completed(tasks):
            await task
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def sync_portal(url: str, minutes_dir: Path, store_path: Path | None, *,
                      sources: list[Path] | None = None, limits: SyncLimits = SyncLimits(),
                      progress: SyncProgress | None = None, full: bool = False) -> SyncReport:
    """Fetch what is new on the portal, then index the minutes folder if anything changed
    (or an earlier run's indexing did not finish). Raises SyncFailed or IndexingFailed;
    the index is then as it was."""
    started = time.monotonic()
    fetch = await fetch_portal(url, minutes_dir, limits=limits, progress=progress, full=full)
    report = SyncReport(fetch=fetch)
    manifest = read_manifest(fetch.folder)
    if fetch.fetched or manifest.get("index_pending") or (store_path is not None and not Path(store_path).exists()):
        try:
            report.index = await asyncio.to_thread(
                build_index, sources or [minutes_dir], store_path, reader=_prepared_reader(fetch.prepared))
        except IndexingFailed as error:
            _note(fetch.folder, f"failed: index {error.code}")
            raise
        _note(fetch.folder, "ok", index_pending=False)
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _prepared_reader(prepared: dict[str, tuple[str, Meeting]]):
    def reader(path: Path, digest: str) -> Meeting:
        ready = prepared.pop(str(Path(path).resolve()), None)
        if ready is not None and ready[0] == digest:
            return ready[1]
        return read_minutes(path, digest)

    return reader


def _note(folder: Path, result: str, **changes) -> None:
    manifest = read_manifest(folder)
    manifest.update(changes)
    if isinstance(manifest.get("last_run"), dict):
        manifest["last_run"]["result"] = result
    _write_whole(folder / PORTAL_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
