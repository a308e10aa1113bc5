"""Where the app's files live: bundled resources and the per-user data folder."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "ppg-desk"


def resources_dir() -> Path:
    """The shipped `resources/` folder, in a source checkout or inside a PyInstaller bundle."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        return Path(bundle_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def user_data_dir() -> Path:
    """The per-user folder for the database, drafts and backups (created on demand)."""
    path = platformdirs.user_data_path(APP_DIR_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The embedded default database used when no `--db` is given."""
    return user_data_dir() / "ppg-desk.db"
