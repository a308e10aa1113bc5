"""The story the demo PPG's data tells: its practices, people, months and trends.

A chair opening the demo should find things worth spotting, so the plan puts them there: a central
phone hub opens about six months in at some practices and phone complaints surge there for four
months before easing; cancellations spike one winter; a new online form brings a rise in online
complaints; compliments stay steady. `DemoPlan` holds those dates and the weights that
`core/demo.py` draws from.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field

from ppg_desktop.core.demo_wording import TOPICS

GROUP_NAMES = (
    "Riverside Health Group",
    "Millbrook and District Medical Group",
    "Northgate Surgeries",
    "Vale Park Medical Partnership",
    "Kingsmead Health Group",
)
PRACTICE_NAMES = (
    "Riverside Medical Centre",
    "Mill Lane Surgery",
    "Castle View Health Centre",
    "Orchard Street Practice",
    "Brookfield Surgery",
    "Hollybank Medical Practice",
    "St Anne's Road Surgery",
    "Westfield Health Centre",
)
CHAIR_NAMES = ("Margaret Ellison", "David Okonkwo", "Pauline Rees", "Graham Whitby")
VOLUNTEER_NAMES = (
    "Sue Hartley",
    "Anil Mehta",
    "Janet Crowther",
    "Peter Blackwood",
    "Fatima Begum",
    "Colin Marsh",
    "Rosa Delgado",
    "Brian Tulley",
    "Heather Nwosu",
)

HUB_MONTH = 6
# Phone complaints at hub practices, relative to before the hub, by months since it opened.
HUB_SURGE = (3.4, 4.2, 3.6, 2.6, 1.6, 1.15)
HUB_AFTER = 0.85
FORM_DELAY = 4  # months after the hub that the new online form launches
FORM_SURGE = (3.0, 3.6, 2.6, 1.6)
FORM_AFTER = 1.1
WINTER_CANCELLATIONS = 3.2
SHOULDER_CANCELLATIONS = 1.5

# How often each topic comes up in an ordinary month at an average practice.
BASE_WEIGHTS: dict[str, float] = {
    "phone": 14.0,
    "phone_hub": 0.0,
    "appointments": 13.0,
    "cancellations": 4.0,
    "online": 5.0,
    "online_form": 0.0,
    "prescriptions": 7.0,
    "reception_rude": 4.5,
    "reception_kind": 5.0,
    "clinical_good": 7.0,
    "clinical_poor": 4.0,
    "results": 3.5,
    "referrals": 2.5,
    "waiting_room": 4.0,
    "continuity": 3.0,
    "communication": 3.5,
    "premises": 2.5,
    "records": 2.5,
    "compliment": 8.0,
    "suggestion": 3.5,
}
assert set(BASE_WEIGHTS) == set(TOPICS)

SEASON = {
    1: 1.12,
    2: 1.08,
    3: 1.04,
    4: 0.95,
    5: 1.0,
    6: 0.97,
    7: 0.86,
    8: 0.8,
    9: 1.0,
    10: 1.05,
    11: 1.08,
    12: 1.1,
}


@dataclass(frozen=True)
class DemoPractice:
    """A fictional practice: its name, a code in the ODS format, and how busy it is."""

    name: str
    ods_code: str
    size: float
    on_hub: bool


@dataclass
class DemoPlan:
    """Everything decided before a single comment is written."""

    today: dt.date
    ppg_name: str
    practices: list[DemoPractice]
    chair: str
    volunteers: list[str]
    months: list[dt.date]
    month_volume: list[float]
    winter: list[int]
    form_month: int
    weights: dict[tuple[int, int, str], float] = field(default_factory=dict)

    @property
    def start(self) -> dt.date:
        return self.months[0]

    def month_days(self, index: int) -> tuple[dt.date, dt.date]:
        """First and last day of month `index` that fall in the demo period."""
        first = self.months[index]
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return first, min(last, self.today)

    def hub_factor(self, month: int) -> float:
        """Phone complaints at a hub practice in `month`, relative to before the hub opened."""
        since = month - HUB_MONTH
        if since < 0:
            return 1.0
        return HUB_SURGE[since] if since < len(HUB_SURGE) else HUB_AFTER

    def form_factor(self, month: int) -> float:
        since = month - self.form_month
        if since < 0:
            return 0.0
        return FORM_SURGE[since] if since < len(FORM_SURGE) else FORM_AFTER

    def peak_months(self) -> list[int]:
        """The months when phone trouble at the hub practices was at its worst."""
        return [HUB_MONTH + 1, HUB_MONTH + 2]


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _latest_full_winter(months: list[dt.date]) -> list[int]:
    """Indexes of the most recent December-February wholly inside the period."""
    for i in range(len(months) - 3, -1, -1):
        if months[i].month == 12:
            return [i, i + 1, i + 2]
    return [i for i, m in enumerate(months) if m.month in (12, 1, 2)][:3]


def _ods_code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = f"{rng.choice('BCDFHJKLMNPY')}{rng.randint(10000, 99999)}"
        if code not in taken:
            taken.add(code)
            return code


def make_plan(rng: random.Random, today: dt.date) -> DemoPlan:
    """Draw the PPG, its practices and people, and the weight of every month x practice x topic."""
    group = rng.choice(GROUP_NAMES)
    count = rng.randint(3, 5)
    names = rng.sample(PRACTICE_NAMES, count)
    hub_count = {3: 2, 4: rng.randint(2, 3), 5: 3}[count]
    codes: set[str] = set()
    practices = [
        DemoPractice(
            name, _ods_code(rng, codes), round(rng.uniform(0.55, 1.45), 2), index < hub_count
        )
        for index, name in enumerate(names)
    ]
    months = _months_back(today, 18)
    volume = []
    for index, month in enumerate(months):
        growth = 0.85 + 0.25 * index / (len(months) - 1)  # the PPG gets better known
        first = month
        last_day = calendar.monthrange(first.year, first.month)[1]
        covered = min(today, first.replace(day=last_day)).day / last_day
        volume.append(SEASON[month.month] * growth * rng.uniform(0.88, 1.12) * covered)
    plan = DemoPlan(
        today=today,
        ppg_name=f"{group} PPG",
        practices=practices,
        chair=rng.choice(CHAIR_NAMES),
        volunteers=rng.sample(VOLUNTEER_NAMES, rng.randint(4, 6)),
        months=months,
        month_volume=volume,
        winter=_latest_full_winter(months),
        form_month=HUB_MONTH + FORM_DELAY,
    )
    _fill_weights(plan)
    return plan


def _fill_weights(plan: DemoPlan) -> None:
    """The expected share of comments in each month x practice x topic cell."""
    shoulders = {plan.winter[0] - 1, plan.winter[-1] + 1}
    for m, volume in enumerate(plan.month_volume):
        for p, practice in enumerate(plan.practices):
            for topic, base in BASE_WEIGHTS.items():
                weight = base
                if topic in ("phone", "phone_hub") and practice.on_hub and m >= HUB_MONTH:
                    surge = plan.hub_factor(m) * BASE_WEIGHTS["phone"]
                    hub_share = 0.7 if m < HUB_MONTH + 4 else 0.35
                    weight = surge * (hub_share if topic == "phone_hub" else 1 - hub_share)
                elif topic == "online_form":
                    weight = BASE_WEIGHTS["online"] * plan.form_factor(m)
                elif topic == "cancellations" and m in plan.winter:
                    weight = base * WINTER_CANCELLATIONS
                elif topic == "cancellations" and m in shoulders:
                    weight = base * SHOULDER_CANCELLATIONS
                if weight > 0:
                    plan.weights[(m, p, topic)] = weight * volume * practice.size


def fft_positive_share(plan: DemoPlan, month: int, practice: DemoPractice) -> float:
    """The chance an FFT answer is Very good or Good: it dips where the hub trouble bites."""
    base = 0.86 + 0.02 * (month / len(plan.months))
    if practice.on_hub and month >= HUB_MONTH:
        base -= 0.075 * (plan.hub_factor(month) - 1)
    return max(0.4, min(0.95, base))


def phone_easy_share(plan: DemoPlan, month: int, practice: DemoPractice) -> float:
    """The chance someone finds phoning easy: low at hub practices, recovering as fixes land."""
    if not practice.on_hub:
        return 0.55
    return max(0.18, min(0.6, 0.62 - 0.12 * (plan.hub_factor(month) - 0.85)))
