"""What a Teams request must show before the bot spends anything on it.

`POST /api/messages` is open to the internet, so the cheap checks come first and the
expensive work only for a caller who passed them: the `Bearer` header is looked at before
the body is read; the body is read only up to `MAX_ACTIVITY_BYTES` (by its Content-Length
and, for a chunked body, while it streams in); the JSON is parsed with orjson, off the
event loop when it is large; the token is checked against the few fields it is bound to
(`Envelope`), and botbuilder's slow `Activity` deserialization runs only after that, for
an authenticated caller.

Without an app id nothing proves who is calling (`local_refusal`): such a server answers
Teams only for tools on this machine, never through a reverse proxy and never with a
serviceUrl that leads off the machine. With an app id and `MicrosoftAppType=SingleTenant`,
a token or an activity from another tenant is refused (`foreign_tenant`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson
from aiohttp import web

# The largest activity accepted, in bytes. Teams caps what a person can send in one
# message at about 28 KB of text, and an activity around it (ids, entities, channelData,
# an Adaptive Card's submitted data; files arrive as links, never inline) stays well under
# 100 KB. 256 KB leaves room for that with a wide margin while bounding what an
# unauthenticated caller can make the server hold and parse (orjson reads 256 KB in well
# under a millisecond). The README's reverse-proxy example uses the same limit.
MAX_ACTIVITY_BYTES = 256 * 1024
# Bodies up to this size are parsed on the event loop (microseconds); larger ones in a
# worker thread, so that no caller's bytes hold up other conversations.
INLINE_PARSE_BYTES = 16 * 1024
# Headers a reverse proxy adds. A request carrying one came through a proxy, so its
# loopback address says nothing about who sent it.
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
# Issuers that name an Entra ID tenant: v1 (sts.windows.net/{tid}/) and v2
# (login.microsoftonline.com/{tid}/v2.0, and the US government clouds).
_TENANT_ISSUER = re.compile(
    r"^https://(?:sts\.windows\.net|login\.microsoftonline\.(?:com|us))/([^/]+)/(?:v2\.0)?$")
_READ_CHUNK = 64 * 1024


class Refused(Exception):
    """A request refused before the bot looked at it: `status` and the reason to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    """The fields of an activity that say where it comes from and where replies go, read
    from the raw JSON without deserializing the rest."""

    type: str
    channel_id: str
    service_url: str
    conversation_id: str
    tenant_id: str


async def read_limited(request: web.Request, limit: int = MAX_ACTIVITY_BYTES) -> bytes:
    """The body of `request`, or Refused(413) as soon as it is known to exceed `limit`."""
    length = request.content_length
    if length is not None and length > limit:
        raise Refused(413, f"Content-Length {length} over {limit}")
    chunks, size = [], 0
    while True:
        chunk = await request.content.read(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"body over {limit} bytes")
        chunks.append(chunk)


async def parse_json(body: bytes) -> Any:
    """The JSON value of `body`; ValueError when it is not JSON."""
    if len(body) <= INLINE_PARSE_BYTES:
        return orjson.loads(body)
    return await asyncio.to_thread(orjson.loads, body)


def envelope(body: dict) -> Envelope | None:
    """The envelope of an activity's JSON, or None when a required part is missing."""
    conversation = body.get("conversation")
    channel_data = body.get("channelData")
    values = {
        "type": body.get("type"),
        "channel_id": body.get("channelId") or "",
        "service_url": body.get("serviceUrl"),
        "conversation_id": conversation.get("id") if isinstance(conversation, dict) else None,
    }
    if not all(isinstance(value, str) and value for key, value in values.items() if key != "channel_id"):
        return None
    if not isinstance(values["channel_id"], str):
        return None
    tenant = ""
    if isinstance(channel_data, dict) and isinstance(channel_data.get("tenant"), dict):
        tenant = channel_data["tenant"].get("id") or ""
    if not tenant and isinstance(conversation, dict):
        tenant = conversation.get("tenantId") or ""
    return Envelope(tenant_id=tenant if isinstance(tenant, str) else "<not a string>", **values)


def local_refusal(request: web.Request) -> str | None:
    """Why an unauthenticated request may not be served, or None when it came from this
    machine directly."""
    for header in PROXY_HEADERS:
        if header in request.headers:
            return f"{header} present: the request came through a proxy"
    if not is_loopback_host(request.remote or ""):
        return f"from {request.remote}, not this machine"
    return None


def is_loopback_url(url: str) -> bool:
    """Whether `url` leads to this machine (a loopback address or localhost)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return host.lower() == "localhost" or is_loopback_host(host)


def is_loopback_host(host: str) -> bool:
    """Whether `host` is a loopback address, IPv4 as seen on a dual-stack socket included."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def foreign_tenant(claims: dict, activity_tenant: str, tenant: str) -> str | None:
    """Why a token (its `claims`) or an activity is from another tenant than `tenant`, or
    None when nothing says it is. The Bot Connector's own tokens name no tenant; tokens
    Entra ID issues do (`tid`, and the issuer), and Teams names the activity's tenant."""
    named = []
    if claims.get("tid"):
        named.append(str(claims["tid"]))
    match = _TENANT_ISSUER.match(str(claims.get("iss", "")))
    if match:
        named.append(match.group(1))
    for other in named:
        if other.lower() != tenant.lower():
            return f"token from tenant {other}"
    if activity_tenant and activity_tenant.lower() != tenant.lower():
        return f"activity from tenant {activity_tenant}"
    return None
