"""The PySide6 desktop app: thin screens over ppg_desktop.core."""

from ppg_desktop.ui import qt_fixes as _qt_fixes  # noqa: F401  (must run before Qt is used much)
