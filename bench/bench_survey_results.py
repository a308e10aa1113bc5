"""How long survey results and kiosk/paper saves take on the demo database (run by hand).

    .venv/bin/python bench/bench_survey_results.py /path/to/demo.db

Prints seconds for fft_summary, phone_ease_summary, question_results of survey 1, and for
saving 200 responses (with a comment each, so feedback is created and tagged), then undoes them.
"""

from __future__ import annotations

import sys
import time

from ppg_desktop.core.db import open_database
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.survey_results import fft_summary, phone_ease_summary, question_results
from ppg_desktop.core.survey_store import SurveyStore


def timed(label: str, work: object) -> None:
    """Run `work` (a no-argument callable) and print how long it took."""
    start = time.perf_counter()
    work()  # type: ignore[operator]
    print(f"{label}: {time.perf_counter() - start:.3f} s")


def main(path: str) -> None:
    """Time the results functions and response saving on one database."""
    db = open_database(path)
    timed("fft_summary (all dates)", lambda: fft_summary(db, None, None))
    timed("phone_ease_summary", lambda: phone_ease_summary(db, None, None))
    timed("question_results(survey 1)", lambda: question_results(db, 1))
    store = SurveyStore(db, "bench")
    survey = store.get(1)
    fft, reason = survey.questions[0].id, survey.questions[1].id
    practice = PracticeStore(db).list()[0].id
    saved: list[int] = []

    def save() -> None:
        for n in range(200):
            answers = {fft: "Poor", reason: f"Waited {n} minutes on the phone to get through"}
            saved.append(store.add_response(1, answers, practice_id=practice).id)

    timed("200 responses with comments (tagged)", save)

    def undo() -> None:
        for response_id in saved:
            store.delete_response(response_id)

    timed("undo them", undo)


if __name__ == "__main__":
    main(sys.argv[1])
