"""`beslutningsbot bench --flood`: the bench runs through the real server and reports every
flood post answered 401 or 413. Its figures are printed, never asserted."""

from __future__ import annotations

import re

from tools.flood_bench import run_flood


async def test_the_flood_bench_answers_every_post_with_401_or_413_and_reports_the_webex_question():
    lines = await run_flood(posts=2, size=300 * 1024, rounds=1, service_latency=0.0)
    answered = [line for line in lines if line.strip().startswith("answered")]
    assert len(answered) == 4
    for line in answered:
        counts = dict((status, int(count)) for count, status in re.findall(r"(\d+)x (\d+)", line))
        assert set(counts) <= {"401", "413"} and sum(counts.values()) == 2, line
    assert sum("Webex question meanwhile" in line for line in lines) == 4
