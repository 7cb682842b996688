"""Reprisal follow-up: check-ins with the people a visit named, the case an alleged reprisal
opens in the same transaction, and the overdue check-ins on the dashboard and "My work"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case, CaseKind, Channel, PartyRole
from casework.extensions import db
from casework.reference.regions import Region
from casework.refusals import NotAllowed, Refusal
from casework.visits.models import CheckIn, CheckInResult, Interviewee, ReprisalKind, VisitStatus
from casework.visits.queries import overdue_check_ins, team_check_ins_due
from casework.visits.reprisals import CheckInInput, record_check_in
from tests.factories import (
    PASSWORD,
    make_category,
    make_facility,
    make_person,
    make_user,
    make_visit,
)
from tests.test_visits import TODAY

DUE = TODAY - timedelta(days=2)


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def reprisals():
    return make_category("reprisals")


@pytest.fixture
def monitor():
    return make_user(Role.MONITOR, region=Region.ASTANA, full_name="Marat Monitor")


def named(visit, *, number: int = 1, due: date | None = DUE, name: str = "Serik Protected"):
    interviewee = Interviewee(visit=visit, number=number, person=make_person(full_name=name),
                              next_check_in_on=due, recorded_by=visit.leader)
    db.session.add(interviewee)
    db.session.flush()
    return interviewee


@pytest.fixture
def interviewee(monitor):
    visit = make_visit(make_facility(name="Colony No. 3"), team=(monitor,),
                       status=VisitStatus.COMPLETED, starts_on=date(2026, 10, 20),
                       ends_on=date(2026, 10, 21))
    return named(visit)


def check(interviewee, actor, **changes) -> CheckIn:
    data = {"checked_on": TODAY, "result": CheckInResult.NO_CONCERNS,
            "next_check_in_on": TODAY + timedelta(days=30), **changes}
    return record_check_in(interviewee, CheckInInput(**data), actor=actor)


# -- check-ins --------------------------------------------------------------------------------


def test_a_check_in_goes_on_after_the_visits_record_is_completed(interviewee, monitor):
    done = check(interviewee, monitor, note="Fine, moved to another unit")
    assert (done.due_on, done.checked_on, done.result, done.case) == (
        DUE, TODAY, CheckInResult.NO_CONCERNS, None)
    assert interviewee.next_check_in_on == TODAY + timedelta(days=30)
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.CHECK_IN_RECORDED)).one()
    assert entry.object_type == "visit_interviewees"
    assert entry.object_id == interviewee.id
    assert entry.changes["next_check_in_on"] == [DUE.isoformat(), "2026-12-10"]
    assert "Serik" not in str(entry.changes)


def test_no_next_date_ends_the_follow_up_and_a_later_call_is_still_recorded(interviewee, monitor):
    check(interviewee, monitor, next_check_in_on=None)
    assert interviewee.next_check_in_on is None
    later = check(interviewee, monitor, checked_on=TODAY, next_check_in_on=None)
    assert later.due_on == TODAY  # unscheduled: due the day it happened


def test_someone_not_reached_is_tried_again(interviewee, monitor):
    with pytest.raises(Refusal, match="choose when to try again") as refused:
        check(interviewee, monitor, result=CheckInResult.NOT_REACHED, next_check_in_on=None)
    assert refused.value.field == "next_check_in_on"


@pytest.mark.parametrize(("changes", "field"), [
    ({"checked_on": TODAY + timedelta(days=1)}, "checked_on"),
    ({"checked_on": date(2026, 10, 19)}, "checked_on"),
    ({"next_check_in_on": TODAY}, "next_check_in_on"),
    ({"next_check_in_on": TODAY + timedelta(days=400)}, "next_check_in_on"),
    ({"result": CheckInResult.REPRISAL_ALLEGED}, "reprisal_kind"),
    ({"reprisal_kind": ReprisalKind.THREATS}, "reprisal_kind"),
])
def test_implausible_check_ins_are_refused(interviewee, monitor, reprisals, changes, field):
    with pytest.raises(Refusal) as refused:
        check(interviewee, monitor, **changes)
    assert refused.value.field == field


def test_only_who_records_the_visit_checks_in(interviewee):
    for user in (make_user(Role.MONITOR, region=Region.ASTANA),
                 make_user(Role.CASEWORKER, region=Region.ASTANA),
                 make_user(Role.SUPERVISOR, region=Region.ABAI)):
        with pytest.raises(NotAllowed):
            check(interviewee, user)
    check(interviewee, make_user(Role.SUPERVISOR, region=Region.ASTANA))


# -- a reprisal alleged opens a case ----------------------------------------------------------


def test_an_alleged_reprisal_opens_a_linked_case_in_the_same_transaction(
    interviewee, monitor, reprisals
):
    done = check(interviewee, monitor, result=CheckInResult.REPRISAL_ALLEGED,
                 reprisal_kind=ReprisalKind.LOSS_OF_PAROLE_SUPPORT,
                 note="The administration withdrew its support for his parole.")
    case = done.case
    visit = interviewee.visit
    assert case is not None
    assert done.case_id == case.id
    assert (case.kind, case.channel, case.status) == (
        CaseKind.OWN_INITIATIVE, Channel.NPM_VISIT, CaseStatus.REGISTERED)
    assert [c.code for c in case.categories] == ["reprisals"]
    assert (case.facility, case.region, case.visit) == (visit.facility, Region.ASTANA, visit)
    assert case.received_on == TODAY
    assert not case.is_urgent
    assert case.summary == ("Reprisal alleged after NPM visit "
                            f"{visit.reference}: Loss of the administration's support for parole")
    assert case.description == "The administration withdrew its support for his parole."
    [party] = case.parties
    assert (party.person, party.role, party.is_reprisal_risk, party.consents_to_disclosure) == (
        interviewee.person, PartyRole.VICTIM, True, False)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {AuditAction.CASE_REGISTERED, AuditAction.PARTY_ADDED,
            AuditAction.CHECK_IN_RECORDED} <= actions


def test_violence_makes_the_case_urgent(interviewee, monitor, reprisals):
    done = check(interviewee, monitor, result=CheckInResult.REPRISAL_ALLEGED,
                 reprisal_kind=ReprisalKind.VIOLENCE)
    assert done.case.is_urgent
    assert done.case.first_action_due is not None


def test_without_the_reprisals_category_nothing_is_recorded(interviewee, monitor):
    db.session.commit()
    with pytest.raises(Refusal, match="“reprisals” is missing"):
        check(interviewee, monitor, result=CheckInResult.REPRISAL_ALLEGED,
              reprisal_kind=ReprisalKind.THREATS)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_the_check_in_page_goes_on_to_the_new_case_which_the_team_reads(
    app, interviewee, monitor, reprisals
):
    visit = interviewee.visit
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": monitor.email, "password": PASSWORD})
    url = f"/visits/{visit.id}/interviewees/{interviewee.id}/check-in"
    form = client.get(url).get_data(as_text=True)
    assert "Serik Protected" in form
    assert "Loss of the administration" in form
    response = client.post(url, data={"checked_on": TODAY.isoformat(),
                                      "result": "reprisal_alleged", "reprisal_kind": ""})
    assert response.status_code == 422
    assert "Choose the kind of reprisal alleged." in response.get_data(as_text=True)
    response = client.post(url, data={
        "checked_on": TODAY.isoformat(), "result": "reprisal_alleged",
        "reprisal_kind": "threats", "note": "Guards threatened him",
        "next_check_in_on": (TODAY + timedelta(days=7)).isoformat()})
    case = db.session.scalars(sa.select(Case)).one()
    assert response.status_code == 302
    assert response.location == f"/cases/{case.id}"
    html = client.get(response.location).get_data(as_text=True)
    assert f"Case {case.reference} was opened for the reprisal." in html
    assert "Serik Protected" not in html  # a monitor reads the victim's pseudonym
    assert case.reference in client.get(f"/visits/{visit.id}").get_data(as_text=True)


# -- what is due ------------------------------------------------------------------------------


def test_overdue_check_ins_are_those_of_visits_the_user_records(interviewee, monitor):
    visit = interviewee.visit
    not_yet = named(visit, number=2, due=TODAY)
    ended = named(visit, number=3, due=None)
    elsewhere = named(make_visit(make_facility(region=Region.ABAI), status=VisitStatus.CONDUCTED),
                      due=DUE - timedelta(days=1))
    assert [row.interviewee for row in overdue_check_ins(monitor).rows] == [interviewee]
    assert overdue_check_ins(monitor).rows[0].due.days_left == -2
    astana = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    assert [row.interviewee for row in overdue_check_ins(astana).rows] == [interviewee]
    country = make_user(Role.SUPERVISOR)
    assert [row.interviewee for row in overdue_check_ins(country).rows] == [
        elsewhere, interviewee]
    for reader in (make_user(Role.MONITOR, region=Region.ASTANA),
                   make_user(Role.CASEWORKER, region=Region.ASTANA)):
        assert overdue_check_ins(reader).total == 0
    assert {row.interviewee for row in team_check_ins_due(monitor, TODAY).rows} == {
        interviewee, not_yet}
    assert ended not in {row.interviewee for row in team_check_ins_due(monitor, TODAY).rows}
    assert team_check_ins_due(astana, TODAY).total == 0  # not on the team


def test_the_dashboard_shows_overdue_check_ins_without_names(app, interviewee, monitor):
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": monitor.email, "password": PASSWORD})
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Overdue reprisal check-ins" in html
    assert "Interviewee 1" in html
    assert interviewee.visit.reference in html
    assert "Serik Protected" not in html
    assert f"/interviewees/{interviewee.id}/check-in" in html
    interviewee.next_check_in_on = TODAY + timedelta(days=3)
    db.session.commit()
    assert "Overdue reprisal check-ins" not in client.get("/dashboard").get_data(as_text=True)


def test_my_work_lists_the_check_ins_due_on_my_visits(app, interviewee, monitor):
    named(interviewee.visit, number=2, due=TODAY + timedelta(days=2), name="Asel Soon")
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": monitor.email, "password": PASSWORD})
    html = client.get("/").get_data(as_text=True)
    assert "Reprisal check-ins due" in html
    assert "Interviewee 1" in html
    assert "Interviewee 2" in html
    assert "Asel Soon" not in html
    outsider = make_user(Role.MONITOR, region=Region.ASTANA)
    db.session.commit()
    other = app.test_client()
    other.post("/login", data={"email": outsider.email, "password": PASSWORD})
    assert "No check-in is due on your visits." in other.get("/").get_data(as_text=True)
