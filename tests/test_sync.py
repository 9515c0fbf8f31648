"""Syncing from an agenda portal: a stand-in portal on 127.0.0.1 serving the real Greve JSON."""

from __future__ import annotations

import socket

import pytest

from knowledge.errors import SyncFailed
from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.index.store import open_db, read_tables
from knowledge.portal import PORTAL_MANIFEST
from knowledge.sync import SyncLimits, last_sync, portal_folder, sync_portal
from tests import portalmaker as pm
from tools.portal_standin import PortalStandIn, load_meetings

# Quick limits, so that failures show in a fraction of a second.
LIMITS = SyncLimits(timeout=1.0, attempts=2, backoff=0.01, max_backoff=0.02, per_second=1000)
GREVE = load_meetings(pm.GREVE)


@pytest.fixture
async def portal(aiohttp_server):
    """Eight of the real meetings, among them a Byråd meeting with a Sagens forløb."""
    standin = PortalStandIn(GREVE[:8])
    standin.server = await aiohttp_server(standin.app(), host="127.0.0.1")
    standin.url = str(standin.server.make_url("/")).rstrip("/")
    return standin


@pytest.fixture
def folders(tmp_path):
    return tmp_path / "minutes", tmp_path / "data" / "index.json"


async def sync(portal, folders, **kwargs):
    minutes, store = folders
    return await sync_portal(portal.url, minutes, store, limits=kwargs.pop("limits", LIMITS), **kwargs)


async def test_a_first_sync_fetches_every_meeting_and_indexes_it(aiohttp_server, tmp_path):
    standin = PortalStandIn(GREVE)
    server = await aiohttp_server(standin.app(), host="127.0.0.1")
    url = str(server.make_url("/")).rstrip("/")
    minutes, store = tmp_path / "minutes", tmp_path / "index.json"
    seen = []

    report = await sync_portal(url, minutes, store, limits=LIMITS, progress=lambda done, total: seen.append(total))
    assert (report.fetch.listed, report.fetch.fetched, report.fetch.first) == (55, 55, True)
    assert seen and seen[-1] == 55
    assert (report.index.meetings, report.index.items, report.index.closed) == (55, 739, 50)
    # The JSON is kept as the portal served it, so a reindex can be done offline.
    saved = sorted(portal_folder(minutes, url).glob("[!.]*.json"))
    assert len(saved) == 55
    meeting = GREVE[0]
    assert any(path.name.endswith(f"_{meeting['Id']}.json") for path in saved)
    # The meeting links to its page on the portal.
    rows = read_tables(open_db(store))["meetings"]
    assert {row["url"] for row in rows} == {f"{url}/vis?id={m['Id']}" for m in GREVE}


async def test_a_sync_indexes_exactly_what_an_offline_index_of_its_files_gives(portal, folders, tmp_path):
    # The sync reads each meeting while the next are on their way; the index must be the
    # one `beslutningsbot index` makes of the saved files.
    await sync(portal, folders)
    offline = tmp_path / "offline.json"
    build_index([folders[0]], offline)

    def rows(store):
        return sorted((row | {"indexed_at": "", "doc": 0} for row in read_tables(open_db(store))["items"]),
                      key=lambda row: row["id"])

    assert rows(folders[1]) == rows(offline)


async def test_a_second_sync_fetches_no_meeting_and_leaves_the_index_alone(portal, folders):
    await sync(portal, folders)
    built = Index.open(folders[1]).generation
    portal.calls.clear()

    report = await sync(portal, folders)
    assert portal.meeting_calls() == []
    assert (report.fetch.fetched, report.fetch.unchanged, report.index) == (0, 8, None)
    assert Index.open(folders[1]).generation == built


async def test_a_meeting_published_again_is_fetched_again_and_its_new_decision_answers(portal, folders):
    await sync(portal, folders)
    ident = GREVE[1]["Id"]
    portal.change(ident, "Udvalget besluttede at bygge en ny svømmehal i Tune.")
    portal.calls.clear()

    report = await sync(portal, folders)
    assert portal.meeting_calls() == [f"/api/agenda/dagsorden/{ident}"]
    assert report.fetch.fetched == 1 and report.index.changed == 1
    hits = Index.open(folders[1]).search("ny svømmehal i Tune")
    assert hits[0].decision == "Udvalget besluttede at bygge en ny svømmehal i Tune."


async def test_a_portal_that_is_down_fails_the_sync_and_the_index_keeps_answering(portal, folders):
    await sync(portal, folders)
    before = folders[1].read_bytes()
    portal.change(GREVE[1]["Id"], "Ændret.")
    portal.status = 503

    with pytest.raises(SyncFailed) as failure:
        await sync(portal, folders)
    assert failure.value.code == "http" and "503" in failure.value.detail
    assert folders[1].read_bytes() == before
    assert last_sync(folders[0])["result"] == "failed: http"


async def test_a_portal_nobody_answers_on_is_unreachable(folders):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    minutes, store = folders
    with pytest.raises(SyncFailed) as failure:
        await sync_portal(f"http://127.0.0.1:{port}", minutes, store, limits=LIMITS)
    assert failure.value.code == "unreachable"
    assert not store.exists()


async def test_a_malformed_listing_fails_the_sync_with_nothing_indexed(portal, folders):
    portal.listing_body = b"<html><body>Vedligeholdelse</body></html>"
    with pytest.raises(SyncFailed) as failure:
        await sync(portal, folders)
    assert failure.value.code == "malformed"
    assert not folders[1].exists()
    assert list(portal_folder(folders[0], portal.url).glob("[!.]*.json")) == []


async def test_one_broken_meeting_answer_is_skipped_and_named_and_no_longer_blocks_every_sync(portal, folders):
    # A meeting the portal keeps answering wrongly used to fail the whole sync, run after run.
    broken = GREVE[2]["Id"]
    portal.broken[broken] = b'{"Fejl": "ingen adgang"}'
    report = await sync(portal, folders)
    assert (report.fetch.fetched, report.index.meetings) == (7, 7)
    assert [meeting["id"] for meeting in report.fetch.skipped] == [broken]
    assert last_sync(folders[0])["skipped"] == report.fetch.skipped
    assert last_sync(folders[0])["result"] == "ok"

    # Still broken: asked again, still skipped, the rest untouched.
    portal.calls.clear()
    again = await sync(portal, folders)
    assert portal.meeting_calls() == [f"/api/agenda/dagsorden/{broken}"]
    assert (again.fetch.fetched, again.index) == (0, None)
    assert len(again.fetch.skipped) == 1

    # Mended: fetched and indexed.
    del portal.broken[broken]
    mended = await sync(portal, folders)
    assert (mended.fetch.fetched, mended.fetch.skipped, mended.index.meetings) == (1, [], 8)


async def test_an_answer_that_never_ends_times_out_and_leaves_no_half_file(portal, folders):
    await sync(portal, folders)
    before = folders[1].read_bytes()
    ident = GREVE[3]["Id"]
    portal.change(ident, "Ændret.")
    portal.endless.add(f"/api/agenda/dagsorden/{ident}")

    with pytest.raises(SyncFailed) as failure:
        await sync(portal, folders)
    assert failure.value.code == "timeout"
    assert folders[1].read_bytes() == before
    folder = portal_folder(folders[0], portal.url)
    assert [path.name for path in folder.iterdir() if path.name.endswith(".tmp")] == []


async def test_an_answer_over_the_size_limit_is_refused(portal, folders):
    with pytest.raises(SyncFailed) as failure:
        await sync(portal, folders, limits=SyncLimits(max_bytes=20_000, timeout=1.0, attempts=1))
    assert failure.value.code == "too_large"


async def test_a_portal_that_is_busy_for_a_moment_is_asked_again(portal, folders):
    portal.flaky = 1
    report = await sync(portal, folders)
    assert report.fetch.fetched == 8


async def test_the_api_calls_carry_the_session_cookie_from_the_front_page(portal, folders):
    # The stand-in answers 401 without the cookie; on 127.0.0.1 aiohttp keeps it only in
    # an "unsafe" cookie jar.
    await sync(portal, folders)
    assert portal.calls[0] == "/"
    manifest = (portal_folder(folders[0], portal.url) / PORTAL_MANIFEST).read_text(encoding="utf-8")
    assert portal.url in manifest


@pytest.mark.parametrize("url", ["ftp://dagsordener.greve.dk", "", "http://"])
async def test_an_address_that_is_no_web_address_is_refused(url, folders):
    with pytest.raises(SyncFailed) as failure:
        await sync_portal(url, *folders)
    assert failure.value.code == "bad_url"


async def test_a_listed_meeting_that_is_not_published_yet_does_not_stop_the_sync(portal, folders):
    # Portals list planned meetings before their agenda is out: one answers 404, one has no
    # items yet. Neither stops the others nor leaves a file that warns on every reindex.
    unpublished = pm.meeting("Økonomiudvalget", "2027-01-10T08:00:00+01:00", [])
    portal.meetings[unpublished["Id"]] = unpublished
    portal.released[unpublished["Id"]] = None
    missing = pm.meeting("Økonomiudvalget", "2027-02-10T08:00:00+01:00", [pm.point(1, "Budget")])
    portal.meetings[missing["Id"]] = missing
    portal.released[missing["Id"]] = None
    portal.gone = {missing["Id"]}

    report = await sync(portal, folders)
    assert (report.fetch.listed, report.fetch.fetched, report.fetch.missing) == (10, 8, 2)
    assert report.index.meetings == 8 and not report.index.warnings
    portal.calls.clear()
    again = await sync(portal, folders)
    # The 404 is asked again; the empty one only when the listing changes.
    assert portal.meeting_calls() == [f"/api/agenda/dagsorden/{missing['Id']}"]
    assert again.fetch.fetched == 0
