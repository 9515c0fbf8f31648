"""Logging for the server: one format, the configured level, and no secret ever written.

A filter on the root handler replaces the values of the secret settings (app password,
Webex token and webhook secret) wherever they would appear in a log line, including in
tracebacks and in messages of libraries that log request headers at debug level.
"""

from __future__ import annotations

import logging

from bot.settings import Settings

MASK = "***"


class SecretFilter(logging.Filter):
    """Masks the given secret values in every record that passes through."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret and len(secret) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def secret_filter(settings: Settings) -> SecretFilter:
    return SecretFilter([settings.app_password, settings.webex_token, settings.webex_secret])


def configure(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(secret_filter(settings))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
