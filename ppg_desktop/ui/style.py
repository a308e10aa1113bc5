"""The look of the app: a calm palette, one font size that scales everything, high contrast.

All font sizes live in the one application style sheet built here, computed from the chosen
scale, so changing the size in Settings re-sizes every open screen at once.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from ppg_desktop.core.settings_store import SettingsStore

FONT_SCALE_KEY = "ui_font_scale"  # percent: 100, 125, 150, 175
HIGH_CONTRAST_KEY = "ui_high_contrast"
FONT_SCALES = (100, 125, 150, 175)
BASE_POINT_SIZE = 10.5

# Calm, high-enough contrast colours (text on these backgrounds passes WCAG AA).
ACCENT = "#1d4f91"
SIDEBAR_BG = "#eef2f7"
HIGHLIGHT_BG = "#ffe58a"


def font_scale(settings: SettingsStore) -> int:
    """The stored font scale in percent (100 when unset or odd)."""
    value = settings.get(FONT_SCALE_KEY, 100)
    return int(value) if value in FONT_SCALES else 100


def high_contrast(settings: SettingsStore) -> bool:
    return bool(settings.get(HIGH_CONTRAST_KEY, False))


def _palette(high: bool) -> QPalette:
    palette = QPalette()
    if high:
        black, white, yellow = QColor("#000000"), QColor("#ffffff"), QColor("#ffff00")
        for role in (
            QPalette.ColorRole.Window,
            QPalette.ColorRole.Base,
            QPalette.ColorRole.Button,
            QPalette.ColorRole.AlternateBase,
        ):
            palette.setColor(role, black)
        for role in (
            QPalette.ColorRole.WindowText,
            QPalette.ColorRole.Text,
            QPalette.ColorRole.ButtonText,
            QPalette.ColorRole.ToolTipText,
        ):
            palette.setColor(role, white)
        palette.setColor(QPalette.ColorRole.ToolTipBase, black)
        palette.setColor(QPalette.ColorRole.Highlight, yellow)
        palette.setColor(QPalette.ColorRole.HighlightedText, black)
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#d0d0d0"))
        palette.setColor(QPalette.ColorRole.Link, yellow)
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#a0a0a0"))
        palette.setColor(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#a0a0a0")
        )
        return palette
    palette.setColor(QPalette.ColorRole.Window, QColor("#f7f8fa"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f1f4f8"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1b1f24"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#1b1f24"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#eef1f5"))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor("#1b1f24"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#5f6873"))
    return palette


def style_sheet(scale: int, high: bool) -> str:
    """The application style sheet: sizes from the scale, a thick focus ring, calm colours."""
    size = BASE_POINT_SIZE * scale / 100

    def pt(factor: float) -> str:
        return f"{size * factor:.1f}pt"

    # Tick boxes grow with the text (Qt keeps them 13px otherwise: hard to see and hit at 150%).
    box = round(16 * scale / 100)
    focus = "#ffff00" if high else "#e07b00"
    sidebar_bg = "#000000" if high else SIDEBAR_BG
    sidebar_fg = "#ffffff" if high else "#1b1f24"
    selected_bg = "#ffff00" if high else ACCENT
    selected_fg = "#000000" if high else "#ffffff"
    tile_bg = "#000000" if high else "#ffffff"
    tile_border = "#ffffff" if high else "#c9d1dc"
    muted = "#e0e0e0" if high else "#4a5360"
    error = "#ff8080" if high else "#b00020"
    # In high contrast every field needs a visible edge, and check boxes a visible box (filled
    # when ticked), or they vanish into the black background.
    edges = (
        """
QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QDateEdit, QSpinBox, QListWidget,
QTableView { border: 1px solid #ffffff; }
QGroupBox { border: 1px solid #ffffff; margin-top: 1.5em; padding-top: 0.3em; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
QCheckBox::indicator { border: 2px solid #ffffff; background: #000000; }
QCheckBox::indicator:checked { background: #ffff00; border: 2px solid #ffff00; }
QPushButton { border: 2px solid #ffffff; border-radius: 4px; }
QPushButton:disabled { border: 1px dashed #a0a0a0; }
QPushButton::menu-indicator { subcontrol-position: right center; right: 4px; }
"""
        if high
        else ""
    )
    return (
        edges
        + f"""
* {{ font-size: {pt(1)}; }}
QLabel[role="title"] {{ font-size: {pt(1.6)}; font-weight: 600; }}
QLabel[role="heading"] {{ font-size: {pt(1.2)}; font-weight: 600; }}
QLabel[role="muted"] {{ color: {muted}; }}
QLabel[role="error"] {{ color: {error}; font-weight: 600; }}
QLabel[role="kpi-value"] {{ font-size: {pt(1.7)}; font-weight: 600; }}
QLabel[role="kpi-label"] {{ font-weight: 600; }}
QListWidget#sidebar {{ background: {sidebar_bg}; color: {sidebar_fg}; border: none;
    font-size: {pt(1.15)}; padding-top: 8px; }}
QListWidget#sidebar::item {{ padding: 10px 14px; }}
QListWidget#sidebar::item:selected {{ background: {selected_bg}; color: {selected_fg}; }}
QFrame[role="tile"] {{ background: {tile_bg}; border: 1px solid {tile_border};
    border-radius: 6px; }}
QFrame[role="tile"]:focus {{ border: 3px solid {focus}; }}
QFrame[role="undo-bar"] {{ background: {"#000000" if high else "#fff4cf"};
    border: 1px solid {"#ffffff" if high else "#d8b64c"}; border-radius: 4px; }}
QPushButton[role="chip"] {{ border: 1px solid {tile_border}; border-radius: 12px;
    padding: 3px 10px; }}
QPushButton[role="chip"][state="accepted"] {{ background: {"#ffff00" if high else "#d7ecd9"};
    color: #000000; border: 2px solid {"#ffffff" if high else "#2e7d32"}; }}
QPushButton[role="chip"][state="rejected"] {{ color: {muted}; text-decoration: line-through; }}
QPushButton, QToolButton {{ padding: 4px 12px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: {box}px; height: {box}px; }}
QPushButton[role="menu-button"] {{ padding-right: {box + 14}px; }}
QPushButton:focus, QToolButton:focus, QComboBox:focus, QLineEdit:focus, QDateEdit:focus,
QTextEdit:focus, QPlainTextEdit:focus, QCheckBox:focus, QListWidget:focus, QTableView:focus,
QSpinBox:focus {{ border: 3px solid {focus}; }}
"""
    )


def apply_style(app: QApplication, settings: SettingsStore) -> None:
    """Apply the stored font size and contrast to the whole running app."""
    scale, high = font_scale(settings), high_contrast(settings)
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None and app.style().name().lower() != "fusion":
        app.setStyle(fusion)
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * scale / 100)
    app.setFont(font)
    app.setPalette(_palette(high))
    app.setStyleSheet(style_sheet(scale, high))


def set_role(widget: object, role: str) -> None:
    """Tag a widget for the style sheet (title, heading, muted, error, tile...)."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
