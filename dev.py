#!/usr/bin/env python3
"""The two quick-start commands, on any machine with Python 3.11+ and nothing else:

    python3 dev.py app     installs what is needed into .venv and opens ehdesk on a demo profile
    python3 dev.py test    installs what is needed into .venv and runs the whole test suite

Extra arguments after ``test`` go to pytest. Installs only when pyproject.toml changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ehdesk-installed"


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"ehdesk needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print(f"Installing ehdesk[{extras}] into .venv (first run takes a few minutes) ...", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"], cwd=ROOT, check=True)
    STAMP.write_text(wanted)


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command == "app":
        ensure_environment("dev")
        return subprocess.call([str(BIN / "ehdesk"), "--demo", *sys.argv[2:]], cwd=ROOT)
    if command == "test":
        ensure_environment("dev,package")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        return subprocess.call([str(PY), "-m", "pytest", *sys.argv[2:]], cwd=ROOT, env=env)
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main())
