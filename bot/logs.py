"""Logging for the server: text or JSON lines, the configured level, a request id on every
line, and no secret ever written.

A filter on the root handler replaces the values of the secret settings (app password,
Webex token and webhook secret) wherever they would appear in a log line, including in
tracebacks and in messages of libraries that log request headers at debug level.

`request_context` (an aiohttp middleware) gives each HTTP request an id in a context
variable. asyncio copies context variables into the tasks and worker threads a request
starts (`create_task`, `to_thread`), so the id follows a message through the search, its
reply and a Webex answer sent in the background; `RequestIdFilter` puts it on every record.
With `BESLUTNINGSBOT_LOG_FORMAT=json` each record is one JSON object on one line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import datetime, timezone
from typing import Awaitable, Callable, TextIO

from aiohttp import web
from aiohttp.web_log import AccessLogger

from bot.settings import Settings

MASK = "***"
NO_REQUEST = "-"
REQUEST_ID = contextvars.ContextVar("request_id", default=NO_REQUEST)
REQUEST_HEADER = "X-Request-Id"
# An id from a proxy in front is kept when it is short and plain; anything else could
# forge log lines (newlines, quotes), so a fresh one is made instead.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


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


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the current request's, or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, request id, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            # Already masked by SecretFilter, which runs before any formatter.
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def new_request_id(offered: str | None = None) -> str:
    return offered if offered and _GOOD_ID.match(offered) else uuid.uuid4().hex[:16]


@web.middleware
async def request_context(request: web.Request,
                          handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """Give the request an id for its log lines and answer with it in `X-Request-Id`."""
    request_id = new_request_id(request.headers.get(REQUEST_HEADER))
    token = REQUEST_ID.set(request_id)
    try:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            error.headers[REQUEST_HEADER] = request_id
            raise
        response.headers[REQUEST_HEADER] = request_id
        return response
    finally:
        REQUEST_ID.reset(token)


class RequestIdAccessLogger(AccessLogger):
    """aiohttp's access log line, with the request's id: aiohttp writes it after the handler
    and the middleware have returned, so the id is read back from the answer's header."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        token = REQUEST_ID.set(response.headers.get(REQUEST_HEADER, NO_REQUEST))
        try:
            super().log(request, response, time)
        finally:
            REQUEST_ID.reset(token)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(settings: Settings, stream: TextIO | None = None) -> None:
    """Send every log record to `stream` (default: standard error) in the configured format."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(settings.log_format))
    # The secret filter first: the JSON formatter writes the message and traceback it cleaned.
    handler.addFilter(secret_filter(settings))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
