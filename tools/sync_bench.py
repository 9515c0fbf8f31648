"""`beslutningsbot bench --sync N`: a sync of N meetings from a stand-in portal, in figures.

The stand-in (tools/portal_standin.py) serves N meetings made from the real Greve ones in
its own thread, answering each call after `latency` seconds, at most `parallel` at a time,
as a real portal's server does. The sync runs with its ordinary limits (a few requests at a
time, a bounded rate). The figures say how close the first run comes to the pace the
portal and the limits allow, and how long a second run, which fetches nothing, takes.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from pathlib import Path

from aiohttp import web

from knowledge.sync import SyncLimits, sync_portal
from tools.portal_standin import PortalStandIn, load_meetings, multiply

DEFAULT_SOURCE = Path(__file__).resolve().parent.parent / "tests" / "data" / "greve-portal-json-2022"


class _Served:
    """The stand-in portal on 127.0.0.1 in a thread of its own, so its work is not the bot's."""

    def __init__(self, standin: PortalStandIn) -> None:
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(standin.app())
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def run_sync_bench(args: argparse.Namespace) -> int:
    source = Path(args.sync_source or DEFAULT_SOURCE)
    real = load_meetings(source)
    if not real:
        print(f"no portal JSON in {source}")
        return 2
    meetings = multiply(real, args.sync)
    standin = PortalStandIn(meetings, latency=args.sync_latency, parallel=args.sync_parallel)
    limits = SyncLimits(per_second=args.sync_rate)
    served = _Served(standin)
    try:
        with tempfile.TemporaryDirectory() as folder:
            minutes, store = Path(folder) / "minutes", Path(folder) / "data" / "index.json"
            started = time.monotonic()
            first = asyncio.run(sync_portal(served.url, minutes, store, limits=limits))
            first_total = time.monotonic() - started
            started = time.monotonic()
            second = asyncio.run(sync_portal(served.url, minutes, store, limits=limits))
            second_total = time.monotonic() - started
    finally:
        served.close()
    calls = first.fetch.requests
    # The fastest the first fetch can be: each call takes `latency` on the portal, with at
    # most min(our concurrency, its parallelism) in flight, and no faster than our rate
    # (whose bucket lets the first second's calls go at once).
    in_flight = min(limits.concurrency, args.sync_parallel)
    bound = max(calls * args.sync_latency / in_flight, (calls - limits.per_second) / limits.per_second)
    print(f"meetings on the portal   {len(meetings)} (from {len(real)} real ones)")
    print(f"portal pacing            {args.sync_latency * 1000:.0f} ms a call, {args.sync_parallel} at a time; "
          f"sync: {limits.concurrency} at a time, at most {limits.per_second:g} calls/s")
    print(f"first sync               {first_total:.1f} s: fetch {first.fetch.seconds:.1f} s "
          f"({calls} calls, {first.fetch.fetched} meetings), index {first.index.seconds:.1f} s "
          f"({first.index.meetings} meetings, {first.index.items} items)")
    print(f"pacing bound of fetch    {bound:.1f} s (fetch / bound = {first.fetch.seconds / bound:.2f})")
    print(f"second sync              {second_total:.2f} s: {second.fetch.requests} calls, "
          f"{second.fetch.fetched} meetings fetched, index {'rebuilt' if second.index else 'untouched'}")
    return 0


def add_arguments(bench: argparse.ArgumentParser) -> None:
    bench.add_argument("--sync", type=int, default=0, metavar="N",
                       help="instead: sync N meetings from a stand-in portal, twice")
    bench.add_argument("--sync-latency", type=float, default=0.1, help="stand-in portal: seconds per call")
    bench.add_argument("--sync-parallel", type=int, default=4, help="stand-in portal: calls served at a time")
    bench.add_argument("--sync-rate", type=float, default=SyncLimits.per_second, help="sync: calls per second at most")
    bench.add_argument("--sync-source", type=Path, default=None, help="folder of real portal JSON to multiply")
