"""What `deploy/` promises, checked without a container engine or systemd: the Dockerfile's
key facts (and its HEALTHCHECK run against a real `beslutningsbot serve`), the compose file,
the settings example, the systemd unit (`systemd-analyze verify` when installed) and the
Teams app package."""

from __future__ import annotations

import argparse
import fnmatch
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from dataclasses import fields
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.conftest import free_port
from tools import teams_package
from tools.teams_package import ICONS, PackageError, build_package, png_header

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TEAMS = DEPLOY / "teams"
SCRIPT = shutil.which("beslutningsbot", path=str(Path(sys.executable).parent))
APP_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
SETTING_NAMES = [item.metadata["env"] for item in fields(Settings)]


# --- Dockerfile -----------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if not current and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        current += raw.rstrip().removesuffix("\\") + " " if raw.rstrip().endswith("\\") else raw.strip()
        if not raw.rstrip().endswith("\\"):
            lines.append(current)
            current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip()) for line in lines]


def instructions(name: str) -> list[str]:
    return [args for instruction, args in dockerfile() if instruction == name]


def final_stage() -> list[tuple[str, str]]:
    steps = dockerfile()
    last_from = max(i for i, (instruction, _) in enumerate(steps) if instruction == "FROM")
    return steps[last_from:]


def image_env() -> dict[str, str]:
    env = {}
    for instruction, args in final_stage():
        if instruction == "ENV":
            env.update(re.findall(r"(\w+)=(\S+)", args))
    return env


def healthcheck_command() -> list[str]:
    (args,) = [args for instruction, args in final_stage() if instruction == "HEALTHCHECK"]
    return json.loads(args.split("CMD", 1)[1])


def test_every_stage_is_the_same_python_313_slim_pinned_by_digest():
    images = [args.split()[0] for args in instructions("FROM")]
    assert len(images) == 2 and images[0] == images[1]
    assert re.fullmatch(r"python:3\.13(\.\d+)?-slim@sha256:[0-9a-f]{64}", images[0])


def python_pin() -> str:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^requires-python = "(.*)"$', pyproject, re.MULTILINE).group(1)


def test_python_311_to_313_are_allowed_and_314_is_not_yet():
    assert python_pin() == ">=3.11,<3.14"


def test_ci_installs_with_exactly_the_readme_quickstart_line_on_python_313():
    # The quickstart says `python3`, which works on a fresh machine (pyenv's `python3.13` shim
    # does not until a 3.13 is selected); CI selects the newest 3.13 before the same line.
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ci_install = ci[ci.index("# --- install (README: Quickstart, step 1)") + 1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("```sh\n", 1)[1].splitlines()[0]
    assert ci_install == quickstart
    assert ci_install.startswith("python3 -m venv .venv && ")
    assert "PYENV_VERSION" in "\n".join(ci) and "3\\.13" in "\n".join(ci)
    ci_test = ci[ci.index("# --- test (README: Tests)") + 1]
    assert ci_test in readme.split("## Tests", 1)[1].split("```", 2)[1]


def test_the_server_runs_as_a_user_without_privileges():
    (user,) = [args for instruction, args in final_stage() if instruction == "USER"]
    assert user.split(":")[0] not in ("root", "0")
    assert any("useradd" in args and "--uid 10001" in args for args in instructions("RUN"))


def test_the_project_is_installed_from_the_hashed_lock_and_then_without_resolving_again():
    runs = instructions("RUN")
    assert any(re.search(r"pip install --require-hashes -r requirements\.lock$", args) for args in runs)
    assert any(re.search(r"pip install --no-deps \.$", args) for args in runs)
    copied = {source for args in instructions("COPY") if not args.startswith("--from")
              for source in args.split()[:-1]}
    assert copied == {"requirements.lock", "pyproject.toml", "README.md", "bot", "handlers", "knowledge"}


def test_the_lock_pins_every_dependency_of_pyproject_with_hashes():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {match.lower().replace("_", "-") for match in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.MULTILINE)}
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    runtime = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    wanted = {re.split(r"[<>=!~ ]", name, maxsplit=1)[0].lower() for name in re.findall(r'"([^"]+)"', runtime)}
    assert wanted <= pinned, wanted - pinned
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1].strip())
    assert all("--hash=sha256:" in entry for entry in entries if "==" in entry)


def test_data_is_a_volume_and_minutes_are_mounted_at_minutes():
    assert instructions("VOLUME") == ["/data"]
    env = image_env()
    assert env["BESLUTNINGSBOT_DATA_DIR"] == "/data"
    assert env["BESLUTNINGSBOT_MINUTES_DIR"] == "/minutes"
    assert env["BESLUTNINGSBOT_HOST"] == "0.0.0.0"
    assert instructions("EXPOSE") == [env["BESLUTNINGSBOT_PORT"]]


def test_the_command_is_serve_and_the_healthcheck_asks_healthz_with_urllib():
    assert json.loads(final_stage()[-1][1]) == ["beslutningsbot", "serve"] and final_stage()[-1][0] == "CMD"
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2] and "/healthz" in command[2] and "curl" not in command[2]


def test_dockerignore_keeps_secrets_out_and_what_the_image_needs_in():
    patterns = [line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)

    assert all(ignored(name) for name in (".env", ".env.production", ".venv", ".git", "data"))
    assert not any(ignored(name) for name in ("requirements.lock", "pyproject.toml", "README.md", "bot", "handlers", "knowledge"))


def run_healthcheck(port: int) -> subprocess.CompletedProcess:
    # The image's own HEALTHCHECK command, run by this Python instead of the image's.
    command = [sys.executable, *healthcheck_command()[1:]]
    environment = {**os.environ, "BESLUTNINGSBOT_PORT": str(port)}
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=30)


def test_the_healthcheck_passes_against_serve_and_fails_when_it_stops(tmp_path, minutes_dir):
    # The image's CMD and ENV, with /data and /minutes moved to temporary folders and the
    # address kept on loopback.
    port = free_port()
    environment = {**os.environ, **image_env(), "BESLUTNINGSBOT_DATA_DIR": str(tmp_path / "data"),
                   "BESLUTNINGSBOT_MINUTES_DIR": str(minutes_dir), "BESLUTNINGSBOT_HOST": "127.0.0.1",
                   "BESLUTNINGSBOT_PORT": str(port)}
    command = [SCRIPT, "serve"] if SCRIPT else [sys.executable, "-m", "bot", "serve"]
    server = subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while (check := run_healthcheck(port)).returncode != 0:
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, check.stderr
            time.sleep(0.2)
        assert (tmp_path / "data" / "index.json").exists()
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert run_healthcheck(port).returncode != 0


def test_the_healthcheck_fails_on_503(tmp_path):
    class Unavailable(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert run_healthcheck(server.server_address[1]).returncode != 0
    finally:
        server.shutdown()
        server.server_close()


# --- compose and the settings example ---------------------------------------------------------


def parse_simple_yaml(text: str):
    """Block-style YAML of maps, lists of scalars and plain or quoted scalars: enough for
    compose.yaml, and strict, so a construct it does not know fails the test loudly."""
    rows = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.strip():
            rows.append((len(line) - len(line.lstrip()), line.strip()))

    def scalar(value: str):
        value = value.strip()
        if value[:1] in "\"'" and value[-1:] == value[:1]:
            return value[1:-1]
        assert not value.startswith(("{", "[", "&", "*", "|", ">")), f"unsupported YAML: {value}"
        return {"true": True, "false": False}.get(value, value)

    def block(index: int, indent: int):
        if rows[index][1].startswith("- "):
            items = []
            while index < len(rows) and rows[index][0] == indent and rows[index][1].startswith("- "):
                items.append(scalar(rows[index][1][2:]))
                index += 1
            return items, index
        mapping = {}
        while index < len(rows) and rows[index][0] == indent:
            key, _, value = rows[index][1].partition(":")
            assert _ == ":", f"unsupported YAML: {rows[index][1]}"
            index += 1
            if value.strip():
                mapping[key.strip()] = scalar(value)
            elif index < len(rows) and rows[index][0] > indent:
                mapping[key.strip()], index = block(index, rows[index][0])
            else:
                mapping[key.strip()] = None
        return mapping, index

    document, end = block(0, 0)
    assert end == len(rows), f"unparsed YAML from line {rows[end]}"
    return document


@pytest.fixture(scope="module")
def compose() -> dict:
    return parse_simple_yaml((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_builds_from_the_repository_root_with_the_dockerfile(compose):
    (service,) = compose["services"].values()
    assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"


def test_compose_reads_settings_from_the_root_env_file_and_fixes_the_paths(compose):
    (service,) = compose["services"].values()
    assert service["env_file"] == "../.env"
    assert (DEPLOY / service["env_file"]).resolve() == ROOT / ".env"
    assert service["environment"]["BESLUTNINGSBOT_DATA_DIR"] == "/data"
    assert service["environment"]["BESLUTNINGSBOT_MINUTES_DIR"] == "/minutes"


def test_compose_mounts_data_as_a_volume_and_minutes_read_only(compose):
    (service,) = compose["services"].values()
    mounts = {}
    for volume in service["volumes"]:
        source, target, mode = re.fullmatch(r"(\$\{[^}]*\}|[^:]+):([^:]+)(?::(\w+))?", volume).groups()
        mounts[target] = (source, mode)
    assert mounts["/data"] == ("data", None) and "data" in compose["volumes"]
    source, mode = mounts["/minutes"]
    assert mode == "ro" and source.startswith("${BESLUTNINGSBOT_MINUTES_HOST_DIR:-")
    default = re.fullmatch(r"\$\{\w+:-([^}]+)\}", source).group(1)
    assert (DEPLOY / default).resolve() == ROOT / "knowledge" / "samples"
    assert service["ports"] == ["127.0.0.1:3978:3978"]


def env_example() -> dict[str, str]:
    """Every NAME=value line of env.example, commented out or not."""
    found = {}
    for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#?\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_env_example_lists_every_setting_and_the_compose_mount():
    listed = env_example()
    assert set(SETTING_NAMES) <= set(listed)
    assert set(listed) == set(SETTING_NAMES) | {"BESLUTNINGSBOT_MINUTES_HOST_DIR"}


def test_env_example_holds_placeholders_for_secrets_not_values():
    listed = env_example()
    for secret in ("MicrosoftAppPassword", "WEBEX_BOT_TOKEN", "WEBEX_WEBHOOK_SECRET"):
        assert re.fullmatch(r"<[a-z-]+>", listed[secret]), secret
    assert listed["MicrosoftAppType"] == "SingleTenant"


# --- systemd ------------------------------------------------------------------------------------

UNIT = DEPLOY / "beslutningsbot.service"


def unit_directives() -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            directives.setdefault(key.strip(), []).append(value.strip())
    return directives


def test_the_unit_runs_serve_as_its_own_user_with_its_env_file():
    unit = unit_directives()
    assert unit["ExecStart"] == ["/opt/beslutningsbot/.venv/bin/beslutningsbot serve"]
    assert unit["User"] == ["beslutningsbot"]
    assert unit["EnvironmentFile"] == ["/etc/beslutningsbot/env"]
    assert unit["Restart"] == ["on-failure"]
    assert "BESLUTNINGSBOT_DATA_DIR=/var/lib/beslutningsbot" in unit["Environment"]
    assert unit["StateDirectory"] == ["beslutningsbot"]
    assert unit["WantedBy"] == ["multi-user.target"]


def test_the_unit_is_hardened_and_writes_only_its_state_directory():
    unit = unit_directives()
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["ReadWritePaths"] == ["/var/lib/beslutningsbot"]
    for directive in ("ProtectHome", "NoNewPrivileges", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
                      "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID", "LockPersonality"):
        assert unit[directive] == ["yes"], directive
    assert unit["CapabilityBoundingSet"] == [""]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (Debian/Ubuntu: apt-get install systemd)")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path):
    # verify insists that ExecStart exists; point it at a stand-in, leave every other line as it is.
    stand_in = tmp_path / "beslutningsbot"
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    unit = tmp_path / "beslutningsbot.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(
        "ExecStart=/opt/beslutningsbot/.venv/bin/beslutningsbot", f"ExecStart={stand_in}"), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    # verify exits 0 after "…, ignoring" warnings for bad values; those count as failures here.
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_check_container_script_is_executable_bash():
    script = DEPLOY / "check-container.sh"
    assert os.access(script, os.X_OK)
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0


# --- the Teams app package ----------------------------------------------------------------------


def png_pixels(data: bytes) -> tuple[int, int, int, list[tuple[int, ...]]]:
    """(width, height, channels, pixels) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0
    channels = 3 if colour_type == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[x] = (line[x] + nearest[2]) & 0xFF
        rows.append(bytes(line))
        previous = line
    pixels = [tuple(row[x:x + channels]) for row in rows for x in range(0, stride, channels)]
    return width, height, channels, pixels


@pytest.fixture
def package(tmp_path) -> Path:
    return build_package(APP_ID, tmp_path / "out" / "beslutningsbot-teams.zip", valid_domain="beslutningsbot.kommune.dk")


def test_the_package_holds_the_manifest_and_icons_at_its_root(package):
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_the_manifest_has_every_required_field_filled(package):
    with zipfile.ZipFile(package) as archive:
        text = archive.read("manifest.json").decode("utf-8")
    manifest = json.loads(text)
    assert "{{" not in text
    assert manifest["$schema"] == "https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json"
    assert manifest["manifestVersion"] == "1.22"
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert manifest["id"] == APP_ID and re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", manifest["id"])
    assert all(manifest["developer"][key].startswith("https://") for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    assert manifest["developer"]["name"] and len(manifest["developer"]["name"]) <= 32
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", manifest["accentColor"])
    assert manifest["validDomains"] == ["beslutningsbot.kommune.dk"]
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is False


def test_names_and_descriptions_are_danish_and_within_their_lengths(package):
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["name"]["short"] == "Beslutningsbot"
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80 and len(manifest["description"]["full"]) <= 4000
    assert "direktionen" in manifest["description"]["short"]
    assert "Beslutningsbot svarer på" in manifest["description"]["full"]


def test_the_command_lists_offer_the_chat_commands_in_every_scope(package):
    from handlers.conversation import COMMANDS

    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    lists = manifest["bots"][0]["commandLists"]
    assert sorted(scope for command_list in lists for scope in command_list["scopes"]) == ["groupChat", "personal", "team"]
    for command_list in lists:
        titles = [command["title"] for command in command_list["commands"]]
        assert titles == ["hjælp", "abonner", "afmeld", "abonnementer"]
        assert all(title in COMMANDS and not COMMANDS[title].admin for title in titles)
        assert all(len(command["description"]) <= 128 for command in command_list["commands"])


def test_the_icons_have_teams_sizes_and_colour_modes(package):
    with zipfile.ZipFile(package) as archive:
        color = png_pixels(archive.read("color.png"))
        outline = png_pixels(archive.read("outline.png"))
    assert color[:2] == (192, 192) and len(set(color[3])) > 2  # full colour: more than one flat colour
    assert outline[:3] == (32, 32, 4)
    visible = [pixel for pixel in outline[3] if pixel[3] > 0]
    assert visible and len(visible) < len(outline[3])  # a shape on a transparent background
    assert all(pixel[:3] == (255, 255, 255) for pixel in visible)  # white only


def test_the_committed_icons_match_the_rules_the_builder_checks():
    for key, rule in ICONS.items():
        width, height, depth, colour_type = png_header(TEAMS / f"{key}.png")
        assert (width, height, depth) == (rule.width, rule.height, 8) and colour_type in rule.colour_types


@pytest.mark.parametrize("app_id", ["", "not-a-guid", "3f2504e0-4f89-11d3-9a0c-0305e82c330",
                                    "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}", "3f2504e04f8911d39a0c0305e82c3301"])
def test_a_wrong_app_id_is_refused_with_a_clear_message(tmp_path, app_id):
    out = tmp_path / "beslutningsbot-teams.zip"
    with pytest.raises(PackageError, match="is not a GUID like 00000000-0000-0000-0000-000000000000"):
        build_package(app_id, out, valid_domain="beslutningsbot.kommune.dk")
    assert not out.exists()


def test_a_name_too_long_for_teams_is_refused(tmp_path):
    with pytest.raises(PackageError, match=r"name.short is 31 characters; Teams allows at most 30"):
        build_package(APP_ID, tmp_path / "p.zip", "B" * 31, "beslutningsbot.kommune.dk")


def test_a_url_for_the_domain_gives_its_host_and_a_bad_host_is_refused(tmp_path):
    path = build_package(APP_ID, tmp_path / "p.zip", valid_domain="https://Bot.Kommune.dk/api/messages")
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("manifest.json"))["validDomains"] == ["bot.kommune.dk"]
    with pytest.raises(PackageError, match="is not a host name"):
        build_package(APP_ID, tmp_path / "q.zip", valid_domain="not a host")


def test_without_a_domain_the_developer_page_is_needed_and_valid_domains_is_empty(tmp_path):
    with pytest.raises(PackageError, match="--domain"):
        build_package(APP_ID, tmp_path / "p.zip")
    path = build_package(APP_ID, tmp_path / "p.zip", website_url="https://www.kommune.dk/")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["validDomains"] == [] and manifest["developer"]["privacyUrl"] == "https://www.kommune.dk/"


def test_a_broken_icon_is_refused_before_anything_is_written(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(TEAMS, template)
    shutil.copy(TEAMS / "color.png", template / "outline.png")  # 192x192 RGB where 32x32 RGBA belongs
    with pytest.raises(PackageError, match="outline.png is 192x192; Teams needs 32x32"):
        build_package(APP_ID, tmp_path / "p.zip", valid_domain="bot.kommune.dk", template_dir=template)
    assert not (tmp_path / "p.zip").exists()


def test_a_missing_template_says_to_run_from_a_clone(tmp_path):
    with pytest.raises(PackageError, match="run teams-package from a clone"):
        build_package(APP_ID, tmp_path / "p.zip", valid_domain="bot.kommune.dk", template_dir=tmp_path / "none")


def test_the_teams_package_command_exits_2_on_a_bad_app_id(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="beslutningsbot")
    teams_package.add_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "beslutningsbot-teams.zip"

    args = parser.parse_args(["teams-package", "--app-id", "nope", "--domain", "bot.kommune.dk", "--out", str(out)])
    assert args.run(args) == 2
    assert "Teams-pakken kan ikke bygges: the app id 'nope' is not a GUID" in capsys.readouterr().err

    args = parser.parse_args(["teams-package", "--app-id", APP_ID, "--name", "Referatbot", "--domain",
                              "bot.kommune.dk", "--out", str(out)])
    assert args.run(args) == 0
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["name"]["short"] == "Referatbot"
