"""The court pages over HTTP: the case page's section, a proceeding's page and its forms, and
"My hearings", for each role; refusals shown next to their field, edit conflicts as 409."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.courts.models import CourtProceeding, Decision, Hearing, ProceedingKind
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.reference.models import AuthorityType
from casework.reference.regions import Region
from tests.factories import add_party, make_authority, make_case, make_proceeding, make_user

NOW = datetime(2026, 12, 10, 10, tzinfo=OFFICE_TZ)  # a Thursday morning in Almaty


@pytest.fixture(autouse=True)
def _office_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def lawyer():
    return make_user(Role.LAWYER, full_name="Aigerim Lawyerova")


@pytest.fixture
def court():
    return make_authority(type=AuthorityType.COURT, name="Specialised Court of Astana")


@pytest.fixture
def case(lawyer):
    case = make_case(received_on=date(2026, 11, 2), assignees=(lawyer,))
    add_party(case, person=None).person.full_name = "Yerlan Complainantov"
    return case


@pytest.fixture
def proceeding(case, lawyer, court):
    """A parole petition with a hearing on Monday and one held yesterday without a result."""
    proceeding = make_proceeding(case, court=court, lawyer=lawyer, court_case_number="2-77/2026",
                                 petition_on=date(2026, 11, 20))
    db.session.add_all([
        Hearing(proceeding=proceeding, starts_at=datetime(2026, 12, 14, 11, tzinfo=OFFICE_TZ),
                courtroom="305", recorded_by=lawyer),
        Hearing(proceeding=proceeding, starts_at=datetime(2026, 12, 9, 15, tzinfo=OFFICE_TZ),
                recorded_by=lawyer),
    ])
    db.session.commit()
    return proceeding


def audit_actions() -> list[AuditAction]:
    db.session.rollback()  # what the requests committed
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


# -- the case page ----------------------------------------------------------------------------


def test_the_case_page_shows_each_proceeding_with_hearings_and_actions(login, lawyer,
                                                                        proceeding, case):
    html = page(login(lawyer).get(f"/cases/{case.id}"))
    section = html[html.index('id="court-proceedings"'):]
    section = section[:section.index("</section>")]
    for text in ("Parole (conditional early release)", "No. 2-77/2026",
                 "Specialised Court of Astana", "Aigerim Lawyerova", "courtroom 305",
                 "14 Dec 2026 11:00", "Result not recorded yet.", "Not decided yet."):
        assert text in section
    assert "Record a court proceeding" in section
    assert f"/proceedings/{proceeding.id}#hearing-" in section
    assert html.index('id="recommendations"') < html.index('id="court-proceedings"')


def test_a_reader_who_does_not_follow_court_sees_the_proceedings_without_actions(
    login, proceeding, case
):
    monitor = make_user(Role.MONITOR)
    case.created_by = monitor  # a monitor reads the cases they opened
    db.session.commit()
    html = page(login(monitor).get(f"/cases/{case.id}"))
    assert "Specialised Court of Astana" in html
    assert "Record a court proceeding" not in html
    assert "Schedule a hearing" not in html
    assert page(login(monitor).get(f"/proceedings/{proceeding.id}")).count("<form") == 2
    # the language switch and signing out: no form of the proceeding's


def test_a_decided_and_appealed_proceeding_reads_so_on_the_case_page(login, lawyer, case,
                                                                      proceeding):
    proceeding.decision, proceeding.decided_on = Decision.GRANTED, date(2026, 12, 1)
    proceeding.decision_summary = "Released."
    proceeding.appealed_on = date(2026, 12, 3)
    from casework.courts.models import AppealResult
    proceeding.appeal_result = AppealResult.PENDING
    db.session.commit()
    html = page(login(lawyer).get(f"/cases/{case.id}"))
    assert "<strong>Granted</strong>, 1 Dec 2026" in html
    assert "Appealed on 3 Dec 2026: Appeal pending" in html


# -- a proceeding's page, per role ------------------------------------------------------------


def test_the_assigned_lawyer_sees_the_proceeding_with_its_forms(login, lawyer, proceeding):
    response = login(lawyer).get(f"/proceedings/{proceeding.id}")
    assert response.status_code == 200
    html = page(response)
    yesterday = next(h for h in proceeding.hearings if h.starts_at < NOW)
    assert f'id="hearing-{yesterday.id}"' in html  # its result form
    assert 'id="hearing"' in html
    assert 'id="decision"' in html
    assert 'id="appeal"' not in html  # no decision to appeal yet
    assert "Yerlan Complainantov" not in html


@pytest.mark.parametrize("role", [Role.LAWYER, Role.MONITOR, Role.AUDITOR, Role.ADMIN,
                                  Role.CASEWORKER])
def test_who_does_not_read_the_case_gets_403(login, proceeding, role):
    # A caseworker of another region's office does not read the case either.
    outsider = make_user(role, region=Region.ALMATY_CITY)
    db.session.commit()
    client = login(outsider)
    assert client.get(f"/proceedings/{proceeding.id}").status_code == 403
    assert client.get(f"/proceedings/{proceeding.id}/edit").status_code == 403
    assert client.post(f"/proceedings/{proceeding.id}/hearings",
                       data={"day": "2026-12-20", "time": "10:00"}).status_code == 403
    assert client.get(f"/cases/{proceeding.case_id}/proceedings/new").status_code == 403


def test_a_missing_proceeding_is_404(login, lawyer):
    db.session.commit()
    assert login(lawyer).get("/proceedings/999999").status_code == 404


def test_a_hearing_of_another_proceeding_is_404(login, lawyer, proceeding, case, court):
    other = make_proceeding(case, court=court)
    db.session.commit()
    hearing = proceeding.hearings[0]
    response = login(lawyer).post(f"/proceedings/{other.id}/hearings/{hearing.id}/result",
                                  data={"result": "Heard."})
    assert response.status_code == 404


# -- recording and editing --------------------------------------------------------------------


def test_recording_a_proceeding_through_the_form(login, lawyer, case, court):
    db.session.commit()
    client = login(lawyer)
    form = page(client.get(f"/cases/{case.id}/proceedings/new"))
    assert f'<option selected value="{lawyer.id}">' in form  # a lawyer argues their own
    response = client.post(f"/cases/{case.id}/proceedings/new", data={
        "court": court.id, "kind": "transfer", "court_case_number": "3-9/2026",
        "petition_on": "2026-11-25", "lawyer": lawyer.id,
    })
    assert response.status_code == 302
    proceeding = db.session.scalar(sa.select(CourtProceeding))
    assert response.location.endswith(f"/proceedings/{proceeding.id}")
    assert (proceeding.kind, proceeding.court_id) == (ProceedingKind.TRANSFER, court.id)
    assert audit_actions()[-1] is AuditAction.PROCEEDING_RECORDED


def test_a_refused_petition_date_shows_next_to_its_field_with_the_input_kept(
    login, lawyer, case, court
):
    db.session.commit()
    response = login(lawyer).post(f"/cases/{case.id}/proceedings/new", data={
        "court": court.id, "kind": "parole", "court_case_number": "3-9/2026",
        "petition_on": "2026-12-11",
    })
    assert response.status_code == 400
    html = page(response)
    assert re.search(r'id="petition_on-error">The date cannot be in the future', html)
    assert 'value="3-9/2026"' in html
    assert db.session.scalar(sa.select(sa.func.count(CourtProceeding.id))) == 0


def test_a_court_that_is_not_a_court_is_not_offered_nor_accepted(login, lawyer, case):
    ministry = make_authority(type=AuthorityType.MINISTRY, name="Ministry of Justice")
    db.session.commit()
    client = login(lawyer)
    assert "Ministry of Justice" not in page(client.get(f"/cases/{case.id}/proceedings/new"))
    response = client.post(f"/cases/{case.id}/proceedings/new", data={
        "court": ministry.id, "kind": "parole", "petition_on": "2026-11-25"})
    assert response.status_code == 400
    assert "Choose a court from the list." in page(response)


def test_an_edit_over_someone_elses_answers_409_with_the_saved_values(
    login, lawyer, proceeding
):
    client = login(lawyer)
    opened = proceeding.version
    proceeding.court_case_number = "2-78/2026"  # someone saved meanwhile
    db.session.commit()
    data = {"court": proceeding.court_id, "kind": "parole", "court_case_number": "2-99/2026",
            "petition_on": "2026-11-20", "lawyer": lawyer.id, "version": opened}
    response = client.post(f"/proceedings/{proceeding.id}/edit", data=data)
    assert response.status_code == 409
    html = page(response)
    assert "The proceeding as saved now" in html
    assert "2-78/2026" in html
    assert 'value="2-99/2026"' in html  # the user's input kept
    assert f'value="{proceeding.version}"' in html  # the next save goes through
    response = client.post(f"/proceedings/{proceeding.id}/edit",
                           data={**data, "version": proceeding.version})
    assert response.status_code == 302
    db.session.refresh(proceeding)
    assert proceeding.court_case_number == "2-99/2026"


def test_a_decision_over_someone_elses_answers_409_with_the_input_kept(
    login, lawyer, proceeding
):
    client = login(lawyer)
    opened = proceeding.version
    proceeding.court_case_number = "2-78/2026"
    db.session.commit()
    response = client.post(f"/proceedings/{proceeding.id}/decision", data={
        "version": opened, "decision": "granted", "decided_on": "2026-12-09",
        "decision_summary": "Released on parole."})
    assert response.status_code == 409
    assert "Released on parole." in page(response)
    db.session.refresh(proceeding)
    assert proceeding.decision is None


def test_recording_the_decision_then_an_appeal(login, lawyer, proceeding):
    client = login(lawyer)
    response = client.post(f"/proceedings/{proceeding.id}/decision", data={
        "version": proceeding.version, "decision": "refused", "decided_on": "2026-12-09",
        "decision_summary": "Refused."})
    assert response.status_code == 302
    db.session.refresh(proceeding)
    assert 'id="appeal"' in page(client.get(f"/proceedings/{proceeding.id}"))
    response = client.post(f"/proceedings/{proceeding.id}/appeal", data={
        "version": proceeding.version, "appealed_on": "2026-12-08", "appeal_result": "pending"})
    assert response.status_code == 400
    assert re.search(r'id="appeal-appealed_on-error">The appeal cannot be before the decision',
                     page(response))
    response = client.post(f"/proceedings/{proceeding.id}/appeal", data={
        "version": proceeding.version, "appealed_on": "2026-12-10", "appeal_result": "pending"})
    assert response.status_code == 302
    assert audit_actions()[-2:] == [AuditAction.PROCEEDING_EDITED] * 2


def test_scheduling_a_hearing_reads_the_time_in_almaty(login, lawyer, proceeding):
    response = login(lawyer).post(f"/proceedings/{proceeding.id}/hearings", data={
        "day": "2026-12-21", "time": "09:30", "courtroom": "12"})
    assert response.status_code == 302
    hearing = db.session.scalar(sa.select(Hearing).where(Hearing.courtroom == "12"))
    assert hearing.starts_at == datetime(2026, 12, 21, 4, 30, tzinfo=UTC)


def test_a_hearing_before_the_petition_is_refused_next_to_the_date(login, lawyer, proceeding):
    response = login(lawyer).post(f"/proceedings/{proceeding.id}/hearings", data={
        "day": "2026-11-19", "time": "09:30"})
    assert response.status_code == 400
    assert re.search(r'id="hearing-day-error">A hearing cannot be before the petition',
                     page(response))


def test_recording_a_hearings_result(login, lawyer, proceeding):
    held = next(h for h in proceeding.hearings if h.starts_at < NOW)
    client = login(lawyer)
    response = client.post(f"/proceedings/{proceeding.id}/hearings/{held.id}/result",
                           data={"result": "Adjourned: the colony's report is missing."})
    assert response.location.endswith(f"#hearing-{held.id}")
    db.session.refresh(held)
    assert held.result == "Adjourned: the colony's report is missing."
    coming = next(h for h in proceeding.hearings if h.starts_at > NOW)
    response = client.post(f"/proceedings/{proceeding.id}/hearings/{coming.id}/result",
                           data={"result": "Heard."})
    assert response.status_code == 400
    assert "The hearing has not started yet" in page(response)


def test_a_post_without_a_csrf_token_is_refused(login, lawyer, proceeding):
    response = login(lawyer).post(f"/proceedings/{proceeding.id}/hearings",
                                  data={"day": "2026-12-21", "time": "09:30"}, csrf=False)
    assert response.status_code == 400
    assert len(proceeding.hearings) == 2


# -- "My hearings" ----------------------------------------------------------------------------


def test_my_hearings_lists_coming_hearings_and_those_awaiting_a_result(login, lawyer,
                                                                        proceeding, case):
    foreign = make_proceeding(make_case(reference="2026-09999"))  # flushes: before the hearings
    far = Hearing(proceeding=proceeding, starts_at=NOW + timedelta(days=95), recorded_by=lawyer)
    db.session.add_all([far, Hearing(proceeding=foreign, starts_at=NOW + timedelta(days=1),
                                     recorded_by=lawyer)])
    db.session.commit()
    html = page(login(lawyer).get("/hearings"))
    unrecorded = html[html.index('id="unrecorded-heading"'):html.index('id="upcoming-heading"')]
    upcoming = html[html.index('id="upcoming-heading"'):html.index('id="feed-heading"')]
    assert "9 Dec 2026 15:00" in unrecorded
    assert "Record the result" in unrecorded
    assert "14 Dec 2026 11:00" in upcoming
    assert case.reference in upcoming
    assert "Specialised Court of Astana" in upcoming
    assert "courtroom 305" in upcoming
    assert "Parole (conditional early release)" in upcoming
    assert "15 Mar 2027" not in html  # beyond 90 days
    assert "2026-09999" not in html  # not their case
    assert "Yerlan Complainantov" not in html


@pytest.mark.parametrize("role", [Role.MONITOR, Role.AUDITOR, Role.ADMIN])
def test_my_hearings_is_for_those_who_follow_court(login, role):
    user = make_user(role)
    db.session.commit()
    client = login(user)
    assert client.get("/hearings").status_code == 403
    assert client.post("/hearings/calendar").status_code == 403


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASEWORKER, Role.LAWYER])
def test_my_hearings_opens_for_each_role_that_follows_court(login, role):
    user = make_user(role, region=Region.ASTANA)
    db.session.commit()
    response = login(user).get("/hearings")
    assert response.status_code == 200
    assert "No hearings in the next 90 days." in page(response)
