"""Defects found in the review of visits, violations, courts and reference data, each kept
as the test that proved it: an IIN that told a monitor the office knows a person, values of
spaces alone in optional choices and a forged import confirmation answering 500, a CSV file
with a NUL character passing the dry run, and a check-in sent twice opening two cases."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.models import Case
from casework.extensions import db
from casework.people.models import Person
from casework.reference import import_stash
from casework.reference.models import Facility
from casework.reference.regions import Region
from casework.visits import reprisals
from casework.visits.models import (
    CheckIn,
    CheckInResult,
    Interviewee,
    ReprisalKind,
    VisitStatus,
)
from tests.factories import (
    PASSWORD,
    add_party,
    make_case,
    make_category,
    make_facility,
    make_person,
    make_user,
    make_violation,
    make_visit,
    valid_iin,
)
from tests.test_reference_concurrency import in_threads
from tests.test_visits import TODAY

FACILITY_HEADER = "name,type,region,operating_authority,capacity,cctv_coverage,address"


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def signed_in(app):
    def sign_in(user):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return sign_in


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def monitor():
    return make_user(Role.MONITOR, region=Region.ASTANA)


@pytest.fixture
def visit(monitor):
    return make_visit(make_facility(), team=(monitor,), status=VisitStatus.CONDUCTED,
                      reference="NPM-2026-0901", starts_on=TODAY - timedelta(days=1),
                      ends_on=TODAY)


def name_interviewee(client, visit, full_name: str, iin: str):
    return client.post(f"/visits/{visit.id}/interviewees", data={
        "full_name": full_name, "iin": iin, "sex": "unknown", "is_reprisal_risk": "y",
        "first_check_in_on": (TODAY + timedelta(days=14)).isoformat()})


# -- an IIN must not tell a stranger that the office knows the person -------------------------


def test_a_registered_iin_gets_the_same_answer_as_an_unknown_one(signed_in, monitor, visit):
    complainant = make_person(full_name="Registered Complainant", iin=valid_iin("88030330033"))
    add_party(make_case(), complainant)  # a complainant of a case the monitor may not read
    db.session.commit()
    client = signed_in(monitor)
    unknown = name_interviewee(client, visit, "First Person", valid_iin("77040440044"))
    registered = name_interviewee(client, visit, "Guessed Name", complainant.iin)
    assert (unknown.status_code, registered.status_code) == (302, 302)
    html = page(client.get(f"/visits/{visit.id}"))
    assert "Guessed Name" in html
    assert "Registered Complainant" not in html
    assert "registered under another name" not in html
    named = db.session.scalars(sa.select(Interviewee).where(Interviewee.number == 2)).one()
    assert named.person != complainant
    assert named.person.iin is None
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.VISIT_ENTRY_RECORDED).order_by(AuditEntry.id)).all()[-1]
    assert entry.changes["iin_registered_to_person_id"] == complainant.id


def test_whoever_may_identify_the_person_links_the_registered_record(signed_in, visit):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    complainant = make_person(full_name="Registered Complainant", iin=valid_iin("88030330033"))
    add_party(make_case(region=Region.ASTANA), complainant)
    db.session.commit()
    response = name_interviewee(signed_in(supervisor), visit, "Other Spelling", complainant.iin)
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Interviewee)).one().person == complainant
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 1


# -- spaces alone in an optional choice -------------------------------------------------------


@pytest.mark.parametrize("query", [
    "region=%20", "facility=%20", "type=%20", "status=%20", "announced=%20",
])
def test_the_visit_list_ignores_a_choice_of_spaces(signed_in, monitor, visit, query):
    visit.is_announced = True  # "announced= " once listed the unannounced visits only
    db.session.commit()
    response = signed_in(monitor).get(f"/visits?{query}")
    assert response.status_code == 200
    assert visit.reference in page(response)


@pytest.mark.parametrize("query", [
    "region=%20", "facility_id=%20", "facility_type=%20", "status=%20", "category_id=%20",
])
def test_the_violation_list_ignores_a_choice_of_spaces(signed_in, monitor, visit, query):
    make_violation(visit=visit)
    db.session.commit()
    response = signed_in(monitor).get(f"/violations?{query}")
    assert response.status_code == 200
    assert "Cells without daylight." in page(response)


def test_observations_with_a_cctv_choice_of_spaces_record_none(signed_in, monitor, visit):
    db.session.commit()
    response = signed_in(monitor).post(f"/visits/{visit.id}/observations", data={
        "interviews_in_private": "3", "cctv_seen": " "})
    assert response.status_code == 302
    db.session.refresh(visit)
    assert (visit.interviews_in_private, visit.cctv_seen) == (3, None)


def test_a_check_in_with_a_reprisal_kind_of_spaces_is_no_reprisal(signed_in, monitor, visit):
    interviewee = Interviewee(visit=visit, number=1, person=make_person(), recorded_by=monitor,
                              next_check_in_on=TODAY)
    db.session.add(interviewee)
    db.session.commit()
    response = signed_in(monitor).post(
        f"/visits/{visit.id}/interviewees/{interviewee.id}/check-in",
        data={"checked_on": TODAY.isoformat(), "result": "no_concerns", "reprisal_kind": " "})
    assert response.status_code == 302
    assert db.session.scalars(sa.select(CheckIn)).one().reprisal_kind is None


# -- a check-in sent twice --------------------------------------------------------------------


def test_a_check_in_sent_twice_opens_one_case(signed_in, monitor, visit):
    make_category("reprisals")
    interviewee = Interviewee(visit=visit, number=1, person=make_person(), recorded_by=monitor,
                              next_check_in_on=TODAY)
    db.session.add(interviewee)
    db.session.commit()
    client = signed_in(monitor)
    url = f"/visits/{visit.id}/interviewees/{interviewee.id}/check-in"
    seen = re.search(r'name="seen_check_in" type="hidden" value="(\d+)"',
                     page(client.get(url))).group(1)
    data = {"checked_on": TODAY.isoformat(), "result": "reprisal_alleged",
            "reprisal_kind": "threats", "note": "Threatened after the visit",
            "seen_check_in": seen}
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == 302
    assert second.status_code == 409
    assert "check the history before recording another" in page(second)
    assert "Threatened after the visit" in page(second)  # the typed note is kept
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    # Sent again from that page, knowingly, it is recorded.
    seen_now = re.search(r'name="seen_check_in" type="hidden" value="(\d+)"',
                         page(second)).group(1)
    third = client.post(url, data={**data, "result": "no_concerns", "reprisal_kind": "",
                                   "seen_check_in": seen_now})
    assert third.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 2


def test_two_check_ins_sent_at_the_same_moment_open_one_case(app):
    """The row lock makes the second wait for the first, then see its check-in."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set CASEWORK_TEST_DATABASE_URL)")
    make_category("reprisals")
    monitors = [make_user(Role.MONITOR, region=Region.ASTANA) for _ in range(2)]
    visit = make_visit(make_facility(), team=tuple(monitors), status=VisitStatus.CONDUCTED,
                       starts_on=TODAY - timedelta(days=1), ends_on=TODAY)
    interviewee = Interviewee(visit=visit, number=1, person=make_person(),
                              recorded_by=monitors[0], next_check_in_on=TODAY)
    db.session.add(interviewee)
    db.session.commit()
    interviewee_id, monitor_ids = interviewee.id, [m.id for m in monitors]
    db.session.remove()

    def checking(monitor_id: int):
        def check() -> object:
            return reprisals.record_check_in(
                db.session.get(Interviewee, interviewee_id), reprisals.CheckInInput(
                    checked_on=TODAY, result=CheckInResult.REPRISAL_ALLEGED,
                    reprisal_kind=ReprisalKind.THREATS, seen_check_in_id=0),
                actor=db.session.get(User, monitor_id))

        def job() -> object:
            done = check()
            db.session.commit()
            return done.id

        return job

    outcomes = in_threads(app, [checking(monitor_id) for monitor_id in monitor_ids])
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["StaleCheckIn", "int"]
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


# -- the reference-data import ----------------------------------------------------------------


def test_a_confirmation_hash_with_a_final_newline_is_refused_not_a_500(signed_in):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    response = signed_in(admin).post("/admin/facilities/import/confirm",
                                     data={"sha256": "a" * 64 + "\n", "file_name": "f.csv"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Facility.id))) == 0


def test_a_file_with_a_nul_character_is_refused_by_the_dry_run(signed_in, app):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    data = "\r\n".join([FACILITY_HEADER, "Colony,penal_colony,akmola,,,,",
                         "Col\x00ony,penal_colony,akmola,,,,", ""]).encode()
    response = signed_in(admin).post(
        "/admin/facilities/import", content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), "facilities.csv")})
    assert response.status_code == 422
    assert "Line 3 contains a NUL character" in page(response)
    assert 'name="sha256"' not in page(response)  # nothing to confirm, nothing kept
    assert import_stash.take(hashlib.sha256(data).hexdigest()) is None
