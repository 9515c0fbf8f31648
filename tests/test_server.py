"""The server itself: /readyz, the first index on a fresh data folder, the settings it reads."""

from __future__ import annotations

import pytest

from bot.server import create_app
from bot.settings import Settings, SettingsError
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from knowledge.paths import SAMPLES_DIR


async def test_readyz_reports_the_index(aiohttp_client, tmp_path):
    settings = Settings(data_dir=tmp_path)
    build_index([SAMPLES_DIR], settings.store_path)
    client = await aiohttp_client(create_app(settings))
    response = await client.get("/readyz")
    body = await response.json()
    assert response.status == 200
    assert body["status"] == "ok" and body["index_loaded"] is True
    assert (body["items"], body["meetings"]) == (38, 5)
    assert body["last_indexed"][:2] == "20" and body["generation"]


async def test_a_fresh_data_folder_gets_the_sample_index_at_start(aiohttp_client, tmp_path):
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path / "new")))
    body = await (await client.get("/readyz")).json()
    assert body["items"] == 38


async def test_readyz_is_503_while_no_index_can_be_read(aiohttp_client, tmp_path):
    settings = Settings(data_dir=tmp_path, digest="off")
    settings.store_path.parent.mkdir(parents=True, exist_ok=True)
    settings.store_path.write_bytes(b"{broken")
    client = await aiohttp_client(create_app(settings, live=LiveIndex(settings.store_path)))
    response = await client.get("/readyz")
    assert response.status == 503
    assert await response.json() == {"status": "unavailable", "index_loaded": False, "error": "corrupt",
                                     "checks": {"index": "corrupt", "state": "ok", "scheduler": "off", "sync": "not run"}}


@pytest.mark.parametrize("environment, message", [
    ({"WEBEX_BOT_TOKEN": "x"}, "WEBEX_WEBHOOK_SECRET"),
    ({"MicrosoftAppId": "id", "MicrosoftAppPassword": "pw"}, "MicrosoftAppTenantId"),
    ({"BESLUTNINGSBOT_PORT": "http"}, "BESLUTNINGSBOT_PORT"),
    ({"BESLUTNINGSBOT_DIGEST": "someday"}, "BESLUTNINGSBOT_DIGEST"),
    ({"BESLUTNINGSBOT_MINUTES_DIR": "/nowhere/at/all"}, "BESLUTNINGSBOT_MINUTES_DIR"),
    ({"BESLUTNINGSBOT_TEAMS_NOAUTH": "yes"}, "BESLUTNINGSBOT_TEAMS_NOAUTH"),
    ({"MicrosoftAppId": "id", "MicrosoftAppPassword": "pw", "MicrosoftAppTenantId": "t",
      "BESLUTNINGSBOT_TEAMS_NOAUTH": "local"}, "BESLUTNINGSBOT_TEAMS_NOAUTH"),
])
def test_inconsistent_settings_fail_with_a_clear_message(environment, message):
    with pytest.raises(SettingsError, match=message):
        Settings.load(environment, env_file=None)


def test_settings_from_a_dotenv_file_under_the_environment(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("BESLUTNINGSBOT_PORT=8080\nBESLUTNINGSBOT_ADMINS=Anna@Kommune.dk, aad-1\nMicrosoftAppPassword=pw\n")
    settings = Settings.load({"BESLUTNINGSBOT_PORT": "9090"}, env_file=env_file)
    assert settings.port == 9090
    assert settings.admins == ("anna@kommune.dk", "aad-1")
    assert "pw" not in repr(settings) and "***" in repr(settings)
