"""Violation pages over HTTP, per role: recording on a visit and on a case, the list and what
each reader sees in it, a violation's page, its status and evidence, editing with a conflict,
the case and visit sections, and drafting a recommendation from a visit's findings."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask, render_template
from flask_login import login_user
from werkzeug.datastructures import FileStorage

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.attachments.models import Attachment
from casework.attachments.services import add_violation_evidence
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case
from casework.extensions import db
from casework.recommendations.models import Recommendation
from casework.reference.models import Category, Facility, FacilityType
from casework.reference.regions import Region
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Visit, VisitStatus
from tests.factories import (
    PASSWORD,
    make_authority,
    make_case,
    make_category,
    make_facility,
    make_user,
    make_violation,
    make_visit,
)

TODAY = date(2026, 11, 20)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
S = ViolationStatus


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


@dataclass
class World:
    facility: Facility
    conditions: Category
    torture: Category
    monitor: User  # on the visit's team
    caseworker: User  # of the region: reads the visit, assigned to the case
    reader: User  # a caseworker of the region, not assigned: reads the visit and open cases
    lawyer: User  # assigned to the case
    supervisor: User
    visit: Visit
    case: Case
    on_visit: Violation
    on_case: Violation
    foreign_visit: Violation
    foreign_case: Violation


@pytest.fixture
def world() -> World:
    facility = make_facility(name="Colony No. 3", type=FacilityType.PENAL_COLONY)
    conditions, torture = make_category("conditions"), make_category("torture")
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    lawyer = make_user(Role.LAWYER)
    visit = make_visit(facility, team=(monitor,), status=VisitStatus.CONDUCTED,
                       starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 12))
    case = make_case(status=CaseStatus.INVESTIGATION, facility=facility,
                     assignees=(caseworker, lawyer))
    karaganda = make_facility(region=Region.KARAGANDA, type=FacilityType.PRETRIAL_DETENTION)
    world = World(
        facility=facility, conditions=conditions, torture=torture, monitor=monitor,
        caseworker=caseworker, reader=make_user(Role.CASEWORKER, region=Region.ASTANA),
        lawyer=lawyer, supervisor=make_user(Role.SUPERVISOR, region=Region.ASTANA),
        visit=visit, case=case,
        on_visit=make_violation(visit=visit, category=conditions, status=S.SUBSTANTIATED,
                                found_on=date(2026, 11, 11),
                                description="Cells without daylight."),
        on_case=make_violation(case=case, category=torture, found_on=date(2026, 10, 30),
                               description="Beaten at the admission unit."),
        foreign_visit=make_violation(
            visit=make_visit(karaganda, status=VisitStatus.CONDUCTED),
            category=conditions, description="Karaganda visit finding."),
        foreign_case=make_violation(
            case=make_case(region=Region.KARAGANDA, facility=karaganda,
                           status=CaseStatus.INVESTIGATION),
            category=torture, description="Karaganda case finding."),
    )
    db.session.commit()
    return world


def sign_in(app: Flask, user: User):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def listed_descriptions(client, query: str = "") -> set[str]:
    response = client.get("/violations" + query)
    assert response.status_code == 200
    return set(re.findall(r'class="clamp-2" title="([^"]*)"', text(response)))


def record_form(**changes) -> dict:
    return {"category": "", "legal_basis": "Nelson Mandela Rules, r. 13",
            "description": "No ventilation in cell 12.", "found_on": "2026-11-11",
            "people_affected": "6", "status": S.SUBSTANTIATED.value, **changes}


# -- recording --------------------------------------------------------------------------------


def test_the_visits_team_records_a_violation_with_its_evidence(app, world):
    client = sign_in(app, world.monitor)
    form = client.get(f"/visits/{world.visit.id}/violations/new")
    assert form.status_code == 200
    assert 'list="legal-bases"' in text(form)
    assert "OPCAT art. 21" in text(form)
    assert '<option selected value="substantiated">' in text(form)
    response = client.post(
        f"/visits/{world.visit.id}/violations/new",
        data={**record_form(category=str(world.conditions.id)),
              "files": [(io.BytesIO(PDF), "cell12.pdf")]},
    )
    assert response.status_code == 302, text(response)[:3000]
    recorded = db.session.scalar(sa.select(Violation).where(
        Violation.description == "No ventilation in cell 12."))
    assert (recorded.visit_id, recorded.status, recorded.people_affected) == (
        world.visit.id, S.SUBSTANTIATED, 6)
    [evidence] = recorded.attachments
    assert (evidence.file_name, evidence.visit_id) == ("cell12.pdf", world.visit.id)


def test_a_refused_date_is_shown_by_its_field_with_the_input_kept(app, world):
    client = sign_in(app, world.monitor)
    response = client.post(f"/visits/{world.visit.id}/violations/new",
                           data=record_form(category=str(world.conditions.id),
                                            found_on="2026-11-13"))
    assert response.status_code == 400
    page = text(response)
    assert 'id="found_on-error"' in page
    assert "within the visit" in page
    assert "No ventilation in cell 12." in page
    assert db.session.scalar(sa.select(sa.func.count(Violation.id))) == 4


def test_the_cases_caseworker_records_an_alleged_violation_from_the_case_page(app, world):
    client = sign_in(app, world.caseworker)
    case_page = text(client.get(f"/cases/{world.case.id}"))
    assert f"/cases/{world.case.id}/violations/new" in case_page
    form = client.get(f"/cases/{world.case.id}/violations/new")
    assert '<option selected value="alleged">' in text(form)
    assert f'<option selected value="{world.facility.id}">' in text(form)
    response = client.post(f"/cases/{world.case.id}/violations/new", data=record_form(
        category=str(world.conditions.id), status="alleged", found_on="2026-11-01",
        facility=str(world.facility.id)))
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{world.case.id}#violations")
    assert len(db.session.scalars(sa.select(Violation).where(
        Violation.case_id == world.case.id)).all()) == 2


@pytest.mark.parametrize("who", ["reader", "lawyer", "supervisor_elsewhere"])
def test_who_may_not_record_gets_403(app, world, who):
    user = (make_user(Role.SUPERVISOR, region=Region.KARAGANDA) if who == "supervisor_elsewhere"
            else getattr(world, who))
    db.session.commit()
    client = sign_in(app, user)
    assert client.get(f"/visits/{world.visit.id}/violations/new").status_code == 403
    assert client.get(f"/cases/{world.case.id}/violations/new").status_code == 403
    assert client.get(f"/violations/{world.on_visit.id}/edit").status_code == 403


# -- reading: the list and a violation's page -------------------------------------------------


def test_each_reader_lists_only_the_violations_of_cases_and_visits_they_read(app, world):
    everything = {"Cells without daylight.", "Beaten at the admission unit."}
    assert listed_descriptions(sign_in(app, world.monitor)) == {"Cells without daylight."}
    assert listed_descriptions(sign_in(app, world.reader)) == everything
    assert listed_descriptions(sign_in(app, world.lawyer)) == {"Beaten at the admission unit."}
    national = make_user(Role.SUPERVISOR)
    db.session.commit()
    assert len(listed_descriptions(sign_in(app, national))) == 4


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_auditors_and_admins_see_no_violation_page(app, world, role):
    user = make_user(role)
    db.session.commit()
    client = sign_in(app, user)
    for url in ("/violations", f"/violations/{world.on_visit.id}",
                f"/facilities/{world.facility.id}", f"/visits/{world.visit.id}/report.pdf",
                f"/visits/{world.visit.id}/violations/new",
                f"/cases/{world.case.id}/violations/new",
                f"/visits/{world.visit.id}/recommendations/new"):
        assert client.get(url).status_code == 403, url


def test_the_lawyer_reads_the_cases_violation_but_not_the_visits(app, world):
    client = sign_in(app, world.lawyer)
    page = client.get(f"/violations/{world.on_case.id}")
    assert page.status_code == 200
    assert "Beaten at the admission unit." in text(page)
    assert f"/violations/{world.on_case.id}/edit" not in text(page)
    assert "Change the status" not in text(page)
    assert client.get(f"/violations/{world.on_visit.id}").status_code == 403
    assert client.get(f"/violations/{world.foreign_case.id}").status_code == 403


def test_the_filters_the_statistics_link_with(app, world):
    client = sign_in(app, world.reader)
    assert listed_descriptions(client, f"?category_id={world.conditions.id}") == {
        "Cells without daylight."}
    assert listed_descriptions(client, "?status=alleged") == {"Beaten at the admission unit."}
    assert listed_descriptions(client, "?found_from=2026-11-01&found_to=2026-11-30") == {
        "Cells without daylight."}
    assert listed_descriptions(client, "?facility_type=pretrial_detention") == set()
    assert listed_descriptions(client, "?region=astana&facility_type=penal_colony") == {
        "Cells without daylight.", "Beaten at the admission unit."}
    assert listed_descriptions(client, f"?facility_id={world.facility.id}&repeat=y") == set()
    # A tampered value is ignored, not an error.
    assert len(listed_descriptions(client, "?category_id=x&status=nonsense&found_from=2026-13"
                                           "-01")) == 2


def test_repeat_findings_are_marked_in_the_list_and_can_be_filtered(app, world):
    later_visit = make_visit(world.facility, team=(world.monitor,),
                             status=VisitStatus.CONDUCTED, starts_on=date(2026, 11, 18))
    make_violation(visit=later_visit, category=world.conditions, status=S.SUBSTANTIATED,
                   description="Still no daylight.", found_on=date(2026, 11, 18))
    db.session.commit()
    client = sign_in(app, world.monitor)
    assert listed_descriptions(client, "?repeat=y") == {"Still no daylight."}
    assert "Repeat finding" in text(client.get("/violations"))


# -- status and evidence on the violation's page ----------------------------------------------


def test_a_change_of_status_needs_its_reason_on_the_page(app, world):
    client = sign_in(app, world.caseworker)
    url = f"/violations/{world.on_case.id}/status"
    data = {"status": "substantiated", "reason": "", "version": str(world.on_case.version)}
    refused = client.post(url, data=data)
    assert refused.status_code == 400
    assert 'id="reason-error"' in text(refused)
    done = client.post(url, data={**data, "reason": "Forensic report no. 12."})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Violation, world.on_case.id).status is S.SUBSTANTIATED


def test_a_status_change_on_an_old_version_answers_409(app, world):
    client = sign_in(app, world.caseworker)
    response = client.post(f"/violations/{world.on_case.id}/status", data={
        "status": "substantiated", "reason": "Seen.", "version": "99"})
    assert response.status_code == 409
    assert "Seen." in text(response)
    db.session.expire_all()
    assert db.session.get(Violation, world.on_case.id).status is S.ALLEGED


def test_visit_evidence_is_downloaded_only_by_the_team_the_supervisor_and_the_uploader(
        app, world):
    uploader = sign_in(app, world.monitor)
    response = uploader.post(f"/violations/{world.on_visit.id}/evidence",
                             data={"files": [(io.BytesIO(PDF), "Ivanov cell.pdf")]})
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    download = f"/attachments/{attachment.id}"
    assert uploader.get(download).status_code == 200
    assert sign_in(app, world.supervisor).get(download).status_code == 200
    reader = sign_in(app, world.reader)
    assert reader.get(download).status_code == 403
    page = text(reader.get(f"/violations/{world.on_visit.id}"))
    assert "Ivanov" not in page
    assert "Document 1 (PDF" in page


def test_evidence_needs_a_file_and_the_right_to_record(app, world):
    client = sign_in(app, world.monitor)
    empty = client.post(f"/violations/{world.on_visit.id}/evidence", data={})
    assert empty.status_code == 400
    assert "Choose at least one file." in text(empty)
    disguised = client.post(f"/violations/{world.on_visit.id}/evidence",
                            data={"files": [(io.BytesIO(b"<html>"), "x.pdf")]})
    assert disguised.status_code == 400
    assert "was refused" in text(disguised)
    reader = sign_in(app, world.reader)
    assert reader.post(f"/violations/{world.on_visit.id}/evidence",
                       data={"files": [(io.BytesIO(PDF), "a.pdf")]}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


# -- editing ----------------------------------------------------------------------------------


def edit_form(violation: Violation, **changes) -> dict:
    return {"category": str(violation.category_id), "legal_basis": violation.legal_basis,
            "description": violation.description, "found_on": violation.found_on.isoformat(),
            "people_affected": str(violation.people_affected),
            "status": violation.status.value, "facility": str(violation.facility_id or ""),
            "version": str(violation.version), "reason": "", **changes}


def test_an_edit_saves_and_a_crossing_edit_answers_409_with_the_input_kept(app, world):
    client = sign_in(app, world.monitor)
    url = f"/violations/{world.on_visit.id}/edit"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="facility"' not in text(page)
    opened = edit_form(world.on_visit)
    opened.pop("facility")
    saved = client.post(url, data={**opened, "people_affected": "9"})
    assert saved.status_code == 302
    crossing = client.post(url, data={**opened, "description": "My own wording."})
    assert crossing.status_code == 409
    assert "My own wording." in text(crossing)
    assert "The violation as saved now" in text(crossing)
    db.session.expire_all()
    current = db.session.get(Violation, world.on_visit.id)
    assert (current.people_affected, current.description) == (9, "Cells without daylight.")


def test_an_edit_to_a_status_that_does_not_follow_is_refused_by_its_field(app, world):
    client = sign_in(app, world.monitor)
    response = client.post(f"/violations/{world.on_visit.id}/edit",
                           data={**edit_form(world.on_visit), "status": "alleged"})
    assert response.status_code == 400
    assert 'id="status-error"' in text(response)


# -- the case and visit sections --------------------------------------------------------------


def test_the_case_section_lists_the_violations_for_every_reader(app, world):
    page = text(sign_in(app, world.lawyer).get(f"/cases/{world.case.id}"))
    assert 'id="violations"' in page
    assert "Torture" in page
    assert "Record a violation" not in page


def test_the_visit_section_shows_findings_evidence_and_the_draft_form(app, world):
    add_violation_evidence(world.on_visit, [FileStorage(io.BytesIO(PDF), "cell.pdf")],
                           actor=world.monitor)
    later = make_visit(world.facility, team=(world.monitor,), status=VisitStatus.CONDUCTED,
                       starts_on=date(2026, 11, 18))
    make_violation(visit=later, category=world.conditions, status=S.SUBSTANTIATED,
                   found_on=date(2026, 11, 18))
    db.session.commit()
    with app.test_request_context():
        login_user(world.monitor)
        own = render_template("violations/_visit_section.html", visit=world.visit)
        repeated = render_template("violations/_visit_section.html", visit=later)
        login_user(world.reader)
        read_only = render_template("violations/_visit_section.html", visit=world.visit)
    assert "Cells without daylight." in own
    assert "Record a violation" in own
    assert "cell.pdf" in own
    assert "cell.pdf" not in read_only
    assert f'name="violation" value="{world.on_visit.id}"' in own
    assert "Draft a recommendation from these findings" in own
    assert "Repeat finding" not in own
    assert "Repeat finding" in repeated
    assert "Record a violation" not in read_only
    assert 'name="violation"' not in read_only


# -- a recommendation from a visit's findings -------------------------------------------------


def test_a_recommendation_is_drafted_from_the_ticked_findings(app, world):
    second = make_violation(visit=world.visit, category=world.torture,
                            found_on=date(2026, 11, 10), status=S.SUBSTANTIATED)
    authority = make_authority(name="Committee of the Criminal Executive System")
    db.session.commit()
    client = sign_in(app, world.monitor)
    url = f"/visits/{world.visit.id}/recommendations/new"
    form = text(client.get(f"{url}?violation={world.on_visit.id}&violation={second.id}"))
    # The first ticked in the page's order (found first) gives the category.
    assert re.search(rf'<option selected value="{world.torture.id}">', form)
    assert re.search(rf'<option selected value="{world.facility.id}">', form)
    assert f'checked id="violation_ids-0" name="violation_ids" type="checkbox" ' \
           f'value="{second.id}"' in form
    response = client.post(url, data={
        "text": "Install windows in cells 10-14.", "authority": str(authority.id),
        "scope": "structural", "priority": "high", "facility": str(world.facility.id),
        "category": str(world.conditions.id), "violation_ids": [str(world.on_visit.id)],
    })
    assert response.status_code == 302, text(response)[:2000]
    recommendation = db.session.scalar(sa.select(Recommendation))
    assert (recommendation.visit_id, [v.id for v in recommendation.violations]) == (
        world.visit.id, [world.on_visit.id])
    page = text(client.get(response.location))
    assert world.visit.reference in page
    assert "Findings it answers" in page


def test_a_forged_finding_of_another_visit_is_refused(app, world):
    authority = make_authority()
    db.session.commit()
    client = sign_in(app, world.monitor)
    response = client.post(f"/visits/{world.visit.id}/recommendations/new", data={
        "text": "Do it.", "authority": str(authority.id), "scope": "structural",
        "priority": "medium", "violation_ids": [str(world.foreign_visit.id)],
    })
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 0


def test_no_recommendation_before_the_visit_took_place(app, world):
    planned = make_visit(world.facility, team=(world.monitor,))
    db.session.commit()
    response = sign_in(app, world.monitor).get(f"/visits/{planned.id}/recommendations/new")
    assert response.status_code == 302
