"""The court services: recording and editing a proceeding, its decision and appeal, hearings
and their results, and the calendar address. Each accepted change writes one audit entry and
(for a case's proceedings) one case timeline event without names; each refused one changes
nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Event, EventKind
from casework.cases.timeline import describe
from casework.courts import queries, services
from casework.courts.models import (
    AppealResult,
    CalendarFeed,
    CourtProceeding,
    Decision,
    Hearing,
    ProceedingKind,
)
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.reference.models import AuthorityType
from casework.reference.regions import Region
from casework.refusals import NotAllowed, Refusal
from tests.factories import add_party, make_authority, make_case, make_proceeding, make_user

TODAY = date(2026, 12, 10)  # a Thursday; the office's date in every test of this module
NOW = datetime(2026, 12, 10, 10, tzinfo=OFFICE_TZ)


@pytest.fixture(autouse=True)
def _office_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lawyer():
    return make_user(Role.LAWYER, full_name="Aigerim Lawyerova")


@pytest.fixture
def caseworker():
    return make_user(Role.CASEWORKER, region=Region.ASTANA)


@pytest.fixture
def case(lawyer, caseworker):
    """Received on 2 November 2026, its lawyer and caseworker assigned; a named victim."""
    case = make_case(received_on=date(2026, 11, 2), assignees=(lawyer, caseworker))
    add_party(case)
    return case


@pytest.fixture
def court():
    return make_authority(type=AuthorityType.COURT, name="Court No. 2 of Astana")


def audits(action: AuditAction | None = None) -> list[AuditEntry]:
    db.session.flush()
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def court_events(case) -> list[Event]:
    db.session.flush()
    return list(db.session.scalars(
        sa.select(Event).where(Event.case_id == case.id, Event.kind == EventKind.COURT)
        .order_by(Event.id)
    ))


def record(case, actor, **kw) -> CourtProceeding:
    kw.setdefault("court", make_authority(type=AuthorityType.COURT))
    kw.setdefault("kind", ProceedingKind.PAROLE)
    kw.setdefault("petition_on", date(2026, 11, 20))
    return services.record_proceeding(case, actor=actor, **kw)


def assert_refused(call, field: str | None, counts_before: tuple[int, int]) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call()
    assert refused.value.field == field
    assert (len(audits()), db.session.scalar(sa.select(sa.func.count(Event.id)))) \
        == counts_before
    return refused.value


def counts() -> tuple[int, int]:
    return len(audits()), db.session.scalar(sa.select(sa.func.count(Event.id)))


# -- recording a proceeding -------------------------------------------------------------------


def test_recording_a_proceeding_is_audited_and_on_the_timeline_without_names(
    case, lawyer, court
):
    proceeding = record(case, lawyer, court=court, court_case_number=" 2-123/2026 ",
                        lawyer=lawyer)
    assert proceeding.region is case.region
    assert proceeding.court_case_number == "2-123/2026"
    assert proceeding.recorded_by is lawyer
    [entry] = audits(AuditAction.PROCEEDING_RECORDED)
    assert entry.object_type == "court_proceedings"
    assert entry.object_id == proceeding.id
    assert entry.changes["lawyer_id"] == [None, lawyer.id]
    assert entry.changes["petition_on"] == [None, "2026-11-20"]
    [event] = court_events(case)
    assert event.data["step"] == "recorded"
    stored = json.dumps(event.data, ensure_ascii=False)
    assert lawyer.full_name not in stored
    assert court.name not in stored
    assert case.parties[0].person.full_name not in stored
    # The timeline still names the kind and the court to its reader.
    assert describe(event)[:2] == [
        "Proceeding recorded: Parole (conditional early release), court case No. 2-123/2026",
        "Court No. 2 of Astana",
    ]


def test_a_petition_a_year_before_the_case_was_received_is_the_earliest(case, lawyer):
    assert record(case, lawyer, petition_on=date(2025, 11, 2)).petition_on == date(2025, 11, 2)
    before = counts()
    refused = assert_refused(lambda: record(case, lawyer, petition_on=date(2025, 11, 1)),
                             "petition_on", before)
    assert "more than a year before" in refused.message


def test_a_petition_in_the_future_is_refused(case, lawyer):
    assert record(case, lawyer, petition_on=TODAY).petition_on == TODAY
    assert_refused(lambda: record(case, lawyer, petition_on=TODAY + timedelta(days=1)),
                   "petition_on", counts())


def test_the_court_must_be_a_court(case, lawyer):
    prosecutor = make_authority(type=AuthorityType.PROSECUTOR)
    assert_refused(lambda: record(case, lawyer, court=prosecutor), "court", counts())


@pytest.mark.parametrize("who", ["unassigned lawyer", "caseworker", "inactive lawyer"])
def test_the_lawyer_must_be_an_active_lawyer_assigned_to_the_case(case, lawyer, caseworker,
                                                                    who):
    chosen = {
        "unassigned lawyer": lambda: make_user(Role.LAWYER),
        "caseworker": lambda: caseworker,
        "inactive lawyer": lambda: lawyer,
    }[who]()
    if who == "inactive lawyer":
        lawyer.is_active_account = False
    assert_refused(lambda: record(case, caseworker, lawyer=chosen), "lawyer", counts())


def test_a_court_case_number_longer_than_fifty_characters_is_refused(case, lawyer):
    assert_refused(lambda: record(case, lawyer, court_case_number="1" * 51),
                   "court_case_number", counts())


def test_a_closed_case_gets_no_new_proceeding(lawyer, court):
    closed = make_case(status=CaseStatus.CLOSED, assignees=(lawyer,))
    refused = assert_refused(lambda: record(closed, lawyer), None, counts())
    assert "Reopen" in refused.message


@pytest.mark.parametrize("role", [Role.LAWYER, Role.CASEWORKER, Role.MONITOR, Role.AUDITOR])
def test_only_those_who_follow_the_case_may_record(case, role):
    outsider = make_user(role, region=Region.ASTANA)
    with pytest.raises(NotAllowed):
        record(case, outsider)
    assert counts() == (0, 0)


def test_the_regions_supervisor_may_record_unassigned(case):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    assert record(case, supervisor).recorded_by is supervisor
    with pytest.raises(NotAllowed):
        record(case, make_user(Role.SUPERVISOR, region=Region.ALMATY_CITY))


# -- editing ----------------------------------------------------------------------------------


def edit(proceeding, actor, **kw):
    values = {"court": proceeding.court, "kind": proceeding.kind,
              "petition_on": proceeding.petition_on,
              "court_case_number": proceeding.court_case_number, "lawyer": proceeding.lawyer}
    values.update(kw)
    kw_version = values.pop("expected_version", proceeding.version)
    return services.edit_proceeding(proceeding, actor=actor, expected_version=kw_version,
                                    **values)


def test_an_edit_is_audited_with_the_version_and_names_the_fields_on_the_timeline(
    case, lawyer
):
    proceeding = record(case, lawyer)
    version = proceeding.version
    other_court = make_authority(type=AuthorityType.COURT)
    changed = edit(proceeding, lawyer, court=other_court, court_case_number="7-1/2026",
                   lawyer=lawyer, kind=ProceedingKind.TRANSFER)
    assert set(changed) == {"court_id", "court_case_number", "lawyer_id", "kind"}
    assert proceeding.version == version + 1
    [entry] = audits(AuditAction.PROCEEDING_EDITED)
    assert entry.changes["version"] == version
    assert entry.changes["court_id"][1] == other_court.id
    event = court_events(case)[-1]
    assert event.data["fields"] == sorted(changed)
    assert lawyer.full_name not in json.dumps(event.data, ensure_ascii=False)
    assert "Court, Kind, Court case number, Lawyer" in describe(event)


def test_an_edit_that_changes_nothing_writes_nothing(case, lawyer):
    proceeding = record(case, lawyer)
    before = counts()
    assert edit(proceeding, lawyer) == {}
    assert counts() == before


def test_an_edit_from_an_older_version_is_refused_as_stale(case, lawyer):
    proceeding = record(case, lawyer)
    edit(proceeding, lawyer, court_case_number="1")
    before = counts()
    with pytest.raises(services.StaleProceeding) as stale:
        edit(proceeding, lawyer, court_case_number="2", expected_version=proceeding.version - 1)
    assert stale.value.current_version == proceeding.version
    assert proceeding.court_case_number == "1"
    assert counts() == before


def test_the_lawyer_named_before_may_stay_after_leaving_the_case(case, lawyer, caseworker):
    proceeding = record(case, lawyer, lawyer=lawyer)
    case.assignments = [a for a in case.assignments if a.user_id != lawyer.id]
    db.session.flush()
    assert edit(proceeding, caseworker, court_case_number="5") == {
        "court_case_number": ["", "5"]}
    newcomer = make_user(Role.LAWYER)
    assert_refused(lambda: edit(proceeding, caseworker, lawyer=newcomer), "lawyer", counts())


def test_the_petition_cannot_move_after_the_decision_or_the_first_hearing(case, lawyer):
    proceeding = record(case, lawyer, petition_on=date(2026, 11, 10))
    services.schedule_hearing(proceeding, actor=lawyer,
                              starts_at=datetime(2026, 11, 25, 10, tzinfo=OFFICE_TZ))
    services.record_decision(proceeding, actor=lawyer, expected_version=proceeding.version,
                             decision=Decision.GRANTED, decided_on=date(2026, 11, 27),
                             summary="Released on parole.")
    refused = assert_refused(lambda: edit(proceeding, lawyer, petition_on=date(2026, 11, 26)),
                             "petition_on", counts())
    assert "first hearing" in refused.message
    assert edit(proceeding, lawyer, petition_on=date(2026, 11, 25))


# -- decision and appeal ----------------------------------------------------------------------


def decide(proceeding, actor, **kw):
    kw.setdefault("decision", Decision.REFUSED)
    kw.setdefault("decided_on", date(2026, 12, 1))
    kw.setdefault("summary", "Refused: no positive characterisation from the colony.")
    kw.setdefault("expected_version", proceeding.version)
    return services.record_decision(proceeding, actor=actor, **kw)


def test_a_decision_is_audited_and_on_the_timeline_without_its_summary(case, lawyer):
    proceeding = record(case, lawyer)
    decide(proceeding, lawyer)
    assert (proceeding.decision, proceeding.decided_on) == (Decision.REFUSED, date(2026, 12, 1))
    [entry] = audits(AuditAction.PROCEEDING_EDITED)
    assert entry.changes["decision"] == [None, "refused"]
    event = court_events(case)[-1]
    assert event.data["step"] == "decision"
    assert "characterisation" not in json.dumps(event.data)
    assert "Refused on 1 Dec 2026" in describe(event)


def test_a_postponed_decision_is_replaced_by_the_next_one(case, lawyer):
    proceeding = record(case, lawyer)
    decide(proceeding, lawyer, decision=Decision.POSTPONED, decided_on=date(2026, 11, 25),
           summary="Postponed for the colony's report.")
    decide(proceeding, lawyer, decision=Decision.GRANTED)
    assert proceeding.decision is Decision.GRANTED
    assert len(audits(AuditAction.PROCEEDING_EDITED)) == 2


@pytest.mark.parametrize(("decided_on", "message"), [
    (date(2026, 11, 19), "before the petition"),
    (TODAY + timedelta(days=1), "in the future"),
])
def test_a_decision_date_outside_petition_to_today_is_refused(case, lawyer, decided_on,
                                                              message):
    proceeding = record(case, lawyer, petition_on=date(2026, 11, 20))
    refused = assert_refused(lambda: decide(proceeding, lawyer, decided_on=decided_on),
                             "decided_on", counts())
    assert message in refused.message
    assert proceeding.decision is None


def test_a_decision_needs_a_summary(case, lawyer):
    proceeding = record(case, lawyer)
    assert_refused(lambda: decide(proceeding, lawyer, summary="  "), "decision_summary",
                   counts())


def test_a_decision_from_an_older_version_is_refused_as_stale(case, lawyer):
    proceeding = record(case, lawyer)
    decide(proceeding, lawyer)
    with pytest.raises(services.StaleProceeding):
        decide(proceeding, lawyer, decision=Decision.GRANTED,
               expected_version=proceeding.version - 1)
    assert proceeding.decision is Decision.REFUSED


def test_an_appeal_is_audited_and_its_result_follows(case, lawyer):
    proceeding = record(case, lawyer)
    decide(proceeding, lawyer)
    services.record_appeal(proceeding, actor=lawyer, expected_version=proceeding.version,
                           appealed_on=date(2026, 12, 5), result=AppealResult.PENDING)
    services.record_appeal(proceeding, actor=lawyer, expected_version=proceeding.version,
                           appealed_on=date(2026, 12, 5), result=AppealResult.OVERTURNED)
    assert proceeding.appeal_result is AppealResult.OVERTURNED
    entries = audits(AuditAction.PROCEEDING_EDITED)
    assert entries[-1].changes == {"appeal_result": ["pending", "overturned"],
                                   "version": entries[-1].changes["version"]}
    assert "Appealed on 5 Dec 2026: Decision overturned" in describe(court_events(case)[-1])


def test_an_appeal_needs_a_decision_first(case, lawyer):
    proceeding = record(case, lawyer)
    assert_refused(lambda: services.record_appeal(
        proceeding, actor=lawyer, expected_version=proceeding.version,
        appealed_on=date(2026, 12, 5), result=AppealResult.PENDING), None, counts())


@pytest.mark.parametrize("appealed_on", [date(2026, 11, 30), TODAY + timedelta(days=1)])
def test_an_appeal_date_outside_decision_to_today_is_refused(case, lawyer, appealed_on):
    proceeding = record(case, lawyer)
    decide(proceeding, lawyer, decided_on=date(2026, 12, 1))
    assert_refused(lambda: services.record_appeal(
        proceeding, actor=lawyer, expected_version=proceeding.version,
        appealed_on=appealed_on, result=AppealResult.PENDING), "appealed_on", counts())


def test_a_decision_cannot_move_after_its_appeal(case, lawyer):
    proceeding = record(case, lawyer)
    decide(proceeding, lawyer, decided_on=date(2026, 12, 1))
    services.record_appeal(proceeding, actor=lawyer, expected_version=proceeding.version,
                           appealed_on=date(2026, 12, 3), result=AppealResult.PENDING)
    assert_refused(lambda: decide(proceeding, lawyer, decided_on=date(2026, 12, 4)),
                   "decided_on", counts())


# -- hearings ---------------------------------------------------------------------------------


def test_a_hearing_in_almaty_time_is_kept_in_utc_audited_and_on_the_timeline(case, lawyer):
    proceeding = record(case, lawyer)
    hearing = services.schedule_hearing(
        proceeding, actor=lawyer, starts_at=datetime(2026, 12, 15, 10, 30, tzinfo=OFFICE_TZ),
        courtroom=" 305 ",
    )
    db.session.expire_all()
    stored = db.session.get(Hearing, hearing.id)
    assert stored.starts_at == datetime(2026, 12, 15, 5, 30, tzinfo=UTC)
    assert stored.courtroom == "305"
    [entry] = audits(AuditAction.HEARING_RECORDED)
    assert (entry.object_type, entry.object_id) == ("court_hearings", hearing.id)
    assert entry.changes["starts_at"] == [None, "2026-12-15T05:30:00+00:00"]
    event = court_events(case)[-1]
    assert event.data["step"] == "hearing"
    assert "Hearing of 15 Dec 2026 10:30" in describe(event)  # read back in Almaty time


def test_a_naive_hearing_time_is_a_programming_error(case, lawyer):
    proceeding = record(case, lawyer)
    with pytest.raises(ValueError, match="naive"):
        services.schedule_hearing(proceeding, actor=lawyer, starts_at=datetime(2026, 12, 15))


@pytest.mark.parametrize(("starts_at", "field", "message"), [
    (datetime(2026, 11, 19, 23, 30, tzinfo=OFFICE_TZ), "day", "before the petition"),
    (datetime(2028, 12, 15, 10, tzinfo=OFFICE_TZ), "day", "two years"),
])
def test_a_hearing_outside_petition_to_two_years_ahead_is_refused(case, lawyer, starts_at,
                                                                  field, message):
    proceeding = record(case, lawyer, petition_on=date(2026, 11, 20))
    refused = assert_refused(lambda: services.schedule_hearing(
        proceeding, actor=lawyer, starts_at=starts_at), field, counts())
    assert message in refused.message


def test_a_hearing_on_the_petition_day_counts_the_day_in_almaty(case, lawyer):
    proceeding = record(case, lawyer, petition_on=date(2026, 11, 20))
    # 00:30 in Almaty is still 19 November in UTC.
    hearing = services.schedule_hearing(
        proceeding, actor=lawyer, starts_at=datetime(2026, 11, 20, 0, 30, tzinfo=OFFICE_TZ))
    assert hearing.starts_at.date() == date(2026, 11, 19)


def test_the_same_hearing_time_twice_is_refused(case, lawyer):
    proceeding = record(case, lawyer)
    moment = datetime(2026, 12, 15, 10, tzinfo=OFFICE_TZ)
    services.schedule_hearing(proceeding, actor=lawyer, starts_at=moment)
    assert_refused(lambda: services.schedule_hearing(
        proceeding, actor=lawyer, starts_at=moment.astimezone(UTC)), "time", counts())


def test_an_outsider_cannot_schedule_a_hearing(case, lawyer):
    proceeding = record(case, lawyer)
    with pytest.raises(NotAllowed):
        services.schedule_hearing(proceeding, actor=make_user(Role.LAWYER),
                                  starts_at=NOW + timedelta(days=3))


def test_a_result_is_recorded_once_the_hearing_started_and_only_once(case, lawyer):
    proceeding = record(case, lawyer)
    hearing = services.schedule_hearing(proceeding, actor=lawyer,
                                        starts_at=datetime.combine(TODAY, time(10), OFFICE_TZ))
    services.record_hearing_result(hearing, actor=lawyer, result=" Adjourned to 20 December. ")
    assert hearing.result == "Adjourned to 20 December."
    entry = audits(AuditAction.HEARING_RECORDED)[-1]
    assert entry.changes == {"result": ["", "Adjourned to 20 December."]}
    event = court_events(case)[-1]
    assert event.data["step"] == "hearing_result"
    assert "Adjourned" not in json.dumps(event.data)
    refused = assert_refused(lambda: services.record_hearing_result(
        hearing, actor=lawyer, result="Decided."), None, counts())
    assert "already recorded" in refused.message
    assert hearing.result == "Adjourned to 20 December."


def test_a_result_before_the_hearing_started_is_refused(case, lawyer):
    proceeding = record(case, lawyer)
    hearing = services.schedule_hearing(proceeding, actor=lawyer,
                                        starts_at=NOW + timedelta(minutes=1))
    refused = assert_refused(lambda: services.record_hearing_result(
        hearing, actor=lawyer, result="Heard."), "result", counts())
    assert "not started" in refused.message


def test_an_empty_result_is_refused(case, lawyer):
    proceeding = record(case, lawyer)
    hearing = services.schedule_hearing(proceeding, actor=lawyer,
                                        starts_at=NOW - timedelta(hours=1))
    assert_refused(lambda: services.record_hearing_result(hearing, actor=lawyer, result=" "),
                   "result", counts())


def test_a_result_recorded_meanwhile_is_not_overwritten(case, lawyer, caseworker):
    proceeding = record(case, lawyer)
    hearing = services.schedule_hearing(proceeding, actor=lawyer,
                                        starts_at=NOW - timedelta(hours=1))
    db.session.flush()
    # Another request recorded it after this one loaded the hearing.
    db.session.execute(sa.update(Hearing).where(Hearing.id == hearing.id)
                       .values(result="Theirs.").execution_options(synchronize_session=False))
    before = counts()
    with pytest.raises(Refusal, match="already recorded"):
        services.record_hearing_result(hearing, actor=caseworker, result="Mine.")
    assert counts() == before
    assert hearing.result == "Theirs."


# -- the calendar address ---------------------------------------------------------------------


def test_a_calendar_address_keeps_only_the_tokens_hash_and_is_audited(lawyer):
    token = services.create_calendar_feed(actor=lawyer)
    assert len(token) >= 43
    feed = queries.calendar_feed_of(lawyer)
    assert feed.token_hash == services.token_hash(token) != token
    [entry] = audits(AuditAction.CALENDAR_FEED_CREATED)
    assert entry.changes == {"replaced": False}
    assert token not in json.dumps(entry.changes)
    assert queries.feed_by_hash(services.token_hash(token)) is feed


def test_a_new_calendar_address_replaces_the_old_one(lawyer):
    first = services.create_calendar_feed(actor=lawyer)
    second = services.create_calendar_feed(actor=lawyer)
    assert first != second
    assert db.session.scalar(sa.select(sa.func.count(CalendarFeed.id))) == 1
    assert queries.feed_by_hash(services.token_hash(first)) is None
    assert queries.feed_by_hash(services.token_hash(second)) is not None
    assert audits(AuditAction.CALENDAR_FEED_CREATED)[-1].changes == {"replaced": True}


def test_revoking_deletes_the_address_and_is_audited(lawyer):
    token = services.create_calendar_feed(actor=lawyer)
    services.revoke_calendar_feed(actor=lawyer)
    assert queries.feed_by_hash(services.token_hash(token)) is None
    [entry] = audits(AuditAction.CALENDAR_FEED_REVOKED)
    assert entry.actor_id == lawyer.id
    before = counts()
    with pytest.raises(Refusal, match="no calendar address"):
        services.revoke_calendar_feed(actor=lawyer)
    assert counts() == before


@pytest.mark.parametrize("role", [Role.MONITOR, Role.AUDITOR, Role.ADMIN])
def test_who_does_not_follow_court_gets_no_calendar_address(role):
    with pytest.raises(NotAllowed):
        services.create_calendar_feed(actor=make_user(role))
    assert counts() == (0, 0)


# -- "My hearings" ----------------------------------------------------------------------------


def test_my_hearings_are_those_argued_or_assigned_among_cases_still_read(lawyer, case):
    argued = make_proceeding(case, lawyer=lawyer)
    # Named the lawyer on a case they are no longer assigned to: they no longer read it.
    # (Made first: the factories flush, and the hearings below are not in the session yet.)
    elsewhere = make_proceeding(make_case(), lawyer=lawyer)
    soon = Hearing(proceeding=argued, starts_at=NOW + timedelta(days=2), recorded_by=lawyer)
    too_far = Hearing(proceeding=argued, starts_at=NOW + timedelta(days=91),
                      recorded_by=lawyer)
    held = Hearing(proceeding=argued, starts_at=NOW - timedelta(days=2), recorded_by=lawyer)
    done = Hearing(proceeding=argued, starts_at=NOW - timedelta(days=3), result="Heard.",
                   recorded_by=lawyer)
    long_ago = Hearing(proceeding=argued, starts_at=NOW - timedelta(days=8),
                       recorded_by=lawyer)
    gone = Hearing(proceeding=elsewhere, starts_at=NOW + timedelta(days=1), recorded_by=lawyer)
    db.session.add_all([soon, too_far, held, done, long_ago, gone])
    db.session.flush()
    now = NOW.astimezone(UTC)
    assert list(queries.upcoming_hearings(lawyer, now)) == [soon]
    assert list(queries.hearings_without_result(lawyer, now)) == [held]
    assert list(queries.upcoming_hearings(make_user(Role.LAWYER), now)) == []
