"""Demo letters, written through the letter services as the office writes them: drafted by the
case's caseworker (or the region's supervisor), signed by the region's supervisor, most of them
sent, about half of those that ask for an answer answered, a few replaced by a correction.

The services date what they do today (office_today), so the letters come after every other
part of the demo: on each timeline their events are the latest, as they happened last.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from casework.accounts.models import User
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case, PartyRole
from casework.demo import data
from casework.demo.cases import Office, Story, pick
from casework.demo.recommendations import Addressees
from casework.letters import services
from casework.letters.models import IncomingKind, Letter, LetterKind
from casework.people.models import Person
from casework.permissions import Permission, can
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, Language
from casework.refusals import Refusal

P = Permission
LETTER_SHARE = 0.06  # of the demo's cases get letters: 30 of 500
MAX_SIGNED = 24  # a signature renders and stores a PDF (50 to 150 ms): the demo stays quick
LETTERS_PER_CASE = (1, 1, 2, 2, 3)
# What becomes of a letter once drafted.
FATES = {"draft": 38, "discarded": 4, "signed": 8, "sent": 50}
ANSWERED = 0.5  # of the sent letters that ask for an answer
CORRECTED = 0.07  # of the signed letters, replaced before they went out
ESCALATE_AFTER_DAYS = 30  # of a reply overdue


@dataclass(frozen=True)
class Planned:
    """A letter to write: its kind, what it is about and to whom (as start_letter takes them)."""

    kind: LetterKind
    case: Case | None = None
    recommendation: Recommendation | None = None
    authority: Authority | None = None
    person: Person | None = None

    @property
    def about(self) -> Case | Recommendation:
        return self.recommendation or self.of_case

    @property
    def of_case(self) -> Case:
        """The case the letter belongs to: its own, or its recommendation's."""
        case = self.recommendation.case if self.recommendation is not None else self.case
        if case is None:
            raise ValueError("every demo letter belongs to a case")
        return case

    @property
    def language(self) -> Language:
        """The addressee authority's letter language; a person is written to in Russian."""
        addressee = self.authority or (self.recommendation.authority if self.recommendation
                                       else None)
        return addressee.letter_language if addressee is not None else Language.RU


def make_letters(office: Office, stories: list[Story],
                 recommendations: Iterable[Recommendation]) -> Counter[str]:
    """Letters for about LETTER_SHARE of the cases, at most MAX_SIGNED of them signed."""
    by_case: dict[int, list[Recommendation]] = {}
    for recommendation in recommendations:
        if recommendation.case_id is not None:
            by_case.setdefault(recommendation.case_id, []).append(recommendation)
    addressees = Addressees(office.authorities)
    options = {story.case.id: _options(office, addressees, story.case,
                                       by_case.get(story.case.id, []))
               for story in stories}
    candidates = [story.case for story in stories if options[story.case.id]]
    count = min(len(candidates), round(len(stories) * LETTER_SHARE))
    writer = Writer(office)
    for case in sorted(office.rng.sample(candidates, k=count), key=lambda c: c.id):
        planned = options[case.id]
        for plan in office.rng.sample(planned, k=min(len(planned),
                                                     office.rng.choice(LETTERS_PER_CASE))):
            writer.write(plan)
    return writer.made


def _options(office: Office, addressees: Addressees, case: Case,
             recommendations: list[Recommendation]) -> list[Planned]:
    """The letters the case's stage calls for: requests, referrals, replies and court
    submissions while it is worked on; reminders and escalations while an issued
    recommendation waits for its reply, even after the case closed."""
    options: list[Planned] = []
    live = [r for r in recommendations if r.is_live and r.number]
    if case.is_open and case.status is not CaseStatus.REGISTERED:
        options += _case_letters(addressees, case, live)
    for recommendation in live:
        overdue = recommendation.reply_overdue_days(office.today)
        if overdue:
            options.append(Planned(LetterKind.REMINDER, recommendation=recommendation))
        if overdue > ESCALATE_AFTER_DAYS and recommendation.authority.parent is not None:
            options.append(Planned(LetterKind.ESCALATION, recommendation=recommendation))
    return options


def _case_letters(addressees: Addressees, case: Case,
                  live: list[Recommendation]) -> list[Planned]:
    prosecutor = addressees.regional("prok", case.region) or addressees.national["gp"]
    options = [Planned(LetterKind.REFERRAL, case=case, authority=prosecutor)]
    if case.facility is not None and case.facility.authority is not None:
        options.append(Planned(LetterKind.INFORMATION_REQUEST, case=case,
                               authority=case.facility.authority))
    complainant = next((p.person for p in case.parties if p.role is PartyRole.COMPLAINANT), None)
    if complainant is not None:
        options.append(Planned(LetterKind.REPLY_TO_COMPLAINANT, case=case, person=complainant))
    if any(category.code == "parole" for category in case.categories):
        court = addressees.regional("court", case.region) or addressees.national["vs"]
        options.append(Planned(LetterKind.COURT_SUBMISSION, case=case, authority=court))
    if live:
        options.append(Planned(LetterKind.RECOMMENDATION, case=case,
                               authority=live[0].authority))
    return options


class Writer:
    """Writes planned letters through the services and counts what it made."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.rng: random.Random = office.rng
        self.made: Counter[str] = Counter()

    def _actor(self, case: Case, permission: Permission, obj: object) -> User:
        """The case's caseworker when they may, else the region's supervisor."""
        caseworker = self.office.caseworker_for(case)
        if can(caseworker, permission, obj):
            return caseworker
        return self.office.supervisor_for(case.region)

    def write(self, plan: Planned) -> None:
        case = plan.of_case
        drafter = self._actor(case, P.DRAFT_LETTER, plan.about)
        letter = services.start_letter(
            plan.kind, actor=drafter, language=plan.language,
            case=plan.case, recommendation=plan.recommendation, authority=plan.authority,
            person=plan.person,
        )
        self.made["letters"] += 1
        fate = pick(self.rng, FATES)
        if fate == "discarded":
            services.discard(letter, actor=drafter)
        elif fate != "draft" and self._sign(letter):
            letter = self._maybe_correct(letter, drafter)
            if fate == "sent":
                self._send(letter, case)

    def _sign(self, letter: Letter) -> bool:
        """Signed by the region's supervisor; a name the consent does not cover (two people
        of a case sharing a surname) keeps it a draft for the signer to look at."""
        if self.made["signed"] >= MAX_SIGNED:
            return False
        try:
            services.sign(letter, actor=self.office.supervisor_for(letter.region),
                          expected_version=letter.version)
        except Refusal:
            return False
        self.made["signed"] += 1
        return True

    def _maybe_correct(self, letter: Letter, drafter: User) -> Letter:
        """A mistake seen before the letter went out: a correction replaces it. The first
        signed letter always gets one, so that the demo shows a correction."""
        if self.made["corrections"] and self.rng.random() >= CORRECTED:
            return letter
        correction = services.start_correction(letter, actor=drafter)
        services.edit_letter(
            correction, actor=drafter, expected_version=correction.version,
            body=f"{correction.body.rstrip()}\n\n{self.rng.choice(data.LETTER_CORRECTIONS)}",
        )
        self.made["letters"] += 1
        if not self._sign(correction):
            return letter
        self.made["corrections"] += 1
        return correction

    def _send(self, letter: Letter, case: Case) -> None:
        services.mark_sent(letter, actor=self._actor(case, P.DRAFT_LETTER, letter),
                           sent_on=self.office.today)
        self.made["sent"] += 1
        if (letter.kind.expects_response and letter.authority is not None
                and self.rng.random() < ANSWERED):
            self._answer(letter, case)

    def _answer(self, letter: Letter, case: Case) -> None:
        rng = self.rng
        services.register_incoming(
            actor=self._actor(case, P.KEEP_CORRESPONDENCE, letter),
            received_on=self.office.today, kind=IncomingKind.AUTHORITY_REPLY,
            authority=letter.authority, letter=letter, their_date=self.office.today,
            their_number=f"{rng.randint(1, 40)}-{rng.randint(1, 9)}/{rng.randint(100, 9999)}",
            summary=rng.choice(data.LETTER_REPLIES),
        )
        self.made["replies"] += 1
