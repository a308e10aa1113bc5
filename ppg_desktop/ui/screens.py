"""The registry of screens in the sidebar: a colleague adds a screen by appending one entry.

The main window (and the self-test, and the screenshot script) are built from `SCREENS`, so a
screen listed here is shown, visited by `--self-test` and photographed without further wiring.
Factories import their module lazily so start-up only loads the screen that is shown first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from ppg_desktop.ui.context import AppContext


@dataclass(frozen=True)
class ScreenSpec:
    """One sidebar entry: a key, the title people see, how to build it and who may see it."""

    key: str
    title: str
    factory: Callable[[AppContext], QWidget]
    permission: str | None = None  # e.g. "chair": only chairs see it; None: everyone


def lazy(module: str, attribute: str) -> Callable[[AppContext], QWidget]:
    """A factory that imports `ppg_desktop.ui.<module>` only when the screen is first opened."""

    def build(ctx: AppContext) -> QWidget:
        widget_class = getattr(importlib.import_module(f"ppg_desktop.ui.{module}"), attribute)
        return widget_class(ctx)

    return build


SCREENS: list[ScreenSpec] = [
    ScreenSpec(
        "dashboard", "Dashboard", lazy("dashboard_screen", "DashboardScreen"), "view_all_feedback"
    ),
    ScreenSpec(
        "feedback", "Feedback", lazy("feedback_screen", "FeedbackScreen"), "view_all_feedback"
    ),
    ScreenSpec("settings", "Settings", lazy("settings_screen", "SettingsScreen"), "settings"),
    ScreenSpec("actions", "Actions", lazy("actions_screen", "ActionsScreen"), "chair"),
    ScreenSpec("meetings", "Meetings", lazy("meetings_screen", "MeetingsScreen"), "chair"),
    ScreenSpec("reports", "Reports", lazy("reports_screen", "ReportsScreen"), "reports"),
    ScreenSpec("surveys", "Surveys", lazy("surveys_screen", "SurveysScreen")),
    ScreenSpec("today", "Entered today", lazy("today_screen", "TodayScreen"), "view_own_feedback"),
    ScreenSpec("audit", "Audit log", lazy("audit_screen", "AuditScreen"), "chair"),
    ScreenSpec("privacy", "Privacy and security", lazy("privacy_screen", "PrivacyScreen"), "chair"),
    ScreenSpec("themes", "Themes", lazy("themes_screen", "ThemesScreen"), "chair"),
]


def allowed(spec: ScreenSpec, ctx: AppContext) -> bool:
    """Whether the person signed in may see this screen."""
    return ctx.can(spec.permission)


def visible_screens(ctx: AppContext) -> list[ScreenSpec]:
    """The screens this person sees, in sidebar order (Settings stays last)."""
    shown = [spec for spec in SCREENS if allowed(spec, ctx)]
    return sorted(shown, key=lambda spec: spec.key == "settings")
