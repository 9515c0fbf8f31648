"""The layout holds: imports run one way (tools -> bot -> handlers -> knowledge), and the
channel libraries stay in the layer that translates channels.

Every module is parsed with `ast`, so an import hidden inside a function counts as much as
one at the top of the file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tools", "bot", "handlers", "knowledge")

# What each package may not import, and why. Nothing installed imports `tests`: the tests
# are not shipped, and what a tool shares with them lives in `tools` (payloads, hostile).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "tools": ("tests",),
    # The operator's tools sit on top; the running bot never depends on them (the CLI reaches
    # them through the `beslutningsbot.commands` entry point).
    "bot": ("tools", "tests"),
    # The conversation is channel-neutral: it does not know the bot that carries it.
    "handlers": ("tools", "bot", "tests"),
    # The minutes know nothing of the conversation or the channels.
    "knowledge": ("tools", "bot", "handlers", "tests"),
}
# Channel libraries and the web server, with the packages allowed to import them (tools
# play the channels' counterparts in benches and stand-ins; tests are not checked).
CONFINED: dict[str, tuple[str, ...]] = {
    "botbuilder": ("bot", "tools"),
    "botframework": ("bot", "tools"),
    "aiohttp.web": ("bot", "tools"),
}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_names(path: Path) -> list[tuple[int, str]]:
    """Every absolute module name `path` imports, with its line, including `from x import y`
    as both `x` and `x.y` (so `from aiohttp import web` counts as `aiohttp.web`)."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append((node.lineno, node.module))
            names.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return names


def within(name: str, top: str) -> bool:
    return name == top or name.startswith(top + ".")


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_every_package_has_modules_to_check():
    # Guards the test itself: a moved package must not make the checks below pass vacuously.
    for package in PACKAGES:
        assert len(modules(package)) > 1, package


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_run_one_way_tools_bot_handlers_knowledge(package):
    wrong = [
        f"{where(path, line)} imports {name}"
        for path in modules(package)
        for line, name in imported_names(path)
        if any(within(name, top) for top in FORBIDDEN[package])
    ]
    assert wrong == []


@pytest.mark.parametrize("library", sorted(CONFINED))
def test_channel_libraries_and_the_web_server_stay_in_the_bot(library):
    allowed = CONFINED[library]
    wrong = [
        f"{where(path, line)} imports {name}"
        for package in PACKAGES
        if package not in allowed
        for path in modules(package)
        for line, name in imported_names(path)
        if within(name, library)
    ]
    assert wrong == []


# Each channel's own package; only it, and the server that sets the channels up, may know it.
CHANNEL_PACKAGES = ("bot.teams", "bot.webex")
SETS_UP_CHANNELS = ("bot/server.py",)
# The names channels give their messages (`Incoming.channel`).
CHANNEL_NAMES = {"msteams", "webex"}


def test_a_channels_package_is_known_only_to_itself_and_the_server_that_sets_it_up():
    # Delivery and the digests find a channel in the registered `handlers.channels.Channels`;
    # before, delivery imported both channels and picked one by string.
    wrong = [
        f"{where(path, line)} imports {name}"
        for path in modules("bot")
        if str(path.relative_to(ROOT)) not in SETS_UP_CHANNELS
        for line, name in imported_names(path)
        for package in CHANNEL_PACKAGES
        if within(name, package) and not path.is_relative_to(ROOT / package.replace(".", "/"))
    ]
    assert wrong == []


def test_the_handlers_name_no_channel():
    # What fits a channel and how it sends are registered by the channel (`handlers.channels`),
    # so nothing in the conversation needs to tell one channel from another.
    wrong = [
        f"{where(path, node.lineno)} names {node.value!r}"
        for path in modules("handlers")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in CHANNEL_NAMES
    ]
    assert wrong == []


# --- sizes ---------------------------------------------------------------------------------------

# Past these a module holds more than one concept and a function more than one step, and a
# reader has to scroll to follow it (issue 15). Lines are counted as the file has them,
# docstrings and comments included; a function from its `def` to its last line.
MODULE_LINES = 400
FUNCTION_LINES = 60


def offenders() -> dict[str, int]:
    """Every module over MODULE_LINES and function over FUNCTION_LINES, with its length."""
    found: dict[str, int] = {}
    for package in PACKAGES:
        for path in modules(package):
            text = path.read_text(encoding="utf-8")
            name = str(path.relative_to(ROOT))
            if len(text.splitlines()) > MODULE_LINES:
                found[name] = len(text.splitlines())
            for node in ast.walk(ast.parse(text, filename=name)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > FUNCTION_LINES:
                        found[f"{name}:{node.name}"] = length
    return found


def test_no_module_over_400_lines_and_no_function_over_60():
    assert offenders() == {}
