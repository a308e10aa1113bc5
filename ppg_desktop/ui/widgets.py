"""Small widgets shared by several screens: a wrapping layout for chips, labelled fields."""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QDateEdit, QLabel, QLayout, QLayoutItem, QSizePolicy, QWidget

from ppg_desktop.ui.style import set_role


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping onto new lines (for theme chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in rows inside `rect`; return the height used."""
        x, y, row_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden widget takes no room (and no gap)
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() and row_height > 0:
                x, y = rect.x(), y + row_height + self._spacing
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y()


def error_label(accessible: str) -> QLabel:
    """A label under a field that shows what is wrong with it (hidden while all is well)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(f"{accessible}: problem")
    set_role(label, "error")
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    """Show a problem next to its field; the ⚠ sign means it is never colour alone."""
    label.setText(f"⚠ {message}" if message else "")
    label.setVisible(bool(message))


def heading(text: str, role: str = "heading") -> QLabel:
    """A heading label styled by the app style sheet (so it scales with the font setting)."""
    label = QLabel(text)
    set_role(label, role)
    label.setWordWrap(True)
    return label


class DateField(QDateEdit):
    """A dd/mm/yyyy date box where Tab goes to the next field, as in every other box.

    A plain QDateEdit spends Tab on its day, month and year first, so a volunteer pressing Tab
    to move on, then an arrow key, silently changes the year. Here the arrow keys Left and Right
    (or typing the digits) move between day, month and year.
    """

    def __init__(self, day: QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(day if day is not None else QDate.currentDate(), parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)
