"""The Teams app package: the manifest template in `deploy/teams` filled in, checked and zipped.

`build_package(app_id, out, ...)` fills the `{{...}}` tokens of `deploy/teams/manifest.json`
(the Azure Bot's app id, the bot's name, its host name for `validDomains`, the developer
details), checks what Teams would refuse at upload (a GUID app id, every required field
filled, names and descriptions within their lengths, https links, the icons' sizes and
colour modes) and writes a zip with `manifest.json`, `color.png` and `outline.png` at its
root. Anything wrong raises `PackageError` with a message that says what to fix. The icons
are read with the standard library only: the PNG header holds the size and colour type.

`add_parser(subparsers)` adds `beslutningsbot teams-package`. The template lives in the
repository, not in the installed package, so the command runs from a clone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "deploy" / "teams"
DEFAULT_NAME = "Beslutningsbot"
DEFAULT_DEVELOPER = "Kommunens IT-afdeling"
DEFAULT_OUT = Path("beslutningsbot-teams.zip")

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
HOST = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
TOKEN = re.compile(r"\{\{[A-Z_]+\}\}")

# The limits of the manifest schema (v1.22) for the fields the template uses.
MAX_LENGTHS = {
    "name.short": 30,
    "name.full": 100,
    "description.short": 80,
    "description.full": 4000,
    "developer.name": 32,
}
REQUIRED = ("$schema", "manifestVersion", "version", "id", "developer.name", "developer.websiteUrl",
            "developer.privacyUrl", "developer.termsOfUseUrl", "name.short", "name.full",
            "description.short", "description.full", "icons.color", "icons.outline", "accentColor")
COMMAND_TITLE_MAX = 32
COMMAND_DESCRIPTION_MAX = 128
BOT_SCOPES = {"personal", "team", "groupChat"}


@dataclass(frozen=True)
class IconRule:
    width: int
    height: int
    colour_types: frozenset[int]  # PNG colour types: 2 = RGB, 6 = RGBA
    what: str


ICONS = {
    "color": IconRule(192, 192, frozenset({2, 6}), "full colour (RGB or RGBA)"),
    "outline": IconRule(32, 32, frozenset({6}), "white on a transparent background (RGBA)"),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PackageError(ValueError):
    """The package cannot be built as asked; the message says what to fix."""


def build_package(app_id: str, out: Path, name: str | None = None, valid_domain: str | None = None, *,
                  developer: str | None = None, website_url: str | None = None,
                  privacy_url: str | None = None, terms_url: str | None = None,
                  version: str | None = None, template_dir: Path = TEMPLATE_DIR) -> Path:
    """Write the Teams app package for the Azure Bot `app_id` to `out` and return its path.

    `valid_domain` is the bot's public host name (a URL is accepted; its host is used). The
    developer links default to https://<valid_domain>/. Raises PackageError.
    """
    app_id = (app_id or "").strip()
    if not GUID.match(app_id):
        raise PackageError(
            f"the app id {app_id!r} is not a GUID like 00000000-0000-0000-0000-000000000000: use the "
            "Azure Bot's Microsoft App ID (the Entra ID application (client) id, without braces)")
    domain = _host(valid_domain) if valid_domain else None
    website_url = website_url or (f"https://{domain}/" if domain else None)
    if website_url is None:
        raise PackageError("give the bot's host name (--domain) or the developer's web page (--website)")
    values = {
        "APP_ID": app_id,
        "NAME": (name or DEFAULT_NAME).strip(),
        "DEVELOPER_NAME": (developer or DEFAULT_DEVELOPER).strip(),
        "WEBSITE_URL": website_url,
        "PRIVACY_URL": privacy_url or website_url,
        "TERMS_URL": terms_url or website_url,
        "VERSION": version or _project_version(),
        "VALID_DOMAIN": domain,
    }
    manifest = fill_manifest(_read_template(template_dir), values)
    check_manifest(manifest)
    icons = {}
    for key, rule in ICONS.items():
        path = template_dir / manifest["icons"][key]
        check_icon(path, rule)
        icons[manifest["icons"][key]] = path.read_bytes()
    return _write_zip(Path(out), manifest, icons)


def fill_manifest(template: dict[str, Any], values: dict[str, str | None]) -> dict[str, Any]:
    """The template with every `{{TOKEN}}` in its strings replaced; a token whose value is
    None is dropped where it stands alone in a list (an optional `validDomains` entry)."""

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(item) for item in node if not _absent(item, values)]
        if isinstance(node, str):
            return TOKEN.sub(lambda match: _value(match.group(0), values), node)
        return node

    return fill(template)


def check_manifest(manifest: dict[str, Any]) -> None:
    """Raise PackageError for what Teams would refuse, or what was left unfilled."""
    left = sorted(set(TOKEN.findall(json.dumps(manifest, ensure_ascii=False))))
    if left:
        raise PackageError(f"the manifest still has unfilled tokens: {', '.join(left)}")
    for path in REQUIRED:
        value = _get(manifest, path)
        if not isinstance(value, str) or not value.strip():
            raise PackageError(f"the manifest field {path} is missing or empty")
    for path, limit in MAX_LENGTHS.items():
        value = _get(manifest, path)
        if len(value) > limit:
            raise PackageError(f"{path} is {len(value)} characters; Teams allows at most {limit}: {value!r}")
    if not GUID.match(manifest["id"]):
        raise PackageError(f"the manifest id {manifest['id']!r} is not a GUID")
    version = manifest["manifestVersion"]
    if not manifest["$schema"].endswith(f"/v{version}/MicrosoftTeams.schema.json"):
        raise PackageError(f"$schema does not match manifestVersion {version}")
    if not SEMVER.match(manifest["version"]):
        raise PackageError(f"the app version {manifest['version']!r} must be three numbers, like 1.0.0")
    if not HEX_COLOUR.match(manifest["accentColor"]):
        raise PackageError(f"accentColor {manifest['accentColor']!r} must be a colour like #1F4E79")
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = manifest["developer"][key]
        if urlsplit(url).scheme != "https" or not urlsplit(url).netloc:
            raise PackageError(f"developer.{key} must be an https:// address, not {url!r}")
    bots = manifest.get("bots") or []
    if len(bots) != 1 or bots[0].get("botId") != manifest["id"]:
        raise PackageError("the manifest must have exactly one bot, whose botId is the app id")
    bot = bots[0]
    if not set(bot.get("scopes", ())) <= BOT_SCOPES or not bot.get("scopes"):
        raise PackageError(f"the bot's scopes must be among {sorted(BOT_SCOPES)}")
    for command_list in bot.get("commandLists", ()):
        for command in command_list.get("commands", ()):
            if not 0 < len(command.get("title", "")) <= COMMAND_TITLE_MAX:
                raise PackageError(f"the command title {command.get('title')!r} must be 1 to {COMMAND_TITLE_MAX} characters")
            if not 0 < len(command.get("description", "")) <= COMMAND_DESCRIPTION_MAX:
                raise PackageError(f"the description of {command['title']!r} must be 1 to "
                                   f"{COMMAND_DESCRIPTION_MAX} characters")
    for extension in manifest.get("composeExtensions", ()):
        if extension.get("botId") != manifest["id"]:
            raise PackageError("the compose extension (search from the compose box) must use the bot, whose id is the app id")
    for domain in manifest.get("validDomains", ()):
        if not HOST.match(domain):
            raise PackageError(f"validDomains entry {domain!r} is not a host name")


def png_header(path: Path) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from a PNG's IHDR chunk; PackageError if the
    file is missing or not a PNG."""
    try:
        with path.open("rb") as file:
            head = file.read(33)
    except OSError as error:
        raise PackageError(f"the icon {path} cannot be read: {error.strerror}") from error
    if len(head) < 33 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        raise PackageError(f"the icon {path} is not a PNG file")
    width, height, depth, colour_type = struct.unpack(">IIBB", head[16:26])
    return width, height, depth, colour_type


def check_icon(path: Path, rule: IconRule) -> None:
    width, height, depth, colour_type = png_header(path)
    if (width, height) != (rule.width, rule.height):
        raise PackageError(f"the icon {path.name} is {width}x{height}; Teams needs {rule.width}x{rule.height}")
    if colour_type not in rule.colour_types or depth != 8:
        raise PackageError(f"the icon {path.name} must be an 8-bit PNG, {rule.what}")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `teams-package` on the CLI's subcommands."""
    parser = subparsers.add_parser(
        "teams-package", help="build the Teams app package (zip) for upload to Teams",
        description="Fill in deploy/teams/manifest.json and zip it with the icons, for upload "
                    "in the Teams admin center (Manage apps > Upload new app).")
    parser.add_argument("--app-id", required=True, metavar="GUID",
                        help="the Azure Bot's Microsoft App ID (MicrosoftAppId)")
    parser.add_argument("--name", default=None, help=f"the bot's name in Teams, at most 30 characters (default: {DEFAULT_NAME})")
    parser.add_argument("--domain", default=None, metavar="HOST",
                        help="the bot's public host name, e.g. beslutningsbot.kommune.dk (for validDomains)")
    parser.add_argument("--developer", default=None, help=f"publisher shown in Teams, at most 32 characters (default: {DEFAULT_DEVELOPER})")
    parser.add_argument("--website", default=None, metavar="URL", help="publisher's web page (default: https://HOST/)")
    parser.add_argument("--privacy-url", default=None, metavar="URL", help="privacy statement (default: the web page)")
    parser.add_argument("--terms-url", default=None, metavar="URL", help="terms of use (default: the web page)")
    parser.add_argument("--app-version", default=None, metavar="X.Y.Z",
                        help="the package version; raise it for every update (default: the bot's version)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the zip to write (default: {DEFAULT_OUT})")
    parser.set_defaults(run=cmd_teams_package)
    return parser


def cmd_teams_package(args: argparse.Namespace) -> int:
    try:
        path = build_package(args.app_id, args.out, args.name, args.domain, developer=args.developer,
                             website_url=args.website, privacy_url=args.privacy_url,
                             terms_url=args.terms_url, version=args.app_version)
    except PackageError as error:
        print(f"Teams-pakken kan ikke bygges: {error}", file=sys.stderr)
        return 2
    print(f"Teams-pakken er skrevet: {path}")
    print("Upload den i Teams admin center (Teams apps > Manage apps > Upload new app) eller med PowerShell: "
          f"New-TeamsApp -DistributionMethod organization -Path {path}")
    return 0


def _read_template(template_dir: Path) -> dict[str, Any]:
    path = template_dir / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise PackageError(f"the manifest template {path} is missing: run teams-package from a clone of the "
                           "repository (pip install -e .)") from error
    except ValueError as error:
        raise PackageError(f"the manifest template {path} is not valid JSON: {error}") from error


def _write_zip(out: Path, manifest: dict[str, Any], icons: dict[str, bytes]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and swap it in, so a failure never leaves half a zip behind.
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
            for name, data in icons.items():
                archive.writestr(name, data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out


def _host(value: str) -> str:
    value = value.strip().lower()
    host = urlsplit(value if "://" in value else f"//{value}").hostname or ""
    if not HOST.match(host):
        raise PackageError(f"--domain {value!r} is not a host name like beslutningsbot.kommune.dk")
    return host


def _project_version() -> str:
    try:
        return metadata.version("beslutningsbot")
    except metadata.PackageNotFoundError:
        return "1.0.0"


def _absent(item: Any, values: dict[str, str | None]) -> bool:
    return isinstance(item, str) and TOKEN.fullmatch(item) is not None and values.get(item[2:-2], "") is None


def _value(token: str, values: dict[str, str | None]) -> str:
    value = values.get(token[2:-2])
    return token if value is None else value


def _get(manifest: dict[str, Any], path: str) -> Any:
    node: Any = manifest
    for key in path.split(".") if not path.startswith("$") else [path]:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node
