"""The bot's settings: one frozen dataclass, read once from the environment and `.env`.

Every field has a default and a help line; `Settings.table()` lists the variables, defaults
and secret flags that the README's settings table shows (a test holds the two together).
Secrets (the app password, the Webex token and webhook secret) come only from the
environment and are never shown: `repr()` masks them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping

from dotenv import dotenv_values

from handlers.schedule import DailySchedule, ScheduleError, WeeklySchedule, parse_sync_schedule
from knowledge.links import is_web_url
from knowledge.paths import SAMPLES_DIR, default_data_dir


class SettingsError(ValueError):
    """An inconsistent or invalid set of settings; the message says what to fix."""


def _setting(env: str, default, help: str, secret: bool = False, shown: str = ""):
    # `shown` names a default that is worked out at start-up (the field's own default is None).
    return field(default=default, metadata={"env": env, "help": help, "secret": secret, "shown": shown})


@dataclass(frozen=True)
class Settings:
    app_id: str = _setting("MicrosoftAppId", "", "Teams: the Azure Bot's app id. Empty: /api/messages is not served (404), unless BESLUTNINGSBOT_TEAMS_NOAUTH=local.")
    app_password: str = _setting("MicrosoftAppPassword", "", "Teams: the app's client secret.", secret=True)
    app_type: str = _setting("MicrosoftAppType", "SingleTenant", "Teams: SingleTenant, MultiTenant or UserAssignedMSI.")
    app_tenant_id: str = _setting("MicrosoftAppTenantId", "", "Teams: the tenant id (required for SingleTenant).")
    teams_noauth: str = _setting("BESLUTNINGSBOT_TEAMS_NOAUTH", "", "Teams without an app id: 'local' serves /api/messages unauthenticated to this machine only (Agents Playground, Emulator), never through a proxy. Empty: not served.")
    webex_token: str = _setting("WEBEX_BOT_TOKEN", "", "Webex: the bot's access token. Empty turns Webex off.", secret=True)
    webex_secret: str = _setting("WEBEX_WEBHOOK_SECRET", "", "Webex: the webhook secret that signs X-Spark-Signature.", secret=True)
    webex_api_url: str = _setting("WEBEX_API_URL", "https://webexapis.com/v1", "Webex: the REST API base URL.")
    host: str = _setting("BESLUTNINGSBOT_HOST", "0.0.0.0", "Address the server listens on.")
    port: int = _setting("BESLUTNINGSBOT_PORT", 3978, "Port the server listens on.")
    data_dir: Path = _setting("BESLUTNINGSBOT_DATA_DIR", None, "Folder for the index and the bot's state (default: ~/.local/share/beslutningsbot).", shown="~/.local/share/beslutningsbot")
    minutes_dir: Path | None = _setting("BESLUTNINGSBOT_MINUTES_DIR", None, "Folder of minutes to index (PDF, DOCX, HTML, TXT, MD). Default: the bundled sample minutes.", shown="the bundled samples")
    minutes_url: str = _setting("BESLUTNINGSBOT_MINUTES_URL", "", "Web address where the minutes files are published; answers link to <address>/<file name> (#page=N for PDFs). Empty: no link for files.")
    admins: tuple[str, ...] = _setting("BESLUTNINGSBOT_ADMINS", (), "Comma-separated admin ids: Teams AAD object ids, Webex person ids or e-mail addresses.")
    digest: str = _setting("BESLUTNINGSBOT_DIGEST", "mon 08:00", "When the weekly digest goes out (Europe/Copenhagen), or 'off'.")
    portal_url: str = _setting("BESLUTNINGSBOT_PORTAL_URL", "", "The municipality's agenda portal (e.g. https://dagsordener.greve.dk): `sync` fetches its meetings into the minutes folder; `genindekser` and the schedule sync first.")
    sync: str = _setting("BESLUTNINGSBOT_SYNC", "daily 06:00", "When `serve` syncs from the portal (Europe/Copenhagen): 'daily 06:00', a weekday and time ('mon 07:00'), or 'off'. Needs BESLUTNINGSBOT_PORTAL_URL.")
    log_level: str = _setting("BESLUTNINGSBOT_LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")
    log_format: str = _setting("BESLUTNINGSBOT_LOG_FORMAT", "text", "Log lines as text, or json: one JSON object per line, with the request id.")

    def __post_init__(self) -> None:
        if self.data_dir is None:
            object.__setattr__(self, "data_dir", default_data_dir())

    def __repr__(self) -> str:
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.metadata.get("secret") and value:
                value = "***"
            shown.append(f"{item.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def store_path(self) -> Path:
        return self.data_dir / "index.json"

    @property
    def state_path(self) -> Path:
        return self.data_dir / "state.json"

    @property
    def digest_schedule(self) -> WeeklySchedule | None:
        return WeeklySchedule.parse(self.digest)

    @property
    def sync_dir(self) -> Path:
        """Where synced meetings go: the minutes folder, or one in the data folder."""
        return self.minutes_dir or self.data_dir / "minutes"

    @property
    def sync_schedule(self) -> DailySchedule | WeeklySchedule | None:
        return parse_sync_schedule(self.sync) if self.portal_url else None

    @property
    def sources(self) -> list[Path]:
        if self.minutes_dir is None and (self.portal_url or (self.data_dir / "minutes").is_dir()):
            return [self.sync_dir]
        return [self.minutes_dir or SAMPLES_DIR]

    @classmethod
    def table(cls) -> list[tuple[str, str, bool, str]]:
        """(variable, default as shown to people, secret, help) for every setting."""
        rows = []
        for item in fields(cls):
            default = item.default
            shown = item.metadata["shown"] or ("" if default in ("", None, ()) else str(default))
            rows.append((item.metadata["env"], shown, item.metadata["secret"], item.metadata["help"]))
        return rows

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> "Settings":
        """Settings from `environ` (default: the process environment) over a `.env` file.

        Raises SettingsError with a clear message when a value is invalid or the set is
        inconsistent.
        """
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        kwargs = {}
        for item in fields(cls):
            raw = values.get(item.metadata["env"])
            if raw is None or raw == "":
                continue
            kwargs[item.name] = _convert(item.name, item.metadata["env"], raw.strip())
        settings = cls(**kwargs)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.webex_token and not self.webex_secret:
            raise SettingsError("WEBEX_BOT_TOKEN is set but WEBEX_WEBHOOK_SECRET is not: every webhook must be verified.")
        if self.app_type not in ("SingleTenant", "MultiTenant", "UserAssignedMSI"):
            raise SettingsError(f"MicrosoftAppType must be SingleTenant, MultiTenant or UserAssignedMSI, not {self.app_type!r}.")
        if self.app_id and self.app_type == "SingleTenant" and not self.app_tenant_id:
            raise SettingsError("MicrosoftAppType is SingleTenant but MicrosoftAppTenantId is empty.")
        if self.app_id and self.app_type == "UserAssignedMSI" and not self.app_tenant_id:
            raise SettingsError("MicrosoftAppType is UserAssignedMSI but MicrosoftAppTenantId is empty.")
        if self.app_id and self.app_type != "UserAssignedMSI" and not self.app_password:
            raise SettingsError("MicrosoftAppId is set but MicrosoftAppPassword is empty.")
        if self.teams_noauth not in ("", "local"):
            raise SettingsError(f"BESLUTNINGSBOT_TEAMS_NOAUTH must be 'local' or empty, not {self.teams_noauth!r}.")
        if self.app_id and self.teams_noauth:
            raise SettingsError("BESLUTNINGSBOT_TEAMS_NOAUTH=local is for running without MicrosoftAppId; "
                                "with an app id every Teams request is authenticated. Remove one of them.")
        if not 0 < self.port < 65536:
            raise SettingsError(f"BESLUTNINGSBOT_PORT must be between 1 and 65535, not {self.port}.")
        if self.minutes_dir is not None and not self.minutes_dir.is_dir():
            raise SettingsError(f"BESLUTNINGSBOT_MINUTES_DIR is not a folder: {self.minutes_dir}")
        if self.minutes_url and not is_web_url(self.minutes_url):
            raise SettingsError(f"BESLUTNINGSBOT_MINUTES_URL must be an http(s) address, not {self.minutes_url!r}.")
        try:
            self.digest_schedule
        except ScheduleError as error:
            raise SettingsError(f"BESLUTNINGSBOT_DIGEST: {error}.") from error
        try:
            parse_sync_schedule(self.sync)
        except ScheduleError as error:
            raise SettingsError(f"BESLUTNINGSBOT_SYNC: {error}.") from error
        if self.portal_url and "://" not in self.portal_url and "." not in self.portal_url:
            raise SettingsError(f"BESLUTNINGSBOT_PORTAL_URL is not a web address: {self.portal_url!r}")
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(f"BESLUTNINGSBOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {self.log_level!r}.")
        if self.log_format not in ("text", "json"):
            raise SettingsError(f"BESLUTNINGSBOT_LOG_FORMAT must be text or json, not {self.log_format!r}.")


def _convert(name: str, env: str, raw: str):
    if name == "port":
        try:
            return int(raw)
        except ValueError as error:
            raise SettingsError(f"{env} must be a whole number, not {raw!r}.") from error
    if name in ("data_dir", "minutes_dir"):
        return Path(raw).expanduser()
    if name == "teams_noauth":
        return raw.lower()
    if name == "admins":
        return tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    return raw
