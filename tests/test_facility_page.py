"""The facility page: its facts and CCTV history for every case or visit reader; its visits,
violations (repeat findings marked), open recommendations and counts per category only as far
as the reader may read them; no person named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from flask import Flask

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import AssignmentRole, CaseAssignment
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.models import CctvChange, CctvCoverage, FacilityType
from casework.reference.regions import Region
from casework.violations.models import ViolationStatus
from casework.visits.models import Obstruction, ObstructionKind, VisitStatus
from tests.factories import (
    PASSWORD,
    add_party,
    make_authority,
    make_case,
    make_category,
    make_facility,
    make_person,
    make_recommendation,
    make_user,
    make_violation,
    make_visit,
)

TODAY = date(2026, 11, 20)
S = ViolationStatus


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


def sign_in(app: Flask, user: User):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email,
                                       "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def place():
    """A colony with two visits, findings on them and in a complaint, CCTV changes and
    recommendations; the people named in the complaint must never show."""
    authority = make_authority(name="Department of the Criminal Executive System")
    facility = make_facility(name="Colony EC-166/3", type=FacilityType.PENAL_COLONY,
                             capacity=1200, address="Karaganda, Zhambyl St. 1",
                             authority=authority, cctv_coverage=CctvCoverage.PARTIAL)
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    conditions, medical = make_category("conditions"), make_category("medical")
    first = make_visit(facility, team=(monitor,), status=VisitStatus.COMPLETED,
                       starts_on=date(2025, 3, 3), reference="NPM-2025-0007")
    second = make_visit(facility, team=(monitor,), status=VisitStatus.CONDUCTED,
                        starts_on=date(2026, 11, 10), reference="NPM-2026-0042")
    db.session.add(Obstruction(visit=second, kind=ObstructionKind.ACCESS_DELAYED,
                               occurred_on=date(2026, 11, 10), delay_minutes=40,
                               recorded_by_id=monitor.id))
    make_violation(visit=first, category=conditions, status=S.SUBSTANTIATED,
                   found_on=date(2025, 3, 3), description="Damp cells in block 2.")
    make_violation(visit=second, category=conditions, status=S.SUBSTANTIATED,
                   found_on=date(2026, 11, 10), description="Damp cells again.")
    make_violation(visit=second, category=medical, status=S.NOT_SUBSTANTIATED,
                   found_on=date(2026, 11, 10), description="No doctor on duty.")
    make_violation(visit=first, category=medical, found_on=date(2024, 6, 1),
                   status=S.SUBSTANTIATED, description="Old medical finding.")
    complaint = make_case(facility=facility, status=CaseStatus.INVESTIGATION)
    add_party(complaint, make_person(full_name="Serik Nurlanov"))
    make_violation(case=complaint, category=medical, found_on=date(2026, 10, 1),
                   description="Complaint about medical care.")
    db.session.add_all([
        CctvChange(facility=facility, coverage=CctvCoverage.NONE, changed_on=date(2025, 1, 5),
                   note="Imported from the 2024 register."),
        CctvChange(facility=facility, coverage=CctvCoverage.PARTIAL, changed_on=date(2026, 11, 10),
                   visit=second, recorded_by_id=monitor.id),
    ])
    live = make_recommendation(complaint, record_status=RecordStatus.ISSUED, number="R-2026-00077",
                               facility=facility, authority=authority, reply_due=date(2026, 10, 22))
    make_recommendation(complaint, facility=facility, number=None)  # a draft
    make_recommendation(complaint, record_status=RecordStatus.CLOSED, facility=facility,
                        number="R-2025-00001")
    db.session.commit()
    return {"facility": facility, "monitor": monitor, "first": first, "second": second,
            "complaint": complaint, "live": live}


def page_of(app, user, facility) -> str:
    response = sign_in(app, user).get(f"/facilities/{facility.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_facts_and_the_cctv_history(app, place):
    page = page_of(app, make_user(Role.SUPERVISOR), place["facility"])
    for fact in ("Colony EC-166/3", "Penal colony", "Department of the Criminal Executive System",
                 "1200", "Karaganda, Zhambyl St. 1", "Partial"):
        assert fact in page, fact
    history = page.split('id="cctv-heading"')[1]
    assert history.index("10 Nov 2026") < history.index("5 Jan 2025")
    assert "NPM-2026-0042" in history
    assert "edited by an administrator" in history
    assert "Imported from the 2024 register." in history


def test_a_national_supervisor_sees_everything_with_counts_and_repeat_marks(app, place):
    page = page_of(app, make_user(Role.SUPERVISOR), place["facility"])
    visits = page.split('id="visits-heading"')[1].split("</table>")[0]
    assert visits.index("NPM-2026-0042") < visits.index("NPM-2025-0007")
    # The latest visit: 2 violations, 1 obstruction.
    row = visits.split("NPM-2026-0042")[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["2", "1", "0"]
    violations = page.split('id="violations-heading"')[1].split("</table>")[0]
    again = violations.split("Damp cells again.")[0].rsplit("<tr>", 1)[1]
    assert "Repeat finding" in again
    first = violations.split("Damp cells in block 2.")[0].rsplit("<tr>", 1)[1]
    assert "Repeat finding" not in first
    assert "Serik" not in page
    assert "Nurlanov" not in page


def test_open_recommendations_are_the_live_issued_ones_with_their_overdue_mark(app, place):
    page = page_of(app, make_user(Role.SUPERVISOR), place["facility"])
    section = page.split('id="open-heading"')[1].split("</section>")[0]
    assert "R-2026-00077" in section
    assert "Overdue" in section
    assert "R-2025-00001" not in section
    assert "Draft" not in section


def test_counts_per_category_cover_24_months_without_those_not_substantiated(app, place):
    page = page_of(app, make_user(Role.SUPERVISOR), place["facility"])
    counts = page.split('id="counts-heading"')[1].split("</table>")[0]
    rows = re.findall(r'category_id=\d+[^"]*">([^<]+)</a></td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>',
                      counts)
    # Conditions: 2025-03 and 2026-11 (the second repeats); medical: the complaint only (the
    # visit's was not substantiated, the 2024 one is older than 24 months).
    assert rows == [("Conditions", "2", "1"), ("Medical", "1", "0")]


def test_a_monitor_sees_the_visits_not_the_complaint(app, place):
    page = page_of(app, place["monitor"], place["facility"])
    assert "NPM-2025-0007" in page
    assert "Damp cells again." in page
    assert "Complaint about medical care." not in page
    assert "R-2026-00077" not in page  # a recommendation of a case the monitor does not read


def test_a_lawyer_reads_the_facts_and_only_their_case(app, place):
    lawyer = make_user(Role.LAWYER)
    place["complaint"].assignments.append(
        CaseAssignment(user=lawyer, role=AssignmentRole.LAWYER))
    db.session.commit()
    page = page_of(app, lawyer, place["facility"])
    assert "Colony EC-166/3" in page
    assert "Visits are shown to the NPM's staff." in page
    assert "NPM-2026-0042" in page  # the CCTV history names the visit that saw it
    assert f'href="/visits/{place["second"].id}"' not in page  # but does not link it
    assert "Complaint about medical care." in page
    assert "Damp cells" not in page


def test_another_regions_staff_see_the_facts_but_none_of_its_records(app, place):
    page = page_of(app, make_user(Role.CASEWORKER, region=Region.PAVLODAR), place["facility"])
    assert "Colony EC-166/3" in page
    assert "No violations you may read." in page
    assert "No open recommendations" in page
    assert "NPM-2025-0007" not in page


def test_an_unknown_facility_is_404_and_auditors_are_refused(app, place):
    assert sign_in(app, place["monitor"]).get("/facilities/999999").status_code == 404
    auditor = make_user(Role.AUDITOR)
    db.session.commit()
    assert sign_in(app, auditor).get(f"/facilities/{place['facility'].id}").status_code == 403
