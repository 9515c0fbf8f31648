"""`beslutningsbot bench`: search quality and speed, printed as figures.

Quality is the share of a question file answered right (by the modes of
`tools.evaluate`), over the sample minutes alone and again with synthetic minutes
mixed in. Speed and memory are measured in a fresh child process that only loads the
stored index and answers questions, so the figures are those of a serving process, not
of the process that just built the index.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.paths import SAMPLES_DIR
from knowledge.question import parse_question
from tools import evaluate, synthetic

DEFAULT_QUESTIONS = evaluate.DEFAULT_QUESTIONS


def _quality(index: Index, questions: list[dict]) -> tuple[int, list[str]]:
    checks = evaluate.run(index, questions)
    wrong = [f"{c.question.get('id', '?')} {c.question['q']!r} -> {c.got[:3]}" for c in checks if not c.ok]
    return sum(c.ok for c in checks), wrong


def measure(store: str, questions_path: str, queries: int) -> None:
    """Child process: load time, memory, quality and latency of one stored index, as JSON."""
    started = time.perf_counter()
    index = Index.open(Path(store))
    index.answer("opvarmning")  # builds the lazy tables a first real question would
    load = time.perf_counter() - started
    loaded_mb = _status_mb("VmRSS")
    questions = evaluate.load(Path(questions_path))
    right, wrong = _quality(index, questions)
    texts = [q["q"] for q in questions]
    latencies = []
    for number in range(queries):
        began = time.perf_counter()
        index.answer(texts[number % len(texts)])
        latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "load_s": load, "rss_mb": rss_mb, "loaded_mb": loaded_mb, "right": right, "wrong": wrong,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "items": len(index.items),
    }))


# A frame phrase repeated a thousand times (23,000 characters): the question parser's patterns
# must stay about linear on it, not backtrack for seconds.
LONG_QUESTION = "på mødet i direktionen " * 1000


def parsing_figures(texts: list[str], rounds: int = 50) -> tuple[float, float]:
    """Microseconds to parse one of `texts` (the mean over `rounds` passes), and milliseconds to
    parse LONG_QUESTION: the question parser alone, without the search."""
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            parse_question(text)
    per_question = (time.perf_counter() - started) / (rounds * len(texts)) * 1e6
    started = time.perf_counter()
    parse_question(LONG_QUESTION)
    return per_question, (time.perf_counter() - started) * 1000


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM peak), in MB;
    0 where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def index_in_child(sources: list[str], store: str) -> None:
    """Child process: index `sources` into `store`; items, seconds and peak memory as JSON.
    Indexing runs apart from the bench so its peak is its own, not the bench's."""
    started = time.perf_counter()
    report = build_index([Path(source) for source in sources], Path(store))
    seconds = time.perf_counter() - started
    peak = _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"items": report.items, "seconds": seconds, "peak_mb": peak}))


def _index_child(sources: list[Path], store: Path) -> dict:
    code = (f"from tools.bench import index_in_child; "
            f"index_in_child({[str(source) for source in sources]!r}, {str(store)!r})")
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def _child(store: Path, questions: Path, queries: int) -> dict:
    code = f"from tools.bench import measure; measure({str(store)!r}, {str(questions)!r}, {queries})"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def _print_run(label: str, figures: dict, total: int) -> None:
    print(f"{label}: {figures['items']} items")
    print(f"  right:        {figures['right']}/{total} ({100 * figures['right'] / total:.1f} %)")
    for line in figures["wrong"]:
        print(f"    wrong: {line}")
    print(f"  load:         {figures['load_s']:.2f} s")
    print(f"  memory (RSS): {figures['loaded_mb']:.0f} MB loaded, {figures['rss_mb']:.0f} MB peak while serving")
    print(f"  query ms:     p50 {figures['p50']:.2f}  p95 {figures['p95']:.2f}  p99 {figures['p99']:.2f}")


def calibrate(index: Index, paths: list[Path]) -> None:
    """Coverage of the first hit for each question: the data behind MIN_COVERAGE."""
    for path in paths:
        for question in evaluate.load(path):
            result = index.answer(question["q"])
            right = "right" if evaluate.check(index, question).ok else "WRONG"
            print(f"{result.coverage:.2f} {question['mode']:12s} {result.kind:8s} {right:5s} {question['q']}")


def run_bench(args: argparse.Namespace) -> int:
    questions_path = args.questions or DEFAULT_QUESTIONS
    questions = evaluate.load(questions_path)
    with tempfile.TemporaryDirectory(prefix="beslutningsbot-bench-") as folder:
        work = Path(folder)
        minutes = getattr(args, "minutes", None) or SAMPLES_DIR
        store = work / "samples" / "index.json"
        build_index([minutes], store)
        if args.calibrate:
            extra = [questions_path, DEFAULT_QUESTIONS.parent / "questions_heldout.jsonl",
                     DEFAULT_QUESTIONS.parent / "calibration_none.jsonl"]
            calibrate(Index.open(store), [p for p in extra if p.exists()])
            return 0
        print(f"questions: {questions_path} ({len(questions)})")
        per_question, long_ms = parsing_figures([q["q"] for q in questions])
        print(f"question parsing: {per_question:.0f} µs per question, {long_ms:.0f} ms for a "
              f"{len(LONG_QUESTION):,}-character question")
        label = "samples" if minutes == SAMPLES_DIR else str(minutes)
        _print_run(label, _child(store, questions_path, args.queries), len(questions))
        if args.synthetic <= 0 or minutes != SAMPLES_DIR:
            return 0
        texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES_DIR.glob("*.txt"))]
        synthetic_dir = work / "synthetic"
        started = time.perf_counter()
        written = synthetic.write(synthetic_dir, args.synthetic, texts, before=date(2024, 3, 1))
        generated = time.perf_counter() - started
        big = work / "big" / "index.json"
        print(f"synthetic: {written} items in {generated:.1f} s (written as {written // synthetic.ITEMS_PER_MEETING} files)")
        indexed = _index_child([SAMPLES_DIR, synthetic_dir], big)
        seconds = indexed["seconds"]
        print(f"indexing:  {indexed['items']} items in {seconds:.1f} s = {indexed['items'] / seconds:.0f} items/s, "
              f"peak memory {indexed['peak_mb']:.0f} MB (child process)")
        if getattr(args, "reindex", False):
            again = _index_child([SAMPLES_DIR, synthetic_dir], big)
            print(f"reindex (every file unchanged): {again['items']} items in {again['seconds']:.1f} s = "
                  f"{again['items'] / again['seconds']:.0f} items/s, peak memory {again['peak_mb']:.0f} MB (child process)")
        files = sorted(p for p in big.parent.iterdir() if p.is_file())
        size = sum(p.stat().st_size for p in files) / 1e6
        parts = ", ".join(f"{p.name.split('.')[-1]} {p.stat().st_size / 1e6:.0f} MB" for p in files if p.stat().st_size > 1e6)
        print(f"index on disk: {size:.0f} MB ({parts})")
        _print_run(f"samples + {written} synthetic", _child(big, questions_path, args.queries), len(questions))
    return 0
