"""Counts in plain words for the screens (the same rule as the core's messages)."""

from ppg_desktop.core.wording import counted

__all__ = ["counted"]
