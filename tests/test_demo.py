"""The demo office: every stage of the lifecycle, valid IINs, every role, coherent histories."""

from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from casework.accounts.models import User
from casework.accounts.passwords import verify_password
from casework.accounts.roles import Role
from casework.attachments import storage
from casework.audit import AuditEntry
from casework.cases.deadlines import add_months
from casework.cases.lifecycle import CaseStatus, Outcome
from casework.cases.models import Case, CaseParty, Event, EventKind
from casework.database import office_today, utcnow
from casework.demo import load_demo_office
from casework.demo.letters import LETTER_SHARE, MAX_SIGNED
from casework.demo.office import COLLEAGUES, DEMO_ACCOUNTS, LAWYERS, NPM_STAFF
from casework.extensions import db
from casework.letters.models import IncomingDocument, Letter, LetterStatus
from casework.numbering import ReferenceCounter
from casework.parties.addressees import canonical_addressees
from casework.people.iin import is_valid_iin
from casework.people.models import Person
from casework.permissions import covers_region
from casework.recommendations import deadlines
from casework.recommendations.deadlines import Ageing
from casework.recommendations.lifecycle import (
    IMPLEMENTATION_STEPS,
    ISSUED_RECORDS,
    OPEN_RECORDS,
    RECORD_STEPS_BY_ACTION,
    RESPONSE_STEPS,
    Implementation,
    RecordStatus,
    Response,
)
from casework.recommendations.models import DeadlineKind, Recommendation
from casework.reference.models import AuthorityType, Category, Facility, FacilityType
from casework.workdays import WorkingCalendar


def test_small_demo_has_every_status_outcome_rule_and_role(app):
    load_demo_office(seed=7, case_count=40)
    cases = list(db.session.scalars(sa.select(Case)))
    assert len(cases) == 40
    assert {case.status for case in cases} == set(CaseStatus)
    assert all((case.status is CaseStatus.CLOSED) == (case.outcome is not None) for case in cases)
    roles = {role for user in db.session.scalars(sa.select(User)) for role in user.roles}
    assert roles == set(Role)


def test_demo_people_have_valid_unique_iins(app):
    load_demo_office(seed=7, case_count=30)
    iins = list(db.session.scalars(sa.select(Person.iin).where(Person.iin.is_not(None))))
    assert iins
    assert all(is_valid_iin(iin) for iin in iins)
    assert len(iins) == len(set(iins))


def test_demo_reference_data_covers_every_facility_type_and_category(app):
    load_demo_office(seed=7, case_count=5)
    types = set(db.session.scalars(sa.select(Facility.type)))
    assert types == set(FacilityType)
    codes = set(db.session.scalars(sa.select(Category.code)))
    assert {"torture", "death_in_custody", "other"} <= codes
    assert len(codes) == 11


def test_demo_timeline_walks_from_registration_to_the_current_status(app):
    load_demo_office(seed=11, case_count=40)
    for case in db.session.scalars(sa.select(Case)):
        events = list(
            db.session.scalars(sa.select(Event).where(Event.case_id == case.id).order_by(Event.id))
        )
        assert events[0].kind is EventKind.REGISTERED, case.reference
        assert [e.at for e in events] == sorted(e.at for e in events), case.reference
        status = CaseStatus.REGISTERED
        for event in events:
            if event.kind is EventKind.TRANSITION:
                assert event.data["from"] == status, case.reference
                status = CaseStatus(event.data["to"])
        assert status is case.status, case.reference


def test_demo_numbers_cases_through_the_counter(app):
    load_demo_office(seed=7, case_count=25)
    references = list(db.session.scalars(sa.select(Case.reference)))
    counters = db.session.scalar(
        sa.select(sa.func.sum(ReferenceCounter.value)).where(ReferenceCounter.kind == "case"))
    assert len(set(references)) == 25
    assert counters == 25


def test_demo_accounts_sign_in_with_the_printed_passwords(app):
    load_demo_office(seed=7, case_count=1)
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        assert verify_password(user.password_hash, account.password), account.email


def test_demo_command_skips_when_users_exist_but_still_prints_the_accounts(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["casework", "demo", "--cases", "5", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demo office loaded" in first.output
    second = runner.invoke(args=["casework", "demo", "--cases", "5", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "not loaded" in second.output
    assert "demo-supervisor-2026" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 5


def test_running_the_demo_again_adds_cases_but_no_duplicate_accounts(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["casework", "demo", "--cases", "3"])
        assert result.exit_code == 0, result.output
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert users == len(DEMO_ACCOUNTS) + len(COLLEAGUES) + len(NPM_STAFF) + len(LAWYERS)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 6


# -- recommendations ---------------------------------------------------------------------------


def _recommendation_events() -> dict[int, list[Event]]:
    events = db.session.scalars(
        sa.select(Event).where(Event.kind == EventKind.RECOMMENDATION).order_by(Event.id))
    by_recommendation: dict[int, list[Event]] = {}
    for event in events:
        by_recommendation.setdefault(event.data["recommendation_id"], []).append(event)
    return by_recommendation


def test_demo_recommendations_cover_every_status_with_a_fair_share_overdue(app):
    made = load_demo_office(seed=2026, case_count=150)
    recommendations = list(db.session.scalars(sa.select(Recommendation)))
    assert made["recommendations"] == len(recommendations)
    assert 350 <= len(recommendations) <= 550  # about three per case
    assert {r.record_status for r in recommendations} == set(RecordStatus)
    assert {r.response for r in recommendations} == set(Response)
    assert {r.implementation for r in recommendations} == set(Implementation)
    today = office_today()
    live = [r for r in recommendations if r.is_live]
    overdue = [r for r in live if deadlines.days_overdue(r, today)]
    assert 0.15 <= len(overdue) / len(live) <= 0.35
    assert {Ageing.of(deadlines.days_overdue(r, today)) for r in live} >= set(Ageing)
    assert any(r.reply_overdue_days(today) for r in live)
    assert any(r.implementation_overdue_days(today) for r in live)
    assert any(r.replies for r in recommendations)
    assert all(re.fullmatch(r"\d\d-\d/\d{3,4}", reply.register_number) and reply.summary
               for r in recommendations for reply in r.replies)
    assert any(r.deadline_changes for r in recommendations)
    assert any(r.repeat_of_id for r in recommendations)
    assert all(v.evidence for r in recommendations for v in r.verifications)


def test_demo_recommendations_are_issued_by_a_supervisor_other_than_the_drafter(app):
    load_demo_office(seed=5, case_count=60)
    issued = list(db.session.scalars(
        sa.select(Recommendation).where(Recommendation.issued_by_id.is_not(None))))
    assert issued
    for r in issued:
        assert r.issued_by_id != r.drafted_by_id, r.number
        assert r.issued_by.has_role(Role.SUPERVISOR), r.number
        assert covers_region(r.issued_by, r.region), r.number
    owners = {r.owner for r in db.session.scalars(sa.select(Recommendation))}
    assert all(o.has_role(Role.CASEWORKER) for o in owners)


def test_demo_recommendations_follow_their_cases_lifecycle(app):
    load_demo_office(seed=5, case_count=60)
    for case in db.session.scalars(sa.select(Case)):
        records = [r.record_status for r in case.recommendations]
        if case.status is CaseStatus.FOLLOW_UP or case.outcome in (
                Outcome.RESOLVED, Outcome.PARTIALLY_RESOLVED, Outcome.NOT_RESOLVED):
            assert any(s in ISSUED_RECORDS for s in records), case.reference
        if RecordStatus.DRAFT in records:
            assert case.is_open, case.reference
        if case.status in (CaseStatus.REGISTERED, CaseStatus.TRIAGE, CaseStatus.INVESTIGATION):
            assert not records, case.reference
        events = list(case.events)[::-1]  # oldest first
        steps = [(e.kind, e.data.get("step") or e.data.get("action")) for e in events]
        if (EventKind.TRANSITION, "start_follow_up") in steps:
            first_issue = steps.index((EventKind.RECOMMENDATION, "issue"))
            assert first_issue < steps.index((EventKind.TRANSITION, "start_follow_up"))
        closing = next((e for e in events if e.data.get("action") == "close"), None)
        still_open = [r for r in case.recommendations if r.record_status in OPEN_RECORDS]
        if closing is not None and still_open:
            assert closing.data["why_open"], case.reference


def test_demo_recommendation_histories_replay_to_their_current_state(app):
    load_demo_office(seed=5, case_count=60)
    events = _recommendation_events()
    calendar, now = WorkingCalendar.load(), utcnow()
    for r in db.session.scalars(sa.select(Recommendation)):
        history = events[r.id]
        assert [e.at for e in history] == sorted(e.at for e in history)
        assert history[0].data["step"] == "drafted"
        assert history[0].actor_id == r.drafted_by_id
        assert all(e.at <= now for e in history)
        status, response, implementation = RecordStatus.DRAFT, Response.AWAITING, \
            Implementation.NOT_STARTED
        for event in history[1:]:
            step = event.data["step"]
            if step in RECORD_STEPS_BY_ACTION:
                assert RECORD_STEPS_BY_ACTION[step].source is status, (r.id, step)
                status = RECORD_STEPS_BY_ACTION[step].target
            elif step == "reply":
                new = Response(event.data["response"])
                assert new is response or (response, new) in RESPONSE_STEPS
                response = new
            elif step == "verified":
                new = Implementation(event.data["result"])
                assert (implementation, new) in IMPLEMENTATION_STEPS, (r.id, implementation, new)
                implementation = new
        assert (status, response, implementation) == (
            r.record_status, r.response, r.implementation), r.id
        assert len([e for e in history if e.data["step"] == "reply"]) == len(r.replies)
        audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.object_type == "recommendations", AuditEntry.object_id == r.id))
        assert audits == len(history)
        if r.issued_on is not None:
            changed = {c.kind for c in r.deadline_changes}
            if DeadlineKind.REPLY not in changed:
                assert r.reply_due == deadlines.reply_due(r.issued_on, r.authority, calendar)
            if DeadlineKind.IMPLEMENTATION not in changed:
                assert r.implementation_due in {
                    deadlines.implementation_due(r.issued_on, months)
                    for months in deadlines.IMPLEMENTATION_PERIODS}
            assert all(r.issued_on <= reply.received_on <= office_today() for reply in r.replies)
        if r.record_status is RecordStatus.CLOSED:
            assert r.implementation_is_final
            assert r.closed_on is not None


def test_demo_numbers_recommendations_through_the_counter_in_issue_order(app):
    load_demo_office(seed=5, case_count=60)
    issued = list(db.session.scalars(
        sa.select(Recommendation).where(Recommendation.number.is_not(None))
        .order_by(Recommendation.number)))
    numbers = [r.number for r in issued]
    assert len(set(numbers)) == len(numbers)
    days = [r.issued_on for r in issued]
    assert days == sorted(days)  # numbers grow with the issue date
    counters = dict(db.session.execute(
        sa.select(ReferenceCounter.year, ReferenceCounter.value)
        .where(ReferenceCounter.kind == "recommendation")).all())
    for year, value in counters.items():
        assert numbers.count(f"R-{year}-{value:05d}") == 1  # the last one given out
        assert all(r.issued_on.year == year for r in issued if r.number.startswith(f"R-{year}-"))
    assert sum(counters.values()) == len(numbers)


def test_demo_repeat_findings_are_flagged_as_at_issue(app):
    load_demo_office(seed=5, case_count=60)
    issued = list(db.session.scalars(
        sa.select(Recommendation).where(Recommendation.issued_on.is_not(None))
        .order_by(Recommendation.issued_on, Recommendation.id)))
    flagged = [r for r in issued if r.repeat_of_id]
    assert flagged
    for index, r in enumerate(issued):
        since = add_months(r.issued_on, -24)
        earlier = [o for o in issued[:index] if r.facility_id and r.category_id
                   and o.case_id != r.case_id
                   and (o.facility_id, o.category_id) == (r.facility_id, r.category_id)
                   and o.issued_on >= since and o.record_status in ISSUED_RECORDS]
        if earlier:
            assert r.repeat_of_id is not None, r.number
        if r.repeat_of is not None:
            assert (r.repeat_of.facility_id, r.repeat_of.category_id) == (
                r.facility_id, r.category_id)
            assert since <= r.repeat_of.issued_on <= r.issued_on
            assert r.repeat_of.case_id != r.case_id  # a case never repeats its own finding


# -- consent and letters -------------------------------------------------------------------------


def test_demo_consents_say_to_whom_letters_may_name_people(app):
    load_demo_office(seed=7, case_count=80)
    parties = list(db.session.scalars(sa.select(CaseParty)))
    consenting = [p for p in parties if p.consents_to_disclosure]
    assert all(p.consent_addressees == [] for p in parties if not p.consents_to_disclosure)
    assert all(p.consent_addressees == canonical_addressees(p.consent_addressees)
               for p in consenting)
    lists = Counter(tuple(p.consent_addressees) for p in consenting)
    assert lists.most_common(1)[0][0] == ("prosecutor", "court")
    assert lists[tuple(AuthorityType)] > 0  # anyone
    assert lists[()] > 0  # consent to the office only: never named in letters


def test_demo_letters_are_written_signed_sent_and_answered_through_the_services(app):
    made = load_demo_office(seed=5, case_count=100)
    letters = list(db.session.scalars(sa.select(Letter)))
    assert made["letters"] == len(letters) > 10
    assert len({letter.case_id for letter in letters}) <= round(100 * LETTER_SHARE)
    assert len({letter.kind for letter in letters}) >= 4
    assert {LetterStatus.DRAFT, LetterStatus.SENT} <= {letter.status for letter in letters}
    signed = [letter for letter in letters if letter.is_frozen]
    assert made["signed"] == len(signed) <= MAX_SIGNED
    today = office_today()
    for letter in signed:
        assert letter.dated == today, letter.number
        assert letter.signed_by.has_role(Role.SUPERVISOR), letter.number
        assert covers_region(letter.signed_by, letter.region), letter.number
        assert storage.verified_path(letter.pdf_storage_name, letter.pdf_sha256).is_file()
        assert not letter.names_confirmed  # drafts name only whom consent covers
    sent = [letter for letter in letters if letter.status is LetterStatus.SENT]
    assert made["sent"] == len(sent)
    assert all(letter.sent_on == today for letter in sent)
    replies = list(db.session.scalars(sa.select(IncomingDocument)))
    assert made["replies"] == len(replies) > 0
    for reply in replies:
        assert reply.letter.status is LetterStatus.SENT
        assert reply.letter.response_received_on == reply.received_on == today
        assert reply.authority_id == reply.letter.authority_id
    answerable = [letter for letter in sent
                  if letter.kind.expects_response and letter.authority is not None]
    assert 0.2 <= len(replies) / len(answerable) <= 0.8


def test_demo_letters_appear_last_on_their_case_timelines_with_their_audit(app):
    load_demo_office(seed=5, case_count=100)
    for letter in db.session.scalars(sa.select(Letter)):
        events = list(db.session.scalars(
            sa.select(Event).where(Event.case_id == letter.case_id).order_by(Event.id)))
        steps = [e.data["step"] for e in events
                 if e.kind is EventKind.LETTER and e.data.get("letter_id") == letter.id]
        assert steps[0] in ("drafted", "correction_drafted"), letter.id
        assert ("signed" in steps) is (letter.number is not None), letter.id
        first = next(e for e in events if e.kind is EventKind.LETTER)
        assert all(e.kind is EventKind.LETTER for e in events[events.index(first):])
        audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.object_type == "letters", AuditEntry.object_id == letter.id))
        # Each step of the letter is audited on it; a reply is audited on the incoming document.
        assert audits == len([step for step in steps if step != "incoming"]), letter.id
        assert steps.count("incoming") == len(letter.incoming), letter.id


def test_demo_letters_name_only_people_whose_consent_covers_the_addressee(app):
    load_demo_office(seed=5, case_count=100)
    letters = list(db.session.scalars(sa.select(Letter).where(Letter.authority_id.is_not(None))))
    named = 0
    for letter in letters:
        for party in letter.case.parties:
            covered = party.consents_to_disclosure and (
                letter.authority.type.value in party.consent_addressees)
            in_letter = party.person.full_name in letter.body
            assert in_letter <= covered, (letter.id, party.id)
            named += in_letter
    assert named > 0  # the common consent (prosecutor, court) names people to prosecutors


def test_demo_corrections_replace_the_letter_they_correct(app):
    made = load_demo_office(seed=4, case_count=100)  # a seed that corrects a letter
    corrections = list(db.session.scalars(
        sa.select(Letter).where(Letter.supersedes_id.is_not(None))))
    assert made["corrections"] == len([c for c in corrections if c.is_frozen])
    assert corrections
    for correction in corrections:
        old = correction.supersedes
        assert old.number is not None
        assert old.status is LetterStatus.SIGNED  # caught before it went out
        assert (old.superseded_by == correction) is correction.is_frozen
