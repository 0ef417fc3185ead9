"""The test suite, run N times in a row under CPU load, counting crashes (issue 13).

    python bench/suite_under_load.py [--runs 5] [--busy 2] [--timeout 1800] [pytest args ...]

Starts ``--busy`` busy-loop processes (the load a shared laptop or CI machine has), runs
``python -m pytest -p no:cacheprovider -q [pytest args]`` (default: the whole ``tests`` folder)
``--runs`` times with ``PYTHONFAULTHANDLER=1``, then ends the busy loops by their process ids,
also when interrupted. Prints one line per run and the counts: passed runs, failed runs (tests
failed), crashed runs (killed by a signal, ``Fatal Python error``, or no pytest summary line) and
timed-out runs. Each run's output is kept in a temporary folder whose path is printed.

Run it from the repository root with the project's Python (for example ``.venv/bin/python``)."""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUMMARY = re.compile(r"^=*\s*(?:\d+ \w+(?:, )?)+.* in [\d.]+s", re.MULTILINE)
CRASH_MARKS = ("Fatal Python error", "Segmentation fault", "Error calling Python override")


def start_busy(count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_busy(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def classify(code: int | None, output: str) -> str:
    if code is None:
        return "timed out"
    if code < 0 or any(mark in output for mark in CRASH_MARKS) or not SUMMARY.search(output):
        return "crashed"
    return "passed" if code == 0 else "failed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--busy", type=int, default=2, help="busy-loop processes for load")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one run")
    args, pytest_args = parser.parse_known_args(argv)
    pytest_args = pytest_args or ["tests"]
    logs = Path(tempfile.mkdtemp(prefix="ehdesk-suite-under-load-"))
    env = dict(
        os.environ, PYTHONFAULTHANDLER="1", QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen")
    )
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *pytest_args]
    print(f"{args.runs} run(s) of: {' '.join(command)}")
    print(f"under {args.busy} busy loop(s); output kept in {logs}")
    counts = {"passed": 0, "failed": 0, "crashed": 0, "timed out": 0}
    busy = start_busy(args.busy)
    print("busy loops:", " ".join(str(p.pid) for p in busy))
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            log = logs / f"run{run}.log"
            with log.open("w", encoding="utf-8") as out:
                proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
                try:
                    code: int | None = proc.wait(timeout=args.timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                    code = None
            output = log.read_text(encoding="utf-8", errors="replace")
            verdict = classify(code, output)
            counts[verdict] += 1
            found = SUMMARY.findall(output)
            summary = found[-1].strip("= ") if found else "(no summary line)"
            print(
                f"run {run}: {verdict:9} exit {code}  {time.monotonic() - started:6.0f} s  {summary}",
                flush=True,
            )
    finally:
        stop_busy(busy)
    print(
        f"runs: {args.runs}  passed: {counts['passed']}  failed: {counts['failed']}  "
        f"crashed: {counts['crashed']}  timed out: {counts['timed out']}"
    )
    return 0 if counts["crashed"] == counts["timed out"] == 0 and counts["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
