"""The operator's subcommands of `beslutningsbot`: bench, loadtest, teams-package and
webex-register.

`bot.cli` loads `add_parsers` through the `beslutningsbot.commands` entry point (see
pyproject.toml), so the command line stays one program while the running bot imports none
of its tools.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tools import loadtest, sync_bench, teams_package, webex_register


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Add the tools' subcommands to the command line's `commands`."""
    bench = commands.add_parser("bench", help="measure search quality and speed")
    bench.add_argument("--questions", type=Path, default=None, help="question file (default: tests/data/questions.jsonl)")
    bench.add_argument("--minutes", type=Path, default=None,
                       help="minutes to index and ask (default: the bundled samples; no synthetic run then)")
    bench.add_argument("--synthetic", type=int, default=100_000, help="synthetic items mixed in (0: none)")
    bench.add_argument("--queries", type=int, default=2000, help="timed queries for the latency figures")
    bench.add_argument("--reindex", action="store_true",
                       help="also time a second index run over the same synthetic files (every file unchanged)")
    bench.add_argument("--calibrate", action="store_true", help="print the coverage of first hits (threshold data)")
    bench.add_argument("--digest", type=int, default=0, metavar="N",
                       help="instead: send a digest to N subscribers through a local Teams connector")
    bench.add_argument("--state", type=int, default=0, metavar="N",
                       help="instead: time the state store's writes with N subscriptions, and a question beside audit traffic")
    bench.add_argument("--flood", type=int, default=0, metavar="N",
                       help="instead: N concurrent 1 MB unauthenticated Teams posts beside a Webex question")
    bench.add_argument("--service-latency", type=float, default=0.02,
                       help="with --flood: seconds the Webex API stand-in takes per call")
    sync_bench.add_arguments(bench)
    bench.set_defaults(run=cmd_bench)

    teams_package.add_parser(commands)
    webex_register.add_parser(commands)
    loadtest.add_parser(commands)


def cmd_bench(args: argparse.Namespace) -> int:
    if args.state:
        from tools.state_bench import run_state_bench

        return run_state_bench(args.state)
    if args.flood:
        from tools.flood_bench import run_flood_bench

        return run_flood_bench(args.flood, args.service_latency)
    if args.sync:
        from tools.sync_bench import run_sync_bench

        return run_sync_bench(args)
    if args.digest:
        from tools.digest_bench import run_digest_bench

        return run_digest_bench(args.digest)
    from tools.bench import run_bench

    return run_bench(args)
