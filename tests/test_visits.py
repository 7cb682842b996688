"""Visits through their services: planning with the team and external participants, the
lifecycle table, editing with stale-save protection, obstruction, interviews and CCTV, the
people named for follow-up, and the audit entry every write leaves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.people.models import Person, Sex
from casework.people.services import NewPerson
from casework.reference.models import CctvChange, CctvCoverage
from casework.reference.regions import Region
from casework.refusals import InvalidTransition, NotAllowed, Refusal
from casework.visits import records, services
from casework.visits.lifecycle import STEPS, steps_from
from casework.visits.models import (
    NpmParticipant,
    ObstructionKind,
    Visit,
    VisitStatus,
    VisitType,
)
from casework.visits.records import IntervieweeInput, ObstructionInput
from casework.visits.services import VisitInput
from casework.workdays import WorkingCalendar
from tests.factories import make_facility, make_person, make_user, make_visit, valid_iin

TODAY = date(2026, 11, 10)  # a Tuesday


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


# -- helpers shared by the visit and reprisal test files --------------------------------------


def make_participant(name: str = "Aigerim Expert", *, signed_on: date | None = date(2026, 1, 1),
                     valid_until: date | None = date(2027, 12, 31), **kw) -> NpmParticipant:
    participant = NpmParticipant(full_name=name, declaration_signed_on=signed_on,
                                 declaration_valid_until=valid_until, **kw)
    db.session.add(participant)
    db.session.flush()
    return participant


def plan(actor, facility=None, **changes) -> Visit:
    """A visit planned through the service, by default for next week."""
    facility = facility or make_facility(region=actor.region or Region.ASTANA)
    data = {
        "facility": facility, "type": VisitType.PLANNED, "is_announced": False,
        "starts_on": TODAY + timedelta(days=7), "ends_on": TODAY + timedelta(days=8),
        "team": [actor], **changes,
    }
    return services.plan_visit(VisitInput(**data), actor=actor)


def conducted(monitor=None, **kw) -> Visit:
    """A visit that took place yesterday and today, its team one monitor of Astana."""
    monitor = monitor or make_user(Role.MONITOR, region=Region.ASTANA)
    return make_visit(team=(monitor,), status=kw.pop("status", VisitStatus.CONDUCTED),
                      starts_on=kw.pop("starts_on", TODAY - timedelta(days=1)),
                      ends_on=kw.pop("ends_on", TODAY), **kw)


def audit_actions(obj) -> list[AuditAction]:
    return list(db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == obj.__tablename__,
                                           AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.id)))


def edit_input(visit: Visit, **changes) -> VisitInput:
    data = {
        "facility": visit.facility, "type": visit.type, "is_announced": visit.is_announced,
        "starts_on": visit.starts_on, "ends_on": visit.ends_on, "team": visit.team,
        "participants": [p.participant for p in visit.participants], "leader": visit.leader,
        "theme": visit.theme, "purpose": visit.purpose, "summary": visit.summary, **changes,
    }
    return VisitInput(**data)


@pytest.fixture
def monitor():
    return make_user(Role.MONITOR, region=Region.ASTANA)


@pytest.fixture
def supervisor():
    return make_user(Role.SUPERVISOR, region=Region.ASTANA)


# -- planning ---------------------------------------------------------------------------------


def test_a_monitor_plans_a_visit_numbered_in_its_year_and_leads_it(monitor):
    visit = plan(monitor, purpose="  Check the punishment cells.  ")
    assert visit.reference == "NPM-2026-0001"
    assert visit.status is VisitStatus.PLANNED
    assert visit.team == [monitor]
    assert visit.leader == monitor
    assert visit.region is Region.ASTANA
    assert visit.purpose == "Check the punishment cells."
    assert audit_actions(visit) == [AuditAction.VISIT_PLANNED]
    assert plan(monitor, starts_on=date(2027, 1, 5),
                ends_on=date(2027, 1, 5)).reference == "NPM-2027-0001"


def test_a_monitor_who_plans_for_others_is_put_on_the_team(monitor):
    colleague = make_user(Role.MONITOR, region=Region.ASTANA)
    visit = plan(monitor, team=[colleague])
    assert {user.id for user in visit.team} == {monitor.id, colleague.id}
    assert visit.leader == monitor


def test_a_supervisor_plans_without_being_on_the_team(supervisor, monitor):
    visit = plan(supervisor, team=[monitor])
    assert visit.team == [monitor]
    assert visit.leader == monitor
    with pytest.raises(Refusal) as refused:
        plan(supervisor, team=[])
    assert refused.value.field == "team"


def test_a_region_bound_planner_picks_an_active_facility_of_their_region(monitor):
    with pytest.raises(Refusal, match="your region") as refused:
        plan(monitor, facility=make_facility(region=Region.ALMATY_CITY))
    assert refused.value.field == "facility"
    with pytest.raises(Refusal, match="no longer active"):
        plan(monitor, facility=make_facility(is_active=False))
    country = make_user(Role.SUPERVISOR)
    assert plan(country, facility=make_facility(region=Region.ABAI),
                team=[make_user(Role.MONITOR)]).region is Region.ABAI


def test_the_team_is_monitors_and_supervisors_who_cover_the_region(monitor):
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    elsewhere = make_user(Role.MONITOR, region=Region.ALMATY_CITY)
    inactive = make_user(Role.MONITOR, is_active_account=False)
    with pytest.raises(Refusal) as refused:
        plan(monitor, team=[monitor, caseworker, elsewhere, inactive])
    assert refused.value.field == "team"
    for user in (caseworker, elsewhere, inactive):
        assert user.full_name in refused.value.message
    anywhere = make_user(Role.MONITOR)  # no region: the whole country
    assert anywhere in plan(monitor, team=[monitor, anywhere]).team


def test_the_leader_is_on_the_team(monitor):
    colleague = make_user(Role.MONITOR, region=Region.ASTANA)
    assert plan(monitor, team=[monitor, colleague], leader=colleague).leader == colleague
    with pytest.raises(Refusal, match="leader must be on the team"):
        plan(monitor, leader=make_user(Role.MONITOR, region=Region.ASTANA))


def test_external_participants_need_a_declaration_in_force_on_every_day(monitor):
    fine = make_participant("Fine Expert")
    missing = make_participant("Missing Declaration", signed_on=None)
    expired = make_participant("Expired Declaration", valid_until=TODAY + timedelta(days=7))
    late = make_participant("Late Signature", signed_on=TODAY + timedelta(days=8))
    retired = make_participant("Retired Expert", is_active=False)
    with pytest.raises(Refusal) as refused:
        plan(monitor, participants=[fine, missing, expired, late, retired])
    message = refused.value.message
    assert refused.value.field == "participants"
    assert "Fine Expert" not in message
    assert "Missing Declaration (no signed eligibility declaration)" in message
    assert "Expired Declaration (the declaration is valid until 17 Nov 2026)" in message
    assert "Late Signature (the declaration was signed on 18 Nov 2026" in message
    assert "Retired Expert (no longer active" in message
    visit = plan(monitor, participants=[fine])
    assert [p.participant for p in visit.participants] == [fine]


def test_a_thematic_visit_names_its_theme_and_others_keep_none(monitor):
    with pytest.raises(Refusal) as refused:
        plan(monitor, type=VisitType.THEMATIC, theme="  ")
    assert refused.value.field == "theme"
    assert plan(monitor, type=VisitType.THEMATIC, theme="Tuberculosis care").theme == \
        "Tuberculosis care"
    assert plan(monitor, theme="Stray theme").theme == ""


@pytest.mark.parametrize(("starts_on", "ends_on", "field"), [
    (TODAY + timedelta(days=3), TODAY + timedelta(days=2), "ends_on"),
    (TODAY, TODAY + timedelta(days=31), "ends_on"),
    (TODAY + timedelta(days=800), TODAY + timedelta(days=800), "starts_on"),
    (TODAY - timedelta(days=400), TODAY - timedelta(days=400), "starts_on"),
])
def test_implausible_dates_are_refused(monitor, starts_on, ends_on, field):
    with pytest.raises(Refusal) as refused:
        plan(monitor, starts_on=starts_on, ends_on=ends_on)
    assert refused.value.field == field


def test_people_without_the_right_do_not_plan(monitor):
    for role in (Role.CASEWORKER, Role.LAWYER, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(NotAllowed):
            plan(make_user(role, region=Region.ASTANA), team=[monitor])


# -- the lifecycle ----------------------------------------------------------------------------


def test_the_table_offers_each_status_its_steps():
    assert [s.action for s in steps_from(VisitStatus.PLANNED)] == ["conduct", "cancel"]
    assert [s.action for s in steps_from(VisitStatus.CONDUCTED)] == ["complete"]
    assert [s.action for s in steps_from(VisitStatus.COMPLETED)] == ["reopen"]
    assert steps_from(VisitStatus.CANCELLED) == []
    assert {s.action for s in STEPS} == {"conduct", "complete", "cancel", "reopen"}


def test_a_visit_is_conducted_from_its_first_day(monitor):
    visit = plan(monitor)
    with pytest.raises(InvalidTransition, match="starts on 17 Nov 2026"):
        services.apply_step(visit, "conduct", actor=monitor)
    assert visit.status is VisitStatus.PLANNED
    with time_machine.travel(visit.starts_on):
        services.apply_step(visit, "conduct", actor=monitor)
    assert visit.status is VisitStatus.CONDUCTED
    assert audit_actions(visit) == [AuditAction.VISIT_PLANNED, AuditAction.VISIT_STEP]


def test_completing_needs_the_findings_and_the_interview_count(monitor):
    visit = conducted(monitor)
    records.add_interviewee(visit, IntervieweeInput(NewPerson("Named Person"),
                                                    first_check_in_on=TODAY), actor=monitor)
    with pytest.raises(InvalidTransition) as refused:
        services.apply_step(visit, "complete", actor=monitor, summary=" ",
                            interviews_in_private=3)
    assert refused.value.field == "summary"
    with pytest.raises(Refusal) as refused:
        services.apply_step(visit, "complete", actor=monitor, summary="Overcrowded cells.")
    assert refused.value.field == "interviews_in_private"
    with pytest.raises(Refusal, match="1 person interviewed in private is named"):
        services.apply_step(visit, "complete", actor=monitor, summary="Overcrowded cells.",
                            interviews_in_private=0)
    services.apply_step(visit, "complete", actor=monitor, summary="Overcrowded cells.",
                        interviews_in_private=12)
    assert visit.status is VisitStatus.COMPLETED
    assert visit.completed_on == TODAY
    assert (visit.summary, visit.interviews_in_private) == ("Overcrowded cells.", 12)


def test_a_visit_is_completed_from_its_last_day(monitor):
    visit = conducted(monitor, starts_on=TODAY, ends_on=TODAY + timedelta(days=1))
    with pytest.raises(InvalidTransition, match="ends on"):
        services.apply_step(visit, "complete", actor=monitor, summary="Seen.",
                            interviews_in_private=1)


def test_cancelling_needs_a_reason_and_only_a_planned_visit_is_cancelled(monitor):
    visit = plan(monitor)
    with pytest.raises(InvalidTransition) as refused:
        services.apply_step(visit, "cancel", actor=monitor, reason="")
    assert refused.value.field == "reason"
    services.apply_step(visit, "cancel", actor=monitor, reason="Quarantine at the colony")
    assert (visit.status, visit.cancel_reason) == (VisitStatus.CANCELLED, "Quarantine at the "
                                                                          "colony")
    with pytest.raises(InvalidTransition, match="not possible while the visit is cancelled"):
        services.apply_step(visit, "conduct", actor=monitor)


def test_only_the_regions_supervisor_reopens_a_completed_record(monitor, supervisor):
    visit = conducted(monitor, status=VisitStatus.COMPLETED, completed_on=TODAY)
    with pytest.raises(NotAllowed):
        services.apply_step(visit, "reopen", actor=monitor, reason="Missing finding")
    other_region = make_user(Role.SUPERVISOR, region=Region.ALMATY_CITY)
    with pytest.raises(NotAllowed):
        services.apply_step(visit, "reopen", actor=other_region, reason="Missing finding")
    with pytest.raises(InvalidTransition):
        services.apply_step(visit, "reopen", actor=supervisor, reason=" ")
    services.apply_step(visit, "reopen", actor=supervisor, reason="Missing finding")
    assert (visit.status, visit.completed_on) == (VisitStatus.CONDUCTED, None)
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.VISIT_STEP)).one()
    assert entry.changes["action"] == "reopen"
    assert entry.changes["reason"] == "Missing finding"
    assert entry.changes["status"] == ["completed", "conducted"]


def test_an_unknown_step_is_refused(monitor):
    with pytest.raises(InvalidTransition, match="no such action"):
        services.apply_step(plan(monitor), "approve", actor=monitor)


def test_a_monitor_not_on_the_team_records_nothing(monitor):
    visit = conducted(monitor)
    outsider = make_user(Role.MONITOR, region=Region.ASTANA)
    with pytest.raises(NotAllowed):
        services.apply_step(visit, "complete", actor=outsider, summary="x",
                            interviews_in_private=1)
    with pytest.raises(NotAllowed):
        records.record_obstruction(visit, ObstructionInput(
            ObstructionKind.INTIMIDATION, TODAY, "Threats."), actor=outsider)


# -- editing ----------------------------------------------------------------------------------


def test_editing_changes_the_plan_and_is_audited_with_its_version(monitor):
    visit = plan(monitor)
    version = visit.version
    colleague = make_user(Role.MONITOR, region=Region.ASTANA)
    assert services.edit_visit(visit, edit_input(visit, purpose="Medical care",
                                                 team=[monitor, colleague]),
                               expected_version=version, actor=monitor)
    assert visit.purpose == "Medical care"
    assert colleague in visit.team
    assert visit.version > version
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.VISIT_EDITED)).one()
    assert entry.changes["version"] == version
    assert entry.changes["member_ids"] == [[monitor.id], sorted([monitor.id, colleague.id])]
    assert not services.edit_visit(visit, edit_input(visit), expected_version=visit.version,
                                   actor=monitor)


def test_a_team_change_alone_is_a_new_version(monitor):
    visit = plan(monitor)
    db.session.commit()
    version = visit.version
    colleague = make_user(Role.MONITOR, region=Region.ASTANA)
    services.edit_visit(visit, edit_input(visit, team=[monitor, colleague]),
                        expected_version=version, actor=monitor)
    db.session.commit()
    assert visit.version > version


def test_an_edit_from_an_old_version_is_refused_with_what_changed(monitor):
    visit = plan(monitor)
    opened = visit.version
    services.edit_visit(visit, edit_input(visit, purpose="First purpose"),
                        expected_version=opened, actor=monitor)
    db.session.flush()
    with pytest.raises(services.StaleEdit) as stale:
        services.edit_visit(visit, edit_input(visit, purpose="Second purpose"),
                            expected_version=opened, actor=monitor)
    [row] = stale.value.changes
    assert (row.name, row.opened_value, row.current_value) == ("purpose", "—", "First purpose")
    assert row.who == monitor.full_name


def test_a_completed_or_cancelled_visit_is_not_edited(monitor):
    visit = conducted(monitor, status=VisitStatus.COMPLETED)
    with pytest.raises(Refusal, match="completed"):
        services.edit_visit(visit, edit_input(visit, purpose="Late change"),
                            expected_version=visit.version, actor=monitor)
    assert visit.purpose == ""


def test_after_the_visit_the_facility_stays_and_the_dates_keep_recorded_obstruction(monitor):
    visit = conducted(monitor)
    with pytest.raises(Refusal, match="facility cannot change") as refused:
        services.edit_visit(visit, edit_input(visit, facility=make_facility()),
                            expected_version=visit.version, actor=monitor)
    assert refused.value.field == "facility"
    records.record_obstruction(visit, ObstructionInput(
        ObstructionKind.ACCESS_DENIED, TODAY - timedelta(days=1), "Gate closed."), actor=monitor)
    with pytest.raises(Refusal, match="Obstruction was recorded on 9 Nov 2026"):
        services.edit_visit(visit, edit_input(visit, starts_on=TODAY),
                            expected_version=visit.version, actor=monitor)
    with pytest.raises(Refusal, match="cannot start in the future"):
        services.edit_visit(visit, edit_input(visit, starts_on=TODAY + timedelta(days=1),
                                              ends_on=TODAY + timedelta(days=1)),
                            expected_version=visit.version, actor=monitor)


def test_a_monitor_cannot_take_themselves_off_the_team(monitor, supervisor):
    colleague = make_user(Role.MONITOR, region=Region.ASTANA)
    visit = plan(monitor, team=[monitor, colleague])
    with pytest.raises(Refusal, match="cannot take yourself off"):
        services.edit_visit(visit, edit_input(visit, team=[colleague], leader=colleague),
                            expected_version=visit.version, actor=monitor)
    services.edit_visit(visit, edit_input(visit, team=[colleague], leader=colleague),
                        expected_version=visit.version, actor=supervisor)
    assert visit.team == [colleague]


def test_moved_dates_check_every_participants_declaration_again(monitor):
    participant = make_participant(valid_until=TODAY + timedelta(days=10))
    visit = plan(monitor, participants=[participant])
    assert services.edit_visit(visit, edit_input(visit, purpose="Same dates"),
                               expected_version=visit.version, actor=monitor)
    later = TODAY + timedelta(days=20)
    with pytest.raises(Refusal, match="Aigerim Expert"):
        services.edit_visit(visit, edit_input(visit, starts_on=later, ends_on=later),
                            expected_version=visit.version, actor=monitor)


# -- entries ----------------------------------------------------------------------------------


def test_obstruction_is_recorded_on_a_day_of_the_visit(monitor):
    visit = conducted(monitor)
    with pytest.raises(Refusal, match="Choose a day of the visit") as refused:
        records.record_obstruction(visit, ObstructionInput(
            ObstructionKind.DOCUMENTS_REFUSED, TODAY - timedelta(days=2), "No registers."),
            actor=monitor)
    assert refused.value.field == "occurred_on"
    obstruction = records.record_obstruction(visit, ObstructionInput(
        ObstructionKind.ACCESS_DELAYED, TODAY, "Kept at the gate.", delay_minutes=95,
        official="Duty officer"), actor=monitor)
    assert obstruction.visit is visit
    assert obstruction.recorded_by == monitor
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.VISIT_ENTRY_RECORDED)).one()
    assert entry.changes["entry"] == "obstruction"
    assert entry.changes["delay_minutes"] == 95


@pytest.mark.parametrize(("kind", "minutes", "message"), [
    (ObstructionKind.ACCESS_DELAYED, None, "how many minutes"),
    (ObstructionKind.ACCESS_DENIED, 30, "for “Access delayed” only"),
    (ObstructionKind.ACCESS_DELAYED, 0, "how many minutes"),
    (ObstructionKind.ACCESS_DELAYED, 20000, "at most a week"),
])
def test_minutes_of_delay_go_with_access_delayed_only(monitor, kind, minutes, message):
    with pytest.raises(Refusal, match=message) as refused:
        records.record_obstruction(conducted(monitor), ObstructionInput(
            kind, TODAY, "At the gate.", delay_minutes=minutes), actor=monitor)
    assert refused.value.field == "delay_minutes"


def test_entries_wait_for_the_visit_and_stop_with_its_record(monitor):
    planned = plan(monitor, starts_on=TODAY, ends_on=TODAY)
    entry = ObstructionInput(ObstructionKind.STAFF_PRESENT, TODAY, "A guard listened.")
    with pytest.raises(Refusal, match="Mark the visit as conducted"):
        records.record_obstruction(planned, entry, actor=monitor)
    completed = conducted(monitor, status=VisitStatus.COMPLETED)
    with pytest.raises(Refusal, match="can no longer be changed"):
        records.record_obstruction(completed, entry, actor=monitor)


def test_an_obstruction_recorded_in_error_is_removed_and_audited(monitor):
    visit = conducted(monitor)
    obstruction = records.record_obstruction(visit, ObstructionInput(
        ObstructionKind.INTIMIDATION, TODAY, "Shouted at the team."), actor=monitor)
    db.session.flush()
    records.remove_obstruction(obstruction, actor=monitor)
    db.session.flush()
    assert visit.obstructions == []
    removed = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.VISIT_ENTRY_REMOVED)).one()
    assert removed.changes["description"] == "Shouted at the team."


def test_cctv_seen_goes_into_the_facilitys_history_dated_the_last_day(monitor):
    visit = conducted(monitor, starts_on=TODAY - timedelta(days=3),
                      ends_on=TODAY - timedelta(days=2))
    assert records.record_observations(visit, actor=monitor, interviews_in_private=7,
                                       cctv_seen=CctvCoverage.PARTIAL)
    change = db.session.scalars(sa.select(CctvChange)).one()
    assert (change.coverage, change.changed_on, change.visit) == (
        CctvCoverage.PARTIAL, TODAY - timedelta(days=2), visit)
    assert visit.facility.cctv_coverage is CctvCoverage.PARTIAL
    assert visit.interviews_in_private == 7
    assert not records.record_observations(visit, actor=monitor, interviews_in_private=7,
                                           cctv_seen=CctvCoverage.PARTIAL)
    assert db.session.scalar(sa.select(sa.func.count(CctvChange.id))) == 1


# -- interviewees -----------------------------------------------------------------------------


def test_an_interviewee_is_numbered_and_first_checked_ten_working_days_after(monitor):
    visit = conducted(monitor)  # ends Tuesday 10 November
    assert records.first_check_in_on(visit) == date(2026, 11, 24)
    first = records.add_interviewee(visit, IntervieweeInput(
        NewPerson("Serik Interviewed", iin=valid_iin(), sex=Sex.MALE), risk_note="Guards",
        first_check_in_on=records.first_check_in_on(visit)), actor=monitor)
    second = records.add_interviewee(visit, IntervieweeInput(
        NewPerson("Asel Interviewed"), is_reprisal_risk=False), actor=monitor)
    assert (first.number, second.number) == (1, 2)
    assert first.next_check_in_on == date(2026, 11, 24)
    assert second.next_check_in_on is None
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.VISIT_ENTRY_RECORDED)).all()
    assert all("Interviewed" not in str(entry.changes) for entry in entries)  # no names


def test_the_default_check_in_skips_the_office_calendars_days_off():
    visit = make_visit(starts_on=date(2026, 12, 11), ends_on=date(2026, 12, 11))
    calendar = WorkingCalendar(days_off=frozenset({date(2026, 12, 14)}))
    # 16-17 December are Independence Day; 14 December a transferred day off.
    assert records.first_check_in_on(visit, calendar) == date(2026, 12, 29)


def test_a_typed_iin_never_tells_a_stranger_that_the_person_is_registered(monitor):
    """A monitor may not identify a registered person: whatever name they type with the IIN,
    the answer is the one an unregistered IIN gets (the person's own record, without it)."""
    iin = valid_iin("90010130011")
    registered = make_person(full_name="Registered Name", iin=iin)
    visit = conducted(monitor)
    db.session.commit()
    guessed = records.add_interviewee(visit, IntervieweeInput(
        NewPerson("Guessed Name", iin=iin), first_check_in_on=TODAY), actor=monitor)
    right = records.add_interviewee(visit, IntervieweeInput(
        NewPerson("registered  name", iin=iin), first_check_in_on=TODAY), actor=monitor)
    assert (guessed.person.full_name, guessed.person.iin) == ("Guessed Name", None)
    assert (right.person.full_name, right.person.iin) == ("registered  name", None)
    assert registered not in (guessed.person, right.person)
    assert (registered.full_name, registered.iin) == ("Registered Name", iin)
    # An IIN the team itself registered on this visit is theirs to know: it links.
    own_iin = valid_iin("91020230022")
    records.add_interviewee(visit, IntervieweeInput(
        NewPerson("Named Here", iin=own_iin), first_check_in_on=TODAY), actor=monitor)
    with pytest.raises(Refusal, match="already named on this visit as interviewee 3"):
        records.add_interviewee(visit, IntervieweeInput(
            NewPerson("Other Spelling", iin=own_iin), first_check_in_on=TODAY), actor=monitor)


def test_an_invalid_iin_or_check_in_date_is_refused(monitor):
    visit = conducted(monitor)
    with pytest.raises(Refusal) as refused:
        records.add_interviewee(visit, IntervieweeInput(
            NewPerson("Someone", iin="123456789012"), first_check_in_on=TODAY), actor=monitor)
    assert refused.value.field == "iin"
    for day in (None, TODAY - timedelta(days=5), TODAY + timedelta(days=400)):
        with pytest.raises(Refusal) as refused:
            records.add_interviewee(visit, IntervieweeInput(
                NewPerson("Someone"), first_check_in_on=day), actor=monitor)
        assert refused.value.field == "first_check_in_on"


def test_an_interviewee_named_in_error_is_removed_until_checked_in(monitor):
    visit = conducted(monitor)
    interviewee = records.add_interviewee(visit, IntervieweeInput(
        NewPerson("Wrong Person"), first_check_in_on=TODAY), actor=monitor)
    db.session.flush()
    records.remove_interviewee(interviewee, actor=monitor)
    db.session.flush()
    assert visit.interviewees == []
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 1  # the record stays
    assert AuditAction.VISIT_ENTRY_REMOVED in audit_actions(visit)
