"""Kiosk mode: patients answer a survey themselves on the waiting-room laptop or tablet.

Full screen, large text and touch targets, one question per page with Back / Next and progress,
skip logic, a privacy notice first and a thank-you page last. After a minute with nobody touching
it, the kiosk goes back to the start and a half-finished response is thrown away. There are no
menus and Esc, Alt+F4 and closing the window do nothing: only a chair's PIN (the small "Staff"
button) lets anyone out. The kiosk writes survey responses and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlite_utils
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.auth import pin_matches
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.skip_logic import visible_for_collected
from ppg_desktop.core.survey_models import Question, is_blank, normalise_answer
from ppg_desktop.core.survey_store import SurveyStore
from ppg_desktop.core.user_store import UserStore

IDLE_MS = 60_000
THANK_YOU_MS = 10_000
MAX_PIN_TRIES = 5
PIN_LOCKOUT_MS = 60_000
SHORT_ANSWER_CHARS = 24  # longer answers get a whole row each
PRIVACY_NOTICE = (
    "This survey is anonymous. We do not ask for your name, and please do not write your name "
    "or anyone else's in your answers.\n\n"
    "We collect only your answers and the date. They are stored on this computer by the "
    "Patient Participation Group (PPG), a group of volunteer patients, and are seen only by PPG "
    "members. We share totals and anonymous comments with the practice to help improve its "
    "services.\n\n"
    "You can skip any question that is not marked as needing an answer, and stop at any time: "
    "if you walk away, your unfinished answers are deleted after a minute."
)
KIOSK_STYLE = """
QWidget#kiosk { background: #f4f7fb; }
QLabel { font-size: 22pt; color: #1b1f24; }
QLabel#question { font-size: 30pt; font-weight: 600; }
QLabel#help, QLabel#progressText { font-size: 18pt; color: #4a5360; }
QLabel#error { font-size: 20pt; color: #b00020; font-weight: 600; }
QPushButton { font-size: 22pt; min-height: 72px; padding: 8px 24px; border-radius: 10px;
    border: 2px solid #7a8699; background: #ffffff; }
QPushButton:checked { background: #005eb8; color: #ffffff; border: 3px solid #003d78; }
QPushButton:focus { border: 4px solid #e07b00; }
QPushButton#primary { background: #007f3b; color: #ffffff; border: none; }
QPushButton#staff { font-size: 11pt; min-height: 28px; padding: 2px 10px; color: #4a5360;
    border: 1px solid #c9d1dc; background: transparent; }
QLineEdit, QPlainTextEdit { font-size: 24pt; min-height: 64px; border: 2px solid #7a8699;
    border-radius: 8px; background: #ffffff; }
QProgressBar { min-height: 18px; max-height: 18px; border-radius: 9px; background: #dde3ea; }
QProgressBar::chunk { background: #005eb8; border-radius: 9px; }
"""


def verify_chair_pin(db: sqlite_utils.Database, pin: str) -> bool:
    """True when `pin` is the PIN of an active chair (argon2, checked by core.auth)."""
    if not pin:
        return False
    users = UserStore(db)
    return any(
        pin_matches(users.pin_hash(user.id), pin)
        for user in users.list(active_only=True)
        if user.role == "chair"
    )


def chair_pin_is_set(db: sqlite_utils.Database) -> bool:
    """Whether any active chair has a PIN (without one, nobody could leave the kiosk)."""
    return any(u.role == "chair" and u.has_pin for u in UserStore(db).list(active_only=True))


class AnswerInput(QWidget):
    """The answer area of one question page: big buttons for choices, a box for the rest."""

    changed = Signal()

    def __init__(self, question: Question, value: Any) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__()
        self.question = question
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QPushButton] = []
        self.editor: QLineEdit | QPlainTextEdit | None = None
        choices = question.choices()
        if choices:
            group = QButtonGroup(self)
            group.setExclusive(question.kind != "multi")
            # Scales in one row; long lists of short answers in two columns so they fit
            # without scrolling. Long answers ("I was asked to use an automated call-back")
            # stay in one column: side by side they ran off the right of the screen.
            scale = question.kind in ("scale5", "scale10")
            short = max(len(option) for option in choices) <= SHORT_ANSWER_CHARS
            columns = len(choices) if scale else (2 if len(choices) > 4 and short else 1)
            grid = QGridLayout()
            grid.setSpacing(12)
            picked = set(value) if isinstance(value, (list, tuple)) else {value}
            for number, option in enumerate(choices):
                button = QPushButton(option)
                button.setCheckable(True)
                button.setChecked(option in picked)
                button.setAccessibleName(option)
                group.addButton(button)
                button.toggled.connect(lambda _on: self.changed.emit())
                self.buttons.append(button)
                grid.addWidget(button, number // columns, number % columns)
            layout.addLayout(grid)
        elif question.kind == "text":
            editor = QPlainTextEdit(str(value or ""))
            editor.setPlaceholderText("Type your answer here (optional details only, no names)")
            editor.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
            editor.setMinimumHeight(220)
            editor.textChanged.connect(self.changed.emit)
            self.editor = editor
            layout.addWidget(editor)
        else:
            line = QLineEdit(str(value or ""))
            line.setPlaceholderText("dd/mm/yyyy" if question.kind == "date" else "Type a number")
            line.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
            line.textChanged.connect(lambda _text: self.changed.emit())
            self.editor = line
            layout.addWidget(line)
            layout.addLayout(self._keypad(line, "/" if question.kind == "date" else "."))
        layout.addStretch(1)

    def _keypad(self, line: QLineEdit, extra: str) -> QGridLayout:
        """Big on-screen keys, so numbers and dates can be entered on a touch screen."""
        pad = QGridLayout()
        pad.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        for number, key in enumerate([*"123456789", extra, "0", "⌫"]):
            button = QPushButton(key)
            button.setAccessibleName("Delete" if key == "⌫" else key)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if key == "⌫":
                button.clicked.connect(line.backspace)
            else:
                button.clicked.connect(lambda _=False, k=key: line.insert(k))
            self.keys[key] = button
            pad.addWidget(button, number // 6, number % 6)
        return pad

    def value(self) -> Any:
        """What the person has chosen or typed (a list for multiple choice)."""
        if self.buttons:
            picked = [b.text() for b in self.buttons if b.isChecked()]
            if self.question.kind == "multi":
                return picked
            return picked[0] if picked else None
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text() if self.editor else None


class KioskWindow(QWidget):
    """A locked, full-screen survey for patients. Build it, then call `start()`."""

    response_saved = Signal(int)
    exited = Signal()

    def __init__(
        self,
        db: sqlite_utils.Database,
        survey_id: int,
        practice_id: int,
        *,
        idle_ms: int = IDLE_MS,
        thank_you_ms: int = THANK_YOU_MS,
        pin_checker: Callable[[str], bool] | None = None,
        pin_lockout_ms: int = PIN_LOCKOUT_MS,
    ) -> None:
        """Build the widget (see the class docstring)."""
        super().__init__(
            None,
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint,
        )
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(KIOSK_STYLE)
        self.setWindowTitle("Survey")
        self.store = SurveyStore(db, actor="kiosk")
        self.survey = self.store.get(survey_id)
        self.practice_id = practice_id
        self._check_pin = pin_checker or (lambda pin: verify_chair_pin(db, pin))
        self._unlocked = False
        self._pin_failures = 0
        self._pin_lockout_ms = pin_lockout_ms
        self.answers: dict[int, Any] = {}
        self.current: Question | None = None
        self.input: AnswerInput | None = None

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(idle_ms)
        self.idle_timer.timeout.connect(self.reset)
        self.thank_you_timer = QTimer(self)
        self.thank_you_timer.setSingleShot(True)
        self.thank_you_timer.setInterval(thank_you_ms)
        self.thank_you_timer.timeout.connect(self.reset)

        self.pages = QStackedWidget()
        self.privacy_page = self._privacy_page()
        self.question_page = QWidget()
        self.question_layout = QVBoxLayout(self.question_page)
        self.question_layout.setContentsMargins(0, 0, 0, 0)
        self.thanks_page = self._message_page(
            "Thank you",
            "Thank you for your answers. They help the practice improve.",
            "Finish",
            self.reset,
        )
        self.pin_page = self._pin_page()
        for page in (self.privacy_page, self.question_page, self.thanks_page, self.pin_page):
            self.pages.addWidget(page)

        self.staff_button = QPushButton("Staff")
        self.staff_button.setObjectName("staff")
        self.staff_button.setAccessibleName("Staff: leave the kiosk with a chair's PIN")
        self.staff_button.clicked.connect(self.show_pin_page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 30, 60, 20)
        outer.addWidget(self.pages, 1)
        corner = QHBoxLayout()
        corner.addStretch(1)
        corner.addWidget(self.staff_button)
        outer.addLayout(corner)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # --- pages --------------------------------------------------------------------------------
    def _privacy_page(self) -> QWidget:
        """The first page: the survey's title and what happens to the answers."""
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel(self.survey.title)
        title.setObjectName("question")
        title.setWordWrap(True)
        layout.addWidget(title)
        notice = QLabel(PRIVACY_NOTICE)
        notice.setWordWrap(True)
        notice.setObjectName("help")
        layout.addWidget(notice)
        layout.addStretch(1)
        self.start_button = QPushButton("Start the survey")
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.begin)
        layout.addWidget(self.start_button)
        return page

    def _message_page(
        self, heading: str, text: str, button_text: str, action: Callable[[], None]
    ) -> QWidget:
        """A centred page with a heading, a message and one button."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel(heading)
        title.setObjectName("question")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel(text)
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = QPushButton(button_text)
        button.setObjectName("primary")
        button.clicked.connect(action)
        for widget in (title, body, button):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.finish_button = button
        return page

    def _pin_page(self) -> QWidget:
        """The staff page: a chair's PIN leaves the kiosk."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        label = QLabel("Staff only: enter a chair's PIN to leave the kiosk.")
        label.setWordWrap(True)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAccessibleName("Chair's PIN")
        self.pin_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.pin_edit.returnPressed.connect(self.try_unlock)
        self.pin_error = QLabel("")
        self.pin_error.setObjectName("error")
        buttons = QHBoxLayout()
        self.pin_cancel = QPushButton("Back to the survey")
        self.pin_cancel.clicked.connect(self.reset)
        self.pin_ok = QPushButton("Leave kiosk")
        self.pin_ok.setObjectName("primary")
        self.pin_ok.clicked.connect(self.try_unlock)
        buttons.addWidget(self.pin_cancel)
        buttons.addWidget(self.pin_ok)
        for widget in (label, self.pin_edit, self.pin_error):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_question_page(self, question: Question) -> None:
        """Fill the question page: progress, wording, help, answers, Back/Next."""
        while self.question_layout.count():
            item = self.question_layout.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        shown = self.visible()
        number = shown.index(question) + 1
        content = QWidget()
        layout = QVBoxLayout(content)
        self.progress_text = QLabel(f"Question {number} of {len(shown)}")
        self.progress_text.setObjectName("progressText")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setRange(0, len(shown))
        self.progress.setValue(number - 1)
        text = QLabel(question.text + ("" if question.required else "  (optional)"))
        text.setObjectName("question")
        text.setWordWrap(True)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.progress)
        layout.addWidget(text)
        if question.help_text:
            help_label = QLabel(question.help_text)
            help_label.setObjectName("help")
            help_label.setWordWrap(True)
            layout.addWidget(help_label)
        self.input = AnswerInput(question, self.answers.get(question.id))
        self.input.changed.connect(self._remember)
        layout.addWidget(self.input, 1)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Never sideways: the question wraps to the screen's width instead of running off it.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        self.question_layout.addWidget(scroll, 1)
        nav = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.go_back)
        last = shown[-1] == question
        self.next_button = QPushButton("Send my answers" if last else "Next")
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(self.go_next)
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        holder = QWidget()
        holder.setLayout(nav)
        self.question_layout.addWidget(holder)

    # --- flow ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Show the kiosk full screen at the privacy notice."""
        self.reset()
        # Cover the whole screen even where no window manager honours 'full screen'
        # (without this the kiosk opened as a small box with the notice overlapping its title).
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()

    def visible(self) -> list[Question]:
        """The questions shown for the answers given so far (skip logic)."""
        return visible_for_collected(self.survey.questions, self.answers)

    def reset(self) -> None:
        """Back to the privacy notice; anything half-answered is thrown away."""
        self.answers.clear()
        self.current = None
        self.pin_edit.clear()
        self.pin_error.clear()
        self.thank_you_timer.stop()
        self.pages.setCurrentWidget(self.privacy_page)
        self.idle_timer.start()

    def begin(self) -> None:
        """Leave the privacy notice for the first question."""
        shown = self.visible()
        if shown:
            self._show(shown[0])

    def _show(self, question: Question) -> None:
        """Show one question's page."""
        self.current = question
        self._build_question_page(question)
        self.pages.setCurrentWidget(self.question_page)

    def _remember(self) -> None:
        """Keep the current page's answer (so Back and skip logic see it)."""
        if self.current is not None and self.input is not None:
            self.answers[self.current.id] = self.input.value()

    def go_next(self) -> None:
        """Check this answer, then show the next question shown by skip logic, or finish."""
        if self.current is None:
            return
        self._remember()
        value = self.answers.get(self.current.id)
        if is_blank(value):
            if self.current.required:
                self.error.setText("Please answer this question to go on.")
                return
        else:
            try:
                normalise_answer(self.current, value)
            except ValidationError as exc:
                self.error.setText(exc.message)
                return
        later = [q for q in self.visible() if q.position > self.current.position]
        if later:
            self._show(later[0])
        else:
            self.submit()

    def go_back(self) -> None:
        """The previous shown question, or the privacy notice from the first one."""
        if self.current is None:
            return
        self._remember()
        earlier = [q for q in self.visible() if q.position < self.current.position]
        if earlier:
            self._show(earlier[-1])
        else:
            self.current = None
            self.pages.setCurrentWidget(self.privacy_page)

    def submit(self) -> None:
        """Store the response and thank the patient."""
        try:
            response = self.store.add_response(
                self.survey.id, self.answers, practice_id=self.practice_id, mode="kiosk"
            )
        except ValidationError as exc:
            self.error.setText(f"{exc.field}: {exc.message}")
            return
        self.answers.clear()
        self.current = None
        self.pages.setCurrentWidget(self.thanks_page)
        self.thank_you_timer.start()
        self.response_saved.emit(response.id)

    # --- locking ------------------------------------------------------------------------------
    def show_pin_page(self) -> None:
        """Ask for a chair's PIN (what was being answered is thrown away)."""
        self.answers.clear()
        self.current = None
        self.pin_edit.clear()
        self.pin_error.clear()
        self.pages.setCurrentWidget(self.pin_page)
        self.pin_edit.setFocus()

    def try_unlock(self) -> None:
        """Leave the kiosk if the PIN is a chair's; otherwise say so."""
        if self._check_pin(self.pin_edit.text()):
            self._unlocked = True
            self.idle_timer.stop()
            self.thank_you_timer.stop()
            self.close()
            self.exited.emit()
        else:
            self.pin_edit.clear()
            self._pin_failures += 1
            if self._pin_failures >= MAX_PIN_TRIES:
                # A brake on guessing: a patient cannot try every 4-digit PIN in turn.
                self._pin_failures = 0
                self.pin_edit.setEnabled(False)
                self.pin_ok.setEnabled(False)
                self.pin_error.setText("Too many wrong PINs. Wait a minute and try again.")
                QTimer.singleShot(self._pin_lockout_ms, self._end_pin_lockout)
            else:
                self.pin_error.setText("That PIN is not right. Ask the PPG chair.")

    def _end_pin_lockout(self) -> None:
        """Allow PIN entry again after the pause."""
        self.pin_edit.setEnabled(True)
        self.pin_ok.setEnabled(True)
        self.pin_error.clear()

    @property
    def unlocked(self) -> bool:
        """True once a chair's PIN has been entered (the kiosk may then close)."""
        return self._unlocked

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing (Alt+F4, the window manager) is refused until a chair's PIN is given."""
        if self._unlocked:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc and other window keys do nothing here."""
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Any touch, click or key inside the kiosk restarts the idle clock; block Esc/Alt+F4."""
        if isinstance(watched, QWidget) and (watched is self or self.isAncestorOf(watched)):
            kind = event.type()
            if (
                kind
                in (
                    QEvent.Type.MouseButtonPress,
                    QEvent.Type.KeyPress,
                    QEvent.Type.TouchBegin,
                    QEvent.Type.Wheel,
                )
                and self.pages.currentWidget() is not self.thanks_page
            ):
                self.idle_timer.start()
            if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                alt_f4 = (
                    event.key() == Qt.Key.Key_F4
                    and event.modifiers() & Qt.KeyboardModifier.AltModifier
                )
                if event.key() == Qt.Key.Key_Escape or alt_f4:
                    return True
            if kind == QEvent.Type.ContextMenu:
                return True
        return False


def kiosk_self_check(db: sqlite_utils.Database) -> list[str]:
    """For `--self-test`: draw every kind of kiosk page for the first survey; list problems.

    Saves nothing: it only shows the pages, then leaves through the PIN path.
    """
    surveys = SurveyStore(db).list()
    practices = [p.id for p in PracticeStore(db).list()]
    if not surveys or not practices:
        return []
    kiosk = KioskWindow(db, surveys[0].id, practices[0], pin_checker=lambda pin: pin == "ok")
    kiosk.resize(1366, 768)
    kiosk.show()
    kiosk.reset()
    problems = []
    pages = [
        ("privacy notice", kiosk.begin),
        ("first question", kiosk.show_pin_page),
        ("PIN page", lambda: kiosk.pages.setCurrentWidget(kiosk.thanks_page)),
        ("thank-you page", lambda: None),
    ]
    for name, then in pages:
        QApplication.processEvents()
        picture = kiosk.grab()
        if picture.isNull() or picture.width() == 0:
            problems.append(f"kiosk {name} drew nothing")
        then()
    kiosk.pin_edit.setText("ok")
    kiosk.try_unlock()
    if kiosk.isVisible():
        problems.append("kiosk did not close after the PIN")
    kiosk.deleteLater()
    return problems
