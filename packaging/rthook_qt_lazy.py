"""Run-time hook that replaces PyInstaller's ``pyi_rth_pyside6`` (the spec drops that one).

PyInstaller's hook imports PySide6.QtCore at every start to register a ``qt.conf``, which costs
about 0.2 s even for ``ehdesk --version`` and the headless commands that never touch Qt. This
one sets the same environment at once (plugin path, DLL/dylib search path) and registers the
``qt.conf`` right after PySide6.QtCore is first imported, using PyInstaller's own helper."""

import os
import sys


def _install() -> None:
    import importlib.abc
    import importlib.util

    from _pyi_rth_utils import is_macos_app_bundle, prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    windows = sys.platform.startswith("win")
    qt_path = (
        os.path.join(sys._MEIPASS, "PySide6") if windows else os.path.join(sys._MEIPASS, "PySide6", "Qt")
    )
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_path, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_path, "qml")
    if windows:
        prepend_path_to_environment_variable(sys._MEIPASS, "PATH")
    if sys.platform == "darwin" and not is_macos_app_bundle:
        prepend_path_to_environment_variable(sys._MEIPASS, "DYLD_LIBRARY_PATH")

    class AfterQtCore(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)  # once only; find the real module with the other finders
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_then_register(module):
                exec_module(module)
                qt_rth_utils.create_embedded_qt_conf("PySide6", qt_path)

            spec.loader.exec_module = exec_then_register
            return spec

    sys.meta_path.insert(0, AfterQtCore())


_install()
del _install
