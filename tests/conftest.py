"""Shared fixtures: the sample minutes, an index built from them on disk, and settings."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from knowledge.paths import SAMPLES_DIR
from tools.evaluate import load as load_questions  # noqa: F401 (tests import it from here)
from tools.payloads import NEW_MEETING  # noqa: F401 (tests import it from here)

DATA = Path(__file__).parent / "data"

# Host names a test may resolve: this machine only.
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_refused: list[str] = []


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    """No test reaches the internet. Every HTTP client here (requests, msal, aiohttp) resolves
    host names through `socket.getaddrinfo`; for the whole run it refuses anything but
    loopback, and records the names it refused (`looked_up`)."""
    original = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in LOOPBACK:
            _refused.append(name)
            raise socket.gaierror(socket.EAI_NONAME, f"{name}: no network in tests")
        return original(host, *args, **kwargs)

    socket.getaddrinfo = loopback_only
    yield
    socket.getaddrinfo = original


@pytest.fixture
def looked_up() -> list[str]:
    """The host names a test tried to resolve (all refused), from its start on."""
    _refused.clear()
    return _refused


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    # No test may read the developer's own data folder or settings.
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    for name in ("BESLUTNINGSBOT_DATA_DIR", "BESLUTNINGSBOT_MINUTES_DIR", "MicrosoftAppId",
                 "MicrosoftAppPassword", "WEBEX_BOT_TOKEN", "WEBEX_WEBHOOK_SECRET", "BESLUTNINGSBOT_ADMINS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def minutes_dir(tmp_path) -> Path:
    """A writable copy of the five sample minutes."""
    target = tmp_path / "minutes"
    shutil.copytree(SAMPLES_DIR, target)
    return target


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    """The index of the sample minutes, built once through the real indexer on disk."""
    from knowledge.index.build import build_index
    from knowledge.index.loaded import Index

    store = tmp_path_factory.mktemp("index") / "index.json"
    build_index([SAMPLES_DIR], store)
    return Index.open(store)


@pytest.fixture
async def connector(aiohttp_server):
    """A fake Bot Connector (tests/fakes/connector.py) served on 127.0.0.1."""
    from tests.fakes.connector import FakeConnector

    fake = FakeConnector()
    server = await aiohttp_server(fake.app(), host="127.0.0.1")
    fake.url = str(server.make_url("/"))
    return fake


@pytest.fixture
async def fake(aiohttp_server):
    """A fake Webex API (tests/fakes/webex_api.py) served on 127.0.0.1."""
    from tests.fakes.webex_api import FakeWebex

    fake = FakeWebex()
    fake.server = await aiohttp_server(fake.app(), host="127.0.0.1")
    return fake


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now, for a server started as a subprocess."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def greve_index(tmp_path_factory):
    """The index of 55 real Greve portal meetings (ten bodies), built once on disk."""
    from knowledge.index.build import build_index
    from knowledge.index.loaded import Index

    store = tmp_path_factory.mktemp("greve") / "index.json"
    build_index([DATA / "greve-portal-json-2022"], store)
    return Index.open(store)


@pytest.fixture
def greve_chat_on(greve_index):
    """A chat over the Greve meetings whose clock stands still at the given UTC time."""
    from datetime import datetime

    from tests.chat import Chat, make_conversation

    def chat_on(when: datetime) -> Chat:
        return Chat(make_conversation(lambda: greve_index, clock=lambda: when))

    return chat_on
