"""dev.py, the quick-start script: one environment for app and tests, and on Linux a check of the
libraries Qt needs to open a window, with the exact install command for the OS."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dev)

# What ldd printed for PySide6's libqxcb.so on a stock Debian 12 without the xcb utilities.
LDD_STOCK_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffd8d5f2000)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0c2a400000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0c2a3d0000)
\tlibxcb-icccm.so.4 => not found
"""


def test_the_missing_libraries_are_named_with_the_debian_install_command():
    missing = dev.missing_libraries(LDD_STOCK_DEBIAN)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    family = dev.os_family('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
    assert dev.install_command(family, missing) == (
        "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
    )


def test_ubuntu_uses_apt_and_fedora_uses_dnf_with_its_own_package_names():
    missing = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0"]
    assert dev.os_family("ID=ubuntu\nID_LIKE=debian\n") == "debian"
    assert dev.install_command(dev.os_family("ID=fedora\n"), missing) == (
        "sudo dnf install libxkbcommon-x11 xcb-util-cursor xcb-util-wm"
    )
    assert dev.install_command(dev.os_family("ID=arch\n"), missing) == ""  # no guess for others


def test_app_and_test_share_one_environment():
    source = (ROOT / "dev.py").read_text(encoding="utf-8")
    assert source.count("ensure_environment(EXTRAS)") == 2
    assert "package" in dev.EXTRAS and "dev" in dev.EXTRAS
