"""The filter bar of the Feedback screen: search, period (with presets), practice, theme, kind,
status and sentiment. It only builds a FeedbackFilter; the screen does the searching."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.models import (
    KIND_LABELS,
    SENTIMENT_LABELS,
    STATUS_LABELS,
    FeedbackFilter,
)
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.widgets import DateField, FlowLayout

SEARCH_DELAY_MS = 300
ANY_DATE = "any"
CUSTOM = "custom"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class FeedbackFilterBar(QWidget):
    """Emits `changed` (debounced for typing) whenever the filter changes."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._quiet = False
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the comments (Ctrl+F)…")
        self.search.setAccessibleName("Search the comments")
        self.search.setClearButtonEnabled(True)
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        self.period.addItem("Any date", ANY_DATE)
        from ppg_desktop.core.periods import PRESETS

        for key, label in PRESETS.items():
            if key != "all_time":
                self.period.addItem(label, key)
        self.period.addItem("Choose dates…", CUSTOM)
        today = QDate.currentDate()
        self.date_from = DateField(today.addMonths(-1))
        self.date_to = DateField(today)
        for edit, name in ((self.date_from, "From date"), (self.date_to, "To date")):
            edit.setAccessibleName(name)
            edit.setEnabled(False)
        self.practice = self._combo("Practice", "All practices")
        self.theme = self._combo("Theme", "All themes")
        self.refresh_choices()
        self.kind = self._combo("Kind", "All kinds")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.status = self._combo("Status", "Any status")
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.sentiment = self._combo("Sentiment", "Any sentiment")
        for key, label in SENTIMENT_LABELS.items():
            self.sentiment.addItem(label, key)
        self.sentiment.addItem("Not known", "unknown")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear all filters")
        self.period_note = QLabel()  # what a preset means today: "Since the meeting on …"
        self.period_note.setProperty("role", "muted")
        self.period_note.setAccessibleName("The period chosen")
        self.period_meaning = ""

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.period, 1)
        self.from_label, self.to_label = QLabel("from"), QLabel("to")
        self.from_label.setBuddy(self.date_from)
        self.to_label.setBuddy(self.date_to)
        for date_part in (self.from_label, self.date_from, self.to_label, self.date_to):
            top.addWidget(date_part)
        chips = QWidget()
        flow = FlowLayout(chips, spacing=8)
        for widget in (
            self.period_note,
            self.practice,
            self.theme,
            self.kind,
            self.status,
            self.sentiment,
            self.clear_button,
        ):
            flow.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(chips)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.period.currentIndexChanged.connect(self._period_changed)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._emit)
        for combo in (self.practice, self.theme, self.kind, self.status, self.sentiment):
            combo.currentIndexChanged.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)
        self._period_changed()

    def refresh_choices(self) -> None:
        """Fill the practice and theme lists again (after one is added, renamed or archived),
        keeping what was chosen."""
        self._quiet = True
        for combo, entries in (
            (
                self.practice,
                [
                    (p.name + ("" if p.active else " (closed)"), p.id)
                    for p in PracticeStore(self.ctx.db).list()
                ],
            ),
            (self.theme, [(t.name, t.slug) for t in ThemeStore(self.ctx.db).list()]),
        ):
            chosen = combo.currentData()
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in entries:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
        self._quiet = False

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.addItem(everything, None)
        return combo

    def _emit(self, *_: object) -> None:
        if not self._quiet:
            self.changed.emit()

    def _period_changed(self, *_: object) -> None:
        key = self.period.currentData()
        custom = key == CUSTOM
        for widget in (self.from_label, self.date_from, self.to_label, self.date_to):
            widget.setVisible(key != ANY_DATE)  # no dates on show that are not in use
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        self._apply_preset()
        self._emit()

    def _apply_preset(self) -> bool:
        """Put the chosen preset's dates (as of today) in the date boxes; True if they moved."""
        key = self.period.currentData()
        self.period_meaning = ""
        if key not in (ANY_DATE, CUSTOM):
            from ppg_desktop.core.periods import preset_period

            period = preset_period(str(key), self.ctx.db)
            if period.label != self.period.currentText():
                self.period_meaning = period.label  # e.g. "Since the meeting on 10/11/2026"
            start, end = _qdate(period.start), _qdate(period.end)
            moved = (start, end) != (self.date_from.date(), self.date_to.date())
            self._quiet = True
            self.date_from.setDate(start)
            self.date_to.setDate(end)
            self._quiet = False
        else:
            moved = False
        self.period_note.setText(self.period_meaning)
        self.period_note.setVisible(bool(self.period_meaning))
        return moved

    def refresh_period(self) -> None:
        """Work the preset out again (a meeting was recorded, or the day has changed) and
        search again if its dates moved."""
        if self._apply_preset():
            self._emit()

    # --- the filter ------------------------------------------------------------------------------
    def current_filter(self) -> FeedbackFilter:
        """The FeedbackFilter the bar shows now."""
        flt = FeedbackFilter(text=self.search.text().strip())
        if self.period.currentData() != ANY_DATE:
            flt.date_from = _pydate(self.date_from.date())
            flt.date_to = _pydate(self.date_to.date())
        for combo, attribute in (
            (self.practice, "practice_ids"),
            (self.theme, "theme_slugs"),
            (self.kind, "kinds"),
            (self.status, "statuses"),
            (self.sentiment, "sentiments"),
        ):
            value = combo.currentData()
            if value is not None:
                setattr(flt, attribute, [value])
        return flt

    def set_filter(self, flt: FeedbackFilter) -> None:
        """Show a filter chosen elsewhere (a dashboard click); emits `changed` once."""
        self._quiet = True
        self.search.blockSignals(True)
        self.search.setText(flt.text)
        self.search.blockSignals(False)
        if flt.date_from or flt.date_to:
            self.period.setCurrentIndex(self.period.findData(CUSTOM))
            self.date_from.setDate(_qdate(flt.date_from or dt.date(2000, 1, 1)))
            self.date_to.setDate(_qdate(flt.date_to or dt.date.today()))
        else:
            self.period.setCurrentIndex(0)
        for combo, values in (
            (self.practice, flt.practice_ids),
            (self.theme, flt.theme_slugs),
            (self.kind, flt.kinds),
            (self.status, flt.statuses),
            (self.sentiment, flt.sentiments),
        ):
            index = combo.findData(values[0]) if values else 0
            combo.setCurrentIndex(max(index, 0))
        self._quiet = False
        self.changed.emit()

    def clear(self) -> None:
        self.set_filter(FeedbackFilter())

    def describe(self) -> str:
        """The active filters in plain words, e.g. 'Complaint · Riverside Surgery · 01/10/2026
        to 31/10/2026 · matching “phone”' ('All feedback' when nothing narrows the list)."""
        flt = self.current_filter()
        parts = [
            combo.currentText()
            for combo in (self.kind, self.practice, self.theme, self.status, self.sentiment)
            if combo.currentIndex() > 0
        ]
        if flt.date_from and flt.date_to:
            dates = f"{uk_date(flt.date_from)} to {uk_date(flt.date_to)}"
            if self.period.currentData() not in (ANY_DATE, CUSTOM):
                dates = f"{self.period_meaning or self.period.currentText()} ({dates})"
            parts.append(dates)
        if flt.text:
            parts.append(f"matching “{flt.text}”")
        return " · ".join(parts) if parts else "All feedback"
