"""A guard against a reference-counting bug in PySide6 6.12 on Python 3.11.

Every call from Python to a Qt method that returns `void` (widget.update(), setEnabled(...),
layout.setGeometry(...)) takes one reference away from `None` without having added it. On Python
3.12+ `None` is immortal and nothing happens; on 3.11 its count falls with every call until the
interpreter aborts with "Fatal Python error: none_dealloc" after a few tens of thousands of calls
(minutes of normal use). `None` must never be freed anyway, so we give it a reference count no
session can use up, which is what Python 3.12 does for it by design.
"""

from __future__ import annotations

import ctypes
import sys

# About 10**15 void calls before trouble: far beyond any session.
_HEADROOM = 1 << 50


def protect_none() -> None:
    """Make `None` effectively immortal on interpreters where it is not (CPython < 3.12)."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    if hasattr(sys, "gettotalrefcount"):  # a debug build: the count is not the first field
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < _HEADROOM:
        refcount.value += _HEADROOM


protect_none()
