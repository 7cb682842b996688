"""The rules of recording and editing violations: on a case or a visit, their dates, facts,
status steps, who may, the audit log and the case timeline, and their evidence."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from werkzeug.datastructures import FileStorage

from casework.accounts.roles import Role
from casework.attachments import storage
from casework.attachments.models import Attachment
from casework.attachments.services import add_violation_evidence
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Event, EventKind
from casework.cases.timeline import describe
from casework.extensions import db
from casework.reference.models import Category
from casework.reference.regions import Region
from casework.refusals import InvalidTransition, NotAllowed, Refusal
from casework.violations import services
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import VisitStatus
from tests.factories import (
    make_case,
    make_category,
    make_facility,
    make_user,
    make_violation,
    make_visit,
)

TODAY = date(2026, 11, 20)
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def case(caseworker):
    return make_case(status=CaseStatus.INVESTIGATION, assignees=(caseworker,),
                     facility=make_facility(name="Colony No. 3"), received_on=date(2026, 11, 2))


@pytest.fixture
def monitor():
    return make_user(Role.MONITOR, region=Region.ASTANA)


@pytest.fixture
def visit(monitor):
    return make_visit(team=(monitor,), status=VisitStatus.CONDUCTED,
                      starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 12))


def conditions() -> Category:
    found = db.session.scalar(sa.select(Category).where(Category.code == "conditions"))
    return found or make_category("conditions")


def facts(**changes):
    fields = {"category": changes.pop("category", None) if "category" in changes else conditions(),
              "legal_basis": "UNCAT art. 16",
              "description": "Cells without daylight.", "found_on": date(2026, 11, 11),
              "people_affected": 12}
    return {**fields, **changes}


def audit_entries(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def timeline_events() -> list[Event]:
    return list(db.session.scalars(
        sa.select(Event).where(Event.kind == EventKind.VIOLATION).order_by(Event.id)))


def pdf_upload(name: str = "photo.pdf", content: bytes = MINIMAL_PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


# -- recording on a case ----------------------------------------------------------------------


def test_a_case_violation_is_alleged_at_the_case_facility_audited_and_on_the_timeline(
        case, caseworker):
    violation = services.record_on_case(case, actor=caseworker, **facts(found_on=TODAY))
    assert (violation.status, violation.facility, violation.region) == (
        ViolationStatus.ALLEGED, case.facility, case.facility.region)
    [entry] = audit_entries(AuditAction.VIOLATION_RECORDED)
    assert entry.object_id == violation.id
    assert entry.changes["case_id"] == case.id
    assert entry.changes["legal_basis"] == [None, "UNCAT art. 16"]
    [event] = timeline_events()
    assert describe(event) == ["Conditions: Violation recorded", "Alleged"]


def test_a_case_without_facility_gives_its_region_and_the_status_may_be_chosen(caseworker):
    case = make_case(status=CaseStatus.TRIAGE, assignees=(caseworker,), region=Region.ASTANA)
    violation = services.record_on_case(case, actor=caseworker,
                                        status=ViolationStatus.SUBSTANTIATED, **facts())
    assert (violation.facility, violation.region, violation.status) == (
        None, Region.ASTANA, ViolationStatus.SUBSTANTIATED)


def test_a_completed_visits_findings_stay_as_they_are(visit, monitor):
    violation = services.record_on_visit(visit, actor=monitor, **facts())
    visit.status = VisitStatus.COMPLETED
    with pytest.raises(Refusal, match="completed"):
        services.record_on_visit(visit, actor=monitor, **facts())
    with pytest.raises(Refusal, match="completed"):
        services.change_status(violation, ViolationStatus.NOT_SUBSTANTIATED, actor=monitor,
                               expected_version=violation.version, reason="Staff showed logs.")
    assert violation.status is ViolationStatus.SUBSTANTIATED


@pytest.mark.parametrize(("found_on", "allowed"), [
    (TODAY, True), (date(2026, 11, 21), False),
    (date(2021, 11, 2), True), (date(2021, 11, 1), False),
])
def test_a_case_violation_is_dated_up_to_five_years_before_receipt_and_not_later_than_today(
        case, caseworker, found_on, allowed):
    if allowed:
        assert services.record_on_case(case, actor=caseworker,
                                       **facts(found_on=found_on)).found_on == found_on
        return
    with pytest.raises(Refusal) as refused:
        services.record_on_case(case, actor=caseworker, **facts(found_on=found_on))
    assert refused.value.field == "found_on"


@pytest.mark.parametrize(("changes", "field"), [
    ({"legal_basis": "   "}, "legal_basis"),
    ({"legal_basis": "x" * 301}, "legal_basis"),
    ({"description": ""}, "description"),
    ({"people_affected": -1}, "people_affected"),
    ({"people_affected": None}, "people_affected"),
    ({"category": None}, "category"),
    ({"found_on": None}, "found_on"),
])
def test_missing_or_wrong_facts_are_refused_on_their_field(case, caseworker, changes, field):
    with pytest.raises(Refusal) as refused:
        services.record_on_case(case, actor=caseworker, **facts(**changes))
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Violation.id))) == 0


def test_no_people_affected_is_a_valid_count_and_text_is_trimmed(case, caseworker):
    violation = services.record_on_case(
        case, actor=caseworker, **facts(people_affected=0, legal_basis="  OPCAT art. 15 "))
    assert (violation.people_affected, violation.legal_basis) == (0, "OPCAT art. 15")


def test_a_category_no_longer_in_use_is_refused_for_a_new_violation(case, caseworker):
    old = make_category("old")
    old.is_active = False
    with pytest.raises(Refusal) as refused:
        services.record_on_case(case, actor=caseworker, **facts(category=old))
    assert refused.value.field == "category"


def test_only_who_works_on_the_case_records_its_violations(case):
    colleague = make_user(Role.CASEWORKER, region=Region.ASTANA)  # reads it, not assigned
    lawyer = make_user(Role.LAWYER)
    for outsider in (colleague, lawyer, make_user(Role.AUDITOR)):
        with pytest.raises(NotAllowed):
            services.record_on_case(case, actor=outsider, **facts())
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    assert services.record_on_case(case, actor=supervisor, **facts()).recorded_by == supervisor


def test_a_closed_case_gets_no_new_violation(caseworker):
    case = make_case(status=CaseStatus.CLOSED, assignees=(caseworker,))
    with pytest.raises(Refusal, match="closed"):
        services.record_on_case(case, actor=caseworker, **facts())


def test_a_facility_outside_the_actors_region_is_refused(case, caseworker):
    elsewhere = make_facility(region=Region.KARAGANDA)
    with pytest.raises(NotAllowed) as refused:
        services.record_on_case(case, actor=caseworker, facility=elsewhere, **facts())
    assert refused.value.field == "facility"
    national = make_user(Role.SUPERVISOR)
    violation = services.record_on_case(case, actor=national, facility=elsewhere, **facts())
    assert violation.region is Region.KARAGANDA


# -- recording on a visit ---------------------------------------------------------------------


def test_a_visit_violation_is_substantiated_at_the_visited_facility(visit, monitor):
    violation = services.record_on_visit(visit, actor=monitor, **facts())
    assert (violation.status, violation.facility, violation.region, violation.case) == (
        ViolationStatus.SUBSTANTIATED, visit.facility, visit.region, None)
    [entry] = audit_entries(AuditAction.VIOLATION_RECORDED)
    assert entry.changes["visit_id"] == visit.id
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0  # a visit has no timeline


@pytest.mark.parametrize("status", [VisitStatus.PLANNED, VisitStatus.CANCELLED])
def test_violations_wait_until_the_visit_has_taken_place(monitor, status):
    visit = make_visit(team=(monitor,), status=status)
    with pytest.raises(Refusal, match="taken place"):
        services.record_on_visit(visit, actor=monitor, **facts(found_on=visit.starts_on))


@pytest.mark.parametrize(("found_on", "allowed"), [
    (date(2026, 11, 9), False), (date(2026, 11, 10), True),
    (date(2026, 11, 12), True), (date(2026, 11, 13), False),
])
def test_a_visit_violation_is_dated_within_the_visit(visit, monitor, found_on, allowed):
    if allowed:
        services.record_on_visit(visit, actor=monitor, **facts(found_on=found_on))
        return
    with pytest.raises(Refusal, match="within the visit") as refused:
        services.record_on_visit(visit, actor=monitor, **facts(found_on=found_on))
    assert refused.value.field == "found_on"


def test_only_the_team_and_the_regions_supervisor_record_a_visits_violations(visit):
    for outsider in (make_user(Role.MONITOR, region=Region.ASTANA),  # reads it, not on team
                     make_user(Role.CASEWORKER, region=Region.ASTANA),
                     make_user(Role.SUPERVISOR, region=Region.KARAGANDA)):
        with pytest.raises(NotAllowed):
            services.record_on_visit(visit, actor=outsider, **facts())
    services.record_on_visit(visit, actor=make_user(Role.SUPERVISOR, region=Region.ASTANA),
                             **facts())


# -- editing and the status -------------------------------------------------------------------


def test_an_edit_is_version_checked_audited_and_on_the_case_timeline(case, caseworker):
    violation = services.record_on_case(case, actor=caseworker, **facts())
    db.session.flush()
    opened = violation.version
    services.edit_violation(violation, actor=caseworker, expected_version=opened,
                            changes={"people_affected": 3, "legal_basis": "Mandela r. 13"})
    [entry] = audit_entries(AuditAction.VIOLATION_EDITED)
    assert entry.changes == {"people_affected": [12, 3],
                             "legal_basis": ["UNCAT art. 16", "Mandela r. 13"],
                             "version": opened}
    event = timeline_events()[-1]
    assert describe(event) == ["Conditions: Violation edited", "Legal basis, People affected"]
    with pytest.raises(services.StaleViolation):
        services.edit_violation(violation, actor=caseworker, expected_version=opened,
                                changes={"people_affected": 4})
    assert violation.people_affected == 3


def test_an_edit_that_changes_nothing_writes_nothing(case, caseworker):
    violation = services.record_on_case(case, actor=caseworker, **facts())
    db.session.flush()
    assert services.edit_violation(violation, actor=caseworker,
                                   expected_version=violation.version,
                                   changes={"people_affected": 12}) == {}
    assert audit_entries(AuditAction.VIOLATION_EDITED) == []


S = ViolationStatus


@pytest.mark.parametrize(("start", "target", "allowed"), [
    (S.ALLEGED, S.SUBSTANTIATED, True),
    (S.ALLEGED, S.NOT_SUBSTANTIATED, True),
    (S.SUBSTANTIATED, S.NOT_SUBSTANTIATED, True),
    (S.NOT_SUBSTANTIATED, S.SUBSTANTIATED, True),
    (S.SUBSTANTIATED, S.ALLEGED, False),
    (S.NOT_SUBSTANTIATED, S.ALLEGED, False),
])
def test_the_status_steps(case, caseworker, start, target, allowed):
    violation = make_violation(case=case, status=start)
    if not allowed:
        with pytest.raises(InvalidTransition) as refused:
            services.change_status(violation, target, actor=caseworker,
                                   expected_version=violation.version, reason="Re-examined.")
        assert (refused.value.field, violation.status) == ("status", start)
        return
    services.change_status(violation, target, actor=caseworker,
                           expected_version=violation.version, reason="Medical report.")
    assert violation.status is target
    [entry] = audit_entries(AuditAction.VIOLATION_EDITED)
    assert entry.changes["status"] == [start.value, target.value]
    assert entry.changes["reason"] == "Medical report."
    [event] = timeline_events()
    assert describe(event)[1:] == [f"{start.label} → {target.label}", "Medical report."]


def test_a_change_of_status_needs_a_reason(case, caseworker):
    violation = make_violation(case=case)
    with pytest.raises(Refusal) as refused:
        services.change_status(violation, S.SUBSTANTIATED, actor=caseworker,
                               expected_version=violation.version, reason="  ")
    assert refused.value.field == "reason"
    assert violation.status is S.ALLEGED


def test_a_visits_violation_stays_at_the_visited_facility(visit, monitor):
    violation = services.record_on_visit(visit, actor=monitor, **facts())
    db.session.flush()
    with pytest.raises(Refusal) as refused:
        services.edit_violation(violation, actor=monitor, expected_version=violation.version,
                                changes={"facility": make_facility()})
    assert refused.value.field == "facility"


def test_moving_a_case_violation_to_another_facility_moves_its_region(case):
    national = make_user(Role.SUPERVISOR)
    violation = make_violation(case=case)
    other = make_facility(region=Region.PAVLODAR)
    services.edit_violation(violation, actor=national, expected_version=violation.version,
                            changes={"facility": other})
    assert (violation.facility, violation.region) == (other, Region.PAVLODAR)


def test_an_inactive_category_may_stay_but_not_be_chosen_anew(case, caseworker):
    violation = make_violation(case=case)
    violation.category.is_active = False
    services.edit_violation(violation, actor=caseworker, expected_version=violation.version,
                            changes={"category": violation.category, "people_affected": 1})
    retired = make_category("retired")
    retired.is_active = False
    with pytest.raises(Refusal) as refused:
        services.edit_violation(violation, actor=caseworker,
                                expected_version=violation.version,
                                changes={"category": retired})
    assert refused.value.field == "category"


def test_a_closed_cases_violations_are_not_changed(caseworker):
    case = make_case(status=CaseStatus.CLOSED, assignees=(caseworker,))
    violation = make_violation(case=case)
    with pytest.raises(Refusal, match="closed"):
        services.change_status(violation, S.SUBSTANTIATED, actor=caseworker,
                               expected_version=violation.version, reason="Seen.")


# -- evidence ---------------------------------------------------------------------------------


def test_a_case_violations_evidence_is_a_case_file_linked_to_it(case, caseworker):
    violation = make_violation(case=case)
    [added] = add_violation_evidence(violation, [pdf_upload()], actor=caseworker)
    assert (added.case_id, added.visit_id, added.violation_id) == (case.id, None, violation.id)
    assert [e.kind for e in case.events] == [EventKind.ATTACHMENT_ADDED]
    [entry] = audit_entries(AuditAction.ATTACHMENT_ADDED)
    assert entry.changes["violation_id"] == violation.id
    assert "photo.pdf" not in str(entry.changes)


def test_a_visit_violations_evidence_is_a_visit_file_linked_to_it(visit, monitor):
    violation = make_violation(visit=visit)
    [added] = add_violation_evidence(violation, [pdf_upload()], actor=monitor)
    assert (added.case_id, added.visit_id, added.violation_id) == (None, visit.id, violation.id)
    [entry] = audit_entries(AuditAction.ATTACHMENT_ADDED)
    assert entry.changes["visit_id"] == visit.id


def test_a_completed_visits_findings_take_no_more_evidence(visit, monitor):
    violation = make_violation(visit=visit)
    visit.status = VisitStatus.COMPLETED
    with pytest.raises(Refusal, match="reopened") as refused:
        add_violation_evidence(violation, [pdf_upload()], actor=monitor)
    assert refused.value.field == "files"
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_evidence_is_added_only_by_who_may_record_the_violation(visit):
    violation = make_violation(visit=visit)
    reader = make_user(Role.CASEWORKER, region=Region.ASTANA)
    with pytest.raises(NotAllowed):
        add_violation_evidence(violation, [pdf_upload()], actor=reader)
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_a_disguised_file_is_refused_and_nothing_stays_on_disk(visit, monitor, app):
    violation = make_violation(visit=visit)
    before = {p.name for p in storage.storage_dir().rglob("*") if p.is_file()}
    with pytest.raises(storage.FileRejected):
        add_violation_evidence(violation, [pdf_upload(), pdf_upload("x.pdf", b"<html>hi")],
                               actor=monitor)
    after = {p.name for p in storage.storage_dir().rglob("*") if p.is_file()}
    assert after == before
