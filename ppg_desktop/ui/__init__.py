"""The PySide6 desktop app: thin screens over ppg_desktop.core."""
