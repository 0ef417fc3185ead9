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
# One environment for both commands, so switching between them never reinstalls.
EXTRAS = "dev,package"

# The libraries Qt's xcb platform plugin (the window system on most Linux desktops) needs beyond
# a stock install, by file name, with the package that provides each on Debian/Ubuntu and Fedora.
XCB_PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"ehdesk needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print(f"Installing ehdesk[{extras}] into .venv (the first run takes a few minutes) ...", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    # Not quiet: pip names each package and shows its download, so a long install visibly moves.
    subprocess.run(
        [str(PY), "-m", "pip", "install", "--progress-bar", "on", "-e", f".[{extras}]"], cwd=ROOT, check=True
    )
    STAMP.write_text(wanted)
    print("Installed.", flush=True)


def os_family(os_release: str) -> str:
    """ "debian" (Debian, Ubuntu, Mint …), "fedora" (Fedora, RHEL, Rocky …) or "" from /etc/os-release."""
    fields = {}
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        fields[key.strip()] = value.strip().strip('"').lower()
    names = {fields.get("ID", "")} | set(fields.get("ID_LIKE", "").split())
    if names & {"debian", "ubuntu"}:
        return "debian"
    if names & {"fedora", "rhel", "centos"}:
        return "fedora"
    return ""


def missing_libraries(ldd_output: str) -> list[str]:
    """The file names ldd reports as "not found"."""
    return sorted({line.split("=>")[0].strip() for line in ldd_output.splitlines() if "not found" in line})


def install_command(family: str, missing: list[str]) -> str:
    """The exact command that installs the packages providing ``missing`` on this OS."""
    column = {"debian": 0, "fedora": 1}.get(family)
    if column is None:
        return ""
    packages = sorted({XCB_PACKAGES[name][column] for name in missing if name in XCB_PACKAGES})
    if not packages:
        return ""
    tool = "apt-get install" if family == "debian" else "dnf install"
    return f"sudo {tool} {' '.join(packages)}"


def check_qt_platform() -> str | None:
    """On Linux with an X display, check the Qt xcb plugin's libraries before starting, so a
    missing one is named with its install command instead of Qt failing after a long wait.
    Returns the message to show, or None when all is well (or the check does not apply)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return None
    plugins = list(VENV.glob("lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so"))
    if not plugins:
        return None
    try:
        found = subprocess.run(["ldd", str(plugins[0])], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None  # no ldd here: let Qt speak for itself
    missing = missing_libraries(found.stdout)
    if not missing:
        return None
    try:
        release = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        release = ""
    command = install_command(os_family(release), missing)
    lines = [
        "ehdesk cannot open a window yet: Qt needs these system libraries, which are missing:",
        *(f"  {name}" for name in missing),
    ]
    if command:
        lines += ["Install them with:", f"  {command}", "then run 'python3 dev.py app' again."]
    else:
        lines += ["Install the packages that provide them with your system's package manager (see README)."]
    return "\n".join(lines)


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command == "app":
        ensure_environment(EXTRAS)
        problem = check_qt_platform()
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return subprocess.call([str(BIN / "ehdesk"), "--demo", *sys.argv[2:]], cwd=ROOT)
    if command == "test":
        ensure_environment(EXTRAS)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        return subprocess.call([str(PY), "-m", "pytest", *sys.argv[2:]], cwd=ROOT, env=env)
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main())
