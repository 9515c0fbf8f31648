"""The operator's endpoints: /healthz (alive) apart from /readyz (ready), and /metrics in the
Prometheus text format, against the real server with a fake Bot Connector on loopback."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.health import HEALTH
from bot.metrics import METRICS, Metrics
from bot.server import COLLABORATORS, create_app
from bot.settings import Settings
from handlers.messages import Reply
from handlers.state.store import StateStore
from knowledge.index.live import LiveIndex
from knowledge.paths import SAMPLES_DIR
from tools.payloads import teams_message

QUESTION = "hvad besluttede direktionen om Hændelseslog?"
NOTHING = "hvad besluttede direktionen om rumfærgeprogrammet på Mars?"


@pytest.fixture
def serve(aiohttp_client, sample_index, tmp_path):
    async def start(live: LiveIndex | None = None, state: StateStore | None = None, **settings):
        settings.setdefault("digest", "off")
        settings.setdefault("teams_noauth", "local")
        app = create_app(Settings(data_dir=tmp_path, **settings), live=live or LiveIndex(None, sample_index),
                         state=state)
        return await aiohttp_client(app)

    return start


async def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


# --- /healthz and /readyz -------------------------------------------------------------------


async def test_healthz_stays_200_while_the_index_is_corrupt_because_a_restart_would_not_mend_it(serve, tmp_path):
    store = tmp_path / "index.json"
    store.write_bytes(b"{broken")
    client = await serve(live=LiveIndex(store))

    alive = await client.get("/healthz")
    ready = await client.get("/readyz")

    assert (alive.status, await alive.json()) == (200, {"status": "ok"})
    assert ready.status == 503
    assert (await ready.json())["checks"]["index"] == "corrupt"


async def test_readyz_is_200_with_every_check_when_the_bot_can_work(serve):
    client = await serve(digest="mon 08:00")

    response = await client.get("/readyz")

    body = await response.json()
    assert response.status == 200 and body["status"] == "ok" and body["items"] == 38
    assert body["checks"] == {"index": "ok", "state": "ok", "scheduler": "ok", "sync": "not run"}


async def test_readyz_is_503_when_the_state_file_cannot_be_read(serve, tmp_path):
    path = tmp_path / "state.json"
    state = StateStore(path)
    client = await serve(state=state)
    path.write_bytes(b"\x00\x00 not json")

    response = await client.get("/readyz")

    assert response.status == 503
    assert (await response.json())["checks"]["state"] == "unreadable"


async def test_readyz_is_503_when_the_digest_scheduler_has_stopped(serve):
    client = await serve(digest="mon 08:00")
    task = client.app[HEALTH].scheduler_task
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    response = await client.get("/readyz")

    assert response.status == 503
    assert (await response.json())["checks"]["scheduler"] == "stopped"


async def test_readyz_is_503_after_a_failed_sync_and_200_after_the_next_good_one(serve):
    client = await serve()
    metrics = client.app[METRICS]

    metrics.sync_finished(False, 3.0, "portal-timeout")
    failed = await client.get("/readyz")
    metrics.sync_finished(True, 2.0)
    good = await client.get("/readyz")

    assert failed.status == 503 and (await failed.json())["checks"]["sync"] == "failed"
    assert good.status == 200 and (await good.json())["checks"]["sync"] == "ok"


# --- /metrics -------------------------------------------------------------------------------


async def test_metrics_count_questions_answers_by_kind_nothing_answers_and_latency(serve, connector):
    client = await serve()

    for number, text in enumerate([QUESTION, NOTHING, "hjælp"], start=1):
        activity = teams_message(connector.url, text, conversation=f"a:anna-{number}")
        response = await client.post("/api/messages", json=activity)
        assert response.status == 201

    samples = await scrape(client)
    teams = (("channel", "msteams"),)
    assert samples[("beslutningsbot_messages_total", teams)] == 3
    assert samples[("beslutningsbot_questions_total", teams)] == 2
    assert samples[("beslutningsbot_answers_total", (("kind", "answer"),))] == 1
    assert samples[("beslutningsbot_answers_total", (("kind", "none"),))] == 1
    assert samples[("beslutningsbot_answers_total", (("kind", "command"),))] == 1
    assert samples[("beslutningsbot_nothing_answers_total", teams)] == 1
    assert samples[("beslutningsbot_reply_seconds_count", teams)] == 3
    assert samples[("beslutningsbot_replies_failed_total", teams)] == 0
    assert samples[("beslutningsbot_index_items", ())] == 38


async def test_a_teams_reply_the_connector_refuses_is_counted_as_failed(serve, connector):
    client = await serve()
    connector.fail("*", 403, times=10)

    await client.post("/api/messages", json=teams_message(connector.url, QUESTION))

    samples = await scrape(client)
    assert samples[("beslutningsbot_replies_failed_total", (("channel", "msteams"),))] == 1
    assert samples[("beslutningsbot_messages_total", (("channel", "msteams"),))] == 1


async def test_a_reindex_is_counted_with_its_result_and_duration(aiohttp_client, tmp_path, connector):
    settings = Settings(data_dir=tmp_path, digest="off", minutes_dir=SAMPLES_DIR, admins=("aad-anna",),
                        teams_noauth="local")
    client = await aiohttp_client(create_app(settings))

    await client.post("/api/messages", json=teams_message(connector.url, "genindekser"))
    await client.app[COLLABORATORS].reindexer.wait()

    samples = await scrape(client)
    assert samples[("beslutningsbot_reindex_runs_total", (("result", "ok"),))] == 1
    assert samples[("beslutningsbot_reindex_runs_total", (("result", "failed"),))] == 0
    assert samples[("beslutningsbot_reindex_seconds_count", ())] == 1


async def test_digest_sends_are_counted_by_outcome_and_a_crash_counts_as_failed():
    metrics = Metrics()
    outcomes = iter(["sent", "sent", "gone", "failed"])

    async def deliver(subscription, reply):
        outcome = next(outcomes, None)
        if outcome is None:
            raise RuntimeError("connector exploded")
        return outcome

    counted = metrics.counted_deliver(deliver)
    for _ in range(4):
        await counted({}, Reply("digest"))
    with pytest.raises(RuntimeError):
        await counted({}, Reply("digest"))

    value = metrics.registry.get_sample_value
    assert [value("beslutningsbot_digest_sends_total", {"outcome": o}) for o in ("sent", "gone", "failed")] == [2, 1, 2]


def test_sync_results_and_durations_are_counted_for_the_portal_sync():
    metrics = Metrics()

    metrics.sync_finished(True, 12.0)
    metrics.sync_finished(False, 40.0, "portal-500")

    value = metrics.registry.get_sample_value
    assert value("beslutningsbot_sync_runs_total", {"result": "ok"}) == 1
    assert value("beslutningsbot_sync_runs_total", {"result": "failed"}) == 1
    assert value("beslutningsbot_sync_seconds_sum") == 52.0
    assert metrics.last_sync.ok is False and metrics.last_sync.detail == "portal-500"


def test_an_unknown_reply_kind_is_counted_as_other_so_labels_stay_few():
    metrics = Metrics()

    metrics.message_answered("msteams", "something new", 0.1)

    assert metrics.registry.get_sample_value("beslutningsbot_answers_total", {"kind": "other"}) == 1
