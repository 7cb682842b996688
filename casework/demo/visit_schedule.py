"""When and where the demo year's NPM visits take place, of which type, and who goes.

Some visits are fixed by cases the demo already has: an NPM finding was registered a few days
after the visit that found it, and a reprisal reported at a check-in followed the visit where
the person was interviewed. The rest spread over the year by month, to every kind of place,
each place a few times at most and never twice within a month; a follow-up visit returns to a
place visited months before. Nobody is on two visits on the same day.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.accounts.models import User
from casework.cases.models import Case, CaseKind, Channel
from casework.demo import visit_data
from casework.demo.cases import Office, Story, pick, working_day_on_or_before
from casework.reference.models import Facility
from casework.visits.models import NpmParticipant, VisitType

YEAR_DAYS = 364  # visits start within the last year
MAX_PER_FACILITY = 4  # a few times a year at most
FIXED_PER_FACILITY = 3  # of them, fixed by the cases at most: an older finding stays unlinked
MIN_GAP_DAYS = 30  # between two visits to one place (not counting the ones cases fix)
FOLLOW_UP_AFTER_DAYS = 60  # a follow-up comes back at least this long after a visit
FUTURE_SHARE, CANCELLED_SHARE = 0.035, 0.02
FINDING_WITHIN_DAYS = 10  # an NPM finding is registered within days of its visit
REPRISAL_AFTER_DAYS = (16, 75)  # a reprisal reported this long after the visit ended
TEAM_SIZES = {2: 35, 3: 40, 4: 25}
BUSY_DAY = 6  # visits on one day from which teams go out in pairs
PARTICIPANT_COUNTS = {0: 40, 1: 40, 2: 20}


@dataclass(eq=False)
class Slot:
    """A visit to make: where, when and why; type and team are added once all are placed."""

    facility: Facility
    starts_on: date
    ends_on: date
    is_cancelled: bool = False
    findings: list[Story] = field(default_factory=list)  # NPM findings it led to
    reprisal: Story | None = None  # a reprisal reported after it
    type: VisitType = VisitType.PLANNED
    previous: Slot | None = None  # the visit a follow-up returns to
    team: list[User] = field(default_factory=list)
    participants: list[NpmParticipant] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.starts_on + timedelta(days=n)
                for n in range((self.ends_on - self.starts_on).days + 1)]


@dataclass
class Schedule:
    office: Office
    facilities: list[Facility]
    first_day: date
    slots: list[Slot] = field(default_factory=list)
    by_facility: dict[int, list[Slot]] = field(default_factory=lambda: defaultdict(list))

    def add(self, slot: Slot) -> Slot:
        self.slots.append(slot)
        self.by_facility[slot.facility.id].append(slot)
        return slot

    def fits(self, facility: Facility, starts_on: date) -> bool:
        others = self.by_facility[facility.id]
        return len(others) < MAX_PER_FACILITY and all(
            abs((other.starts_on - starts_on).days) >= MIN_GAP_DAYS for other in others)

    def length(self, facility: Facility) -> int:
        return pick(self.office.rng, visit_data.LENGTHS.get(facility.type,
                                                            visit_data.OTHER_LENGTHS))

    def ending_on(self, facility: Facility, ends_on: date) -> Slot:
        """A visit to `facility` that ends on `ends_on` (a working day)."""
        ends_on = working_day_on_or_before(ends_on, self.office.calendar)
        starts_on = ends_on - timedelta(days=self.length(facility) - 1)
        return self.add(Slot(facility, max(starts_on, self.first_day), ends_on))


def plan_year(office: Office, stories: list[Story], facilities: list[Facility],
              reprisals: list[Story], count: int, participants: list[NpmParticipant]
              ) -> list[Slot]:
    """`count` visits (planned ones ahead included) with their types and teams, by date;
    `reprisals` are the cases a check-in after one of them opened."""
    today = office.today
    schedule = Schedule(office, facilities, today - timedelta(days=YEAR_DAYS))
    future = max(1, round(count * FUTURE_SHARE))
    cancelled = round(count * CANCELLED_SHARE)
    # Cases fix at most half of the visits that took place.
    _fix_by_cases(schedule, stories, reprisals, limit=(count - future - cancelled) // 2)
    for _ in range(count - future - cancelled - len(schedule.slots)):
        _place(schedule, lambda: _past_day(office.rng, schedule.first_day, today))
    for _ in range(cancelled):
        if slot := _place(schedule, lambda: _past_day(office.rng, schedule.first_day, today)):
            slot.is_cancelled = True
    for _ in range(future):
        _place(schedule, lambda: today + timedelta(days=office.rng.randint(3, 45)))
    slots = sorted(schedule.slots, key=lambda s: (s.starts_on, s.facility.id))
    _choose_types(office.rng, slots, count)
    Teams(office, participants).staff(slots)
    return slots


def _fix_by_cases(schedule: Schedule, stories: list[Story], reprisals: list[Story], *,
                  limit: int) -> None:
    """The visits behind the reprisal cases and the NPM findings of the last year."""
    rng, first = schedule.office.rng, schedule.first_day
    for story in reprisals:
        case = story.case
        if case.facility is None:
            continue
        ends_on = case.received_on - timedelta(days=rng.randint(*REPRISAL_AFTER_DAYS))
        if ends_on - timedelta(days=3) >= first and len(schedule.slots) < limit and \
                len(schedule.by_facility[case.facility.id]) < FIXED_PER_FACILITY:
            schedule.ending_on(case.facility, ends_on).reprisal = story
    taken = {id(story) for story in reprisals}
    findings = sorted((s for s in stories
                       if id(s) not in taken and _is_visit_finding(s.case, first)),
                      key=lambda s: s.case.received_on)
    for story in rng.sample(findings, k=min(len(findings), limit - len(schedule.slots))):
        case = story.case
        if case.facility is None:
            continue
        slot = next((s for s in schedule.by_facility[case.facility.id]
                     if 0 <= (case.received_on - s.ends_on).days <= FINDING_WITHIN_DAYS), None)
        if slot is None:
            if len(schedule.by_facility[case.facility.id]) >= FIXED_PER_FACILITY:
                continue
            ends_on = case.received_on - timedelta(days=rng.randint(0, 6))
            slot = schedule.ending_on(case.facility, ends_on)
        slot.findings.append(story)


def _is_visit_finding(case: Case, first: date) -> bool:
    return (case.kind is CaseKind.NPM_FINDING and case.channel is Channel.NPM_VISIT
            and case.facility is not None
            and case.received_on - timedelta(days=FINDING_WITHIN_DAYS) >= first)


def _past_day(rng: random.Random, first: date, today: date) -> date:
    """A day of the last year, fewer in the holiday months."""
    while True:
        day = first + timedelta(days=rng.randrange((today - first).days))
        if rng.random() * 12 < visit_data.MONTH_WEIGHTS[day.month]:
            return day


def _place(schedule: Schedule, draw_day: Callable[[], date]) -> Slot | None:
    """A visit on a drawn working day to a place that fits it, the less visited the likelier."""
    office = schedule.office
    for _attempt in range(20):
        starts_on = draw_day()
        if not office.calendar.is_working_day(starts_on):
            continue
        fitting = [f for f in schedule.facilities
                   if f.is_active and schedule.fits(f, starts_on)]
        if not fitting:
            continue
        weights = [visit_data.TYPE_WEIGHTS[f.type] / (1 + len(schedule.by_facility[f.id])) ** 2
                   for f in fitting]
        facility = office.rng.choices(fitting, weights=weights)[0]
        ends_on = starts_on + timedelta(days=schedule.length(facility) - 1)
        return schedule.add(Slot(facility, starts_on, ends_on))
    return None


def _choose_types(rng: random.Random, slots: list[Slot], count: int) -> None:
    """Follow-ups return to places visited months before; then reactive and thematic visits in
    their shares; planned in-depth visits are the rest."""
    last: dict[int, Slot] = {}
    eligible: list[Slot] = []
    for slot in slots:
        previous = last.get(slot.facility.id)
        if previous and (slot.starts_on - previous.ends_on).days >= FOLLOW_UP_AFTER_DAYS:
            slot.previous = previous
            eligible.append(slot)
        if not slot.is_cancelled:
            last[slot.facility.id] = slot
    shares = visit_data.TYPE_SHARES
    total = sum(shares.values())
    for slot in _spread(rng, slots, eligible, shares[VisitType.FOLLOW_UP] / total, count):
        slot.type = VisitType.FOLLOW_UP
    rest = [slot for slot in slots if slot.type is VisitType.PLANNED]
    rng.shuffle(rest)
    reactive = round(count * shares[VisitType.REACTIVE] / total)
    thematic = round(count * shares[VisitType.THEMATIC] / total)
    for slot in rest[:reactive]:
        slot.type = VisitType.REACTIVE
    for slot in rest[reactive:reactive + thematic]:
        slot.type = VisitType.THEMATIC


def _spread(rng: random.Random, slots: list[Slot], eligible: list[Slot], share: float,
            count: int) -> list[Slot]:
    """`share` of `count` taken from `eligible`, about `share` of each month's visits: later
    months have more places visited before, but follow-ups come all year round."""
    per_month = Counter((s.starts_on.year, s.starts_on.month) for s in slots)
    by_month: dict[tuple[int, int], list[Slot]] = defaultdict(list)
    for slot in eligible:
        by_month[slot.starts_on.year, slot.starts_on.month].append(slot)
    chosen: list[Slot] = []
    for month, candidates in by_month.items():
        chosen += rng.sample(candidates, k=min(len(candidates), round(per_month[month] * share)))
    taken = {id(slot) for slot in chosen}
    rest = [slot for slot in eligible if id(slot) not in taken]
    wanted = round(count * share) - len(chosen)
    return chosen + rng.sample(rest, k=max(0, min(len(rest), wanted)))


class Teams:
    """Who goes: the region's NPM monitor, often the demo monitor, the central team to make
    two to four, and external participants whose declaration covers the visit."""

    def __init__(self, office: Office, participants: list[NpmParticipant]) -> None:
        self.office = office
        self.rng = office.rng
        self.demo = office.users["monitor"]
        staff = [user for key, user in office.users.items() if key.startswith("npm")]
        self.central = [user for user in staff if user.region is None]
        self.regional = {user.region: user for user in staff if user.region is not None}
        self.participants = [p for p in participants if p.is_active]
        self.busy: dict[User | NpmParticipant, set[date]] = defaultdict(set)

    def free(self, someone: User | NpmParticipant, slot: Slot) -> bool:
        return not self.busy[someone] & set(slot.days)

    def staff(self, slots: list[Slot]) -> None:
        visits_on = Counter(day for slot in slots for day in slot.days)
        for slot in slots:
            busy_day = max(visits_on[day] for day in slot.days) >= BUSY_DAY
            slot.team = self._team(slot, 2 if busy_day else pick(self.rng, TEAM_SIZES))
            slot.participants = self._participants(slot)
            going: list[User | NpmParticipant] = [*slot.team, *slot.participants]
            for someone in going:
                self.busy[someone] |= set(slot.days)

    def _team(self, slot: Slot, size: int) -> list[User]:
        rng = self.rng
        team: list[User] = []
        local = self.regional.get(slot.facility.region)
        if local is not None and self.free(local, slot) and rng.random() < 0.85:
            team.append(local)
        # The demo monitor goes wherever a story needs a monitor who signs in, and often else.
        wanted = bool(slot.findings) or slot.reprisal is not None or rng.random() < 0.5
        if wanted and self.free(self.demo, slot):
            team.insert(0, self.demo)
        others = rng.sample(self.central, k=len(self.central)) + rng.sample(
            list(self.regional.values()), k=len(self.regional))
        for user in others:
            if len(team) >= size:
                break
            if user not in team and self.free(user, slot):
                team.append(user)
        if len(team) < 2:  # a busy week: the region's supervisor goes too
            team.append(self.office.supervisor_for(slot.facility.region))
        leader = team[0] if team[0] is self.demo and rng.random() < 0.5 else next(
            (user for user in team if user.region is None and user is not self.demo), team[0])
        team.remove(leader)
        return [leader, *team]

    def _participants(self, slot: Slot) -> list[NpmParticipant]:
        eligible = [p for p in self.participants
                    if p.declaration_covers(slot.starts_on) and p.declaration_covers(slot.ends_on)
                    and self.free(p, slot)]
        count = min(len(eligible), pick(self.rng, PARTICIPANT_COUNTS))
        weights = [3.0 if p.region is slot.facility.region else 1.0 if p.region is None else 0.2
                   for p in eligible]
        chosen: list[NpmParticipant] = []
        while len(chosen) < count:
            person = self.rng.choices(eligible, weights=weights)[0]
            if person not in chosen:
                chosen.append(person)
        return chosen
