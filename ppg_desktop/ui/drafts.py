"""Drafts of the feedback form, written to disk every few seconds so a crash loses nothing.

A draft is a small JSON file in the user data folder. It is removed when the feedback is saved
or deliberately discarded; one left behind means the app stopped unexpectedly, and it is offered
back at the next start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ppg_desktop.paths import user_data_dir

DRAFT_NAME = "feedback-form.json"


def drafts_dir() -> Path:
    path = user_data_dir() / "drafts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def draft_path() -> Path:
    return drafts_dir() / DRAFT_NAME


def save_draft(state: dict[str, Any]) -> None:
    """Write the draft atomically (a half-written file would be worse than none)."""
    target = draft_path()
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, target)


def load_draft() -> dict[str, Any] | None:
    """The draft left behind, if there is a readable one with some text in it."""
    path = draft_path()
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not str(state.get("text", "")).strip():
        return None
    return state


def discard_draft() -> None:
    draft_path().unlink(missing_ok=True)
