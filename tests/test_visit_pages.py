"""Visit pages over HTTP: the list and its filters, planning with its refusals, the visit
page as each reader sees it, editing with the stale-save answer, the steps and entries, and
every route of the feature for every kind of user."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.reference.regions import Region
from casework.visits.models import (
    Interviewee,
    Obstruction,
    ObstructionKind,
    Visit,
    VisitStatus,
    VisitType,
)
from tests.factories import PASSWORD, make_facility, make_person, make_user, make_visit, valid_iin
from tests.test_visits import TODAY, make_participant

A_WEEK_ON = TODAY + timedelta(days=7)


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


def page(response) -> str:
    return response.get_data(as_text=True)


def flashes(response) -> list[str]:
    return [unescape(m.strip()) for m in re.findall(
        r'class="flash flash-\w+"[^>]*>(.*?)</div>', page(response), re.S)]


def field_error(response, field_id: str) -> str:
    found = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', page(response), re.S)
    return unescape(found.group(1)) if found else ""


@pytest.fixture
def signed_in(app):
    """A new client signed in as `user`: one per person, as on their own computer."""

    def sign_in(user):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return sign_in


def audit_count(action: AuditAction) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                             .where(AuditEntry.action == action)) or 0


@pytest.fixture
def team():
    """A conducted visit in Astana, its team a monitor, with one named interviewee."""
    monitor = make_user(Role.MONITOR, region=Region.ASTANA, full_name="Marat Monitor")
    visit = make_visit(make_facility(name="Colony No. 3"), team=(monitor,),
                       status=VisitStatus.CONDUCTED, starts_on=TODAY - timedelta(days=1),
                       ends_on=TODAY)
    person = make_person(full_name="Serik Protected")
    db.session.add(Interviewee(visit=visit, number=1, person=person, risk_note="Fears guards",
                               next_check_in_on=TODAY + timedelta(days=14),
                               recorded_by=monitor))
    db.session.commit()
    return {"monitor": monitor, "visit": visit}


# -- the list ---------------------------------------------------------------------------------


def test_the_list_filters_by_what_the_statistics_link_with(login):
    monitor = make_user(Role.MONITOR)
    astana = make_facility(name="Astana colony")
    abai = make_facility(region=Region.ABAI, name="Abai centre")
    make_visit(astana, reference="NPM-2026-0001", starts_on=date(2026, 3, 2))
    make_visit(astana, reference="NPM-2026-0002", starts_on=date(2026, 6, 1),
               type=VisitType.THEMATIC)
    make_visit(abai, reference="NPM-2026-0003", starts_on=date(2026, 6, 15),
               type=VisitType.THEMATIC, is_announced=True)
    db.session.commit()
    client = login(monitor)

    def listed(query: str) -> list[str]:
        return re.findall(r">(NPM-2026-\d{4})</a>", page(client.get(f"/visits?{query}")))

    assert listed("") == ["NPM-2026-0003", "NPM-2026-0002", "NPM-2026-0001"]
    assert listed("sort=starts_on") == ["NPM-2026-0001", "NPM-2026-0002", "NPM-2026-0003"]
    assert listed("region=abai") == ["NPM-2026-0003"]
    assert listed("type=thematic&starts_from=2026-06-01&starts_to=2026-06-10") == \
        ["NPM-2026-0002"]
    assert listed("announced=yes") == ["NPM-2026-0003"]
    assert listed("announced=no&q=astana") == ["NPM-2026-0002", "NPM-2026-0001"]
    assert listed("q=0003") == ["NPM-2026-0003"]
    assert listed("status=completed") == []
    assert listed(f"facility={abai.id}") == ["NPM-2026-0003"]
    assert listed("region=nowhere&type=forged") == listed("")  # tampered filters are ignored


def test_the_list_shows_a_caseworker_their_regions_visits_only(login):
    make_visit(reference="NPM-2026-0001")
    make_visit(make_facility(region=Region.ABAI), reference="NPM-2026-0002")
    caseworker = make_user(Role.CASEWORKER, region=Region.ABAI)
    db.session.commit()
    html = page(login(caseworker).get("/visits"))
    assert "NPM-2026-0002" in html
    assert "NPM-2026-0001" not in html
    assert "Plan a visit" not in html


def test_the_list_pages(login, app):
    monitor = make_user(Role.MONITOR)
    for n in range(app.config["PAGE_SIZE"] + 2):
        make_visit(reference=f"NPM-2026-{n + 1:04d}", starts_on=date(2026, 1, 1) +
                   timedelta(days=n))
    db.session.commit()
    html = page(login(monitor).get("/visits?page=2"))
    assert "Page 2 of 2" in html
    assert len(re.findall(r'href="/visits/\d+"', html)) == 2


# -- planning ---------------------------------------------------------------------------------


def plan_form(facility, **changes) -> dict:
    return {"facility": str(facility.id), "type": "planned", "starts_on": A_WEEK_ON.isoformat(),
            "ends_on": A_WEEK_ON.isoformat(), "purpose": "Punishment cells", **changes}


def test_a_monitor_plans_a_visit_from_the_form(login):
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    facility = make_facility(name="Colony No. 3")
    make_facility(region=Region.ABAI, name="Far away")
    make_facility(name="Closed colony", is_active=False)
    expert = make_participant("Dana Doctor")
    db.session.commit()
    client = login(monitor)
    form_page = page(client.get("/visits/new"))
    assert "Colony No. 3" in form_page
    assert "Far away" not in form_page
    assert "Closed colony" not in form_page
    assert re.search(rf'value="{monitor.id}"[^>]*checked|checked[^>]*value="{monitor.id}"',
                     form_page)  # the planner is ticked
    response = client.post("/visits/new", data={**plan_form(facility),
                                                "participants": [str(expert.id)]})
    visit = db.session.scalars(sa.select(Visit)).one()
    assert response.status_code == 302
    assert response.location == f"/visits/{visit.id}"
    assert visit.team == [monitor]
    assert visit.participants[0].participant == expert
    assert "Visit NPM-2026-0001 planned." in flashes(client.get(response.location))


def test_a_plan_with_errors_is_shown_again_with_the_input_kept(login):
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    facility = make_facility()
    lapsed = make_participant("Lapsed Lawyer", valid_until=TODAY)
    db.session.commit()
    client = login(monitor)
    response = client.post("/visits/new", data=plan_form(facility, type="thematic"))
    assert response.status_code == 422
    assert field_error(response, "theme") == "A thematic visit needs its theme."
    assert "Punishment cells" in page(response)
    response = client.post("/visits/new", data={**plan_form(facility),
                                                "participants": [str(lapsed.id)]})
    assert response.status_code == 422
    assert "Lapsed Lawyer (the declaration is valid until 10 Nov 2026)" in \
        field_error(response, "participants")
    response = client.post("/visits/new", data=plan_form(
        facility, ends_on=(A_WEEK_ON - timedelta(days=1)).isoformat()))
    assert field_error(response, "ends_on") == "The visit cannot end before it starts."
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_a_forged_facility_or_team_member_is_refused(login):
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    abroad = make_facility(region=Region.ABAI)
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    db.session.commit()
    client = login(monitor)
    response = client.post("/visits/new", data=plan_form(abroad))
    assert response.status_code == 422
    assert field_error(response, "facility")
    response = client.post("/visits/new", data={**plan_form(make_facility()),
                                                "team": [str(caseworker.id)]})
    assert response.status_code == 422
    assert field_error(response, "team")
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


# -- the visit page as each reader sees it ----------------------------------------------------


def test_the_team_sees_the_names_a_regions_caseworker_does_not(signed_in, team):
    visit = team["visit"]
    html = page(signed_in(team["monitor"]).get(f"/visits/{visit.id}"))
    assert "Serik Protected" in html
    assert "Fears guards" in html
    assert "Record a check-in" in html
    assert "Record obstruction" in html
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    db.session.commit()
    html = page(signed_in(caseworker).get(f"/visits/{visit.id}"))
    assert "Interviewee 1" in html
    assert "Serik Protected" not in html
    assert "Fears guards" not in html
    assert "Record a check-in" not in html
    assert "Record obstruction" not in html


def test_a_monitor_not_on_the_team_reads_the_visit_but_records_nothing(login, team):
    visit = team["visit"]
    outsider = make_user(Role.MONITOR, region=Region.ASTANA)
    db.session.commit()
    client = login(outsider)
    html = page(client.get(f"/visits/{visit.id}"))
    assert "Colony No. 3" in html
    assert "Serik Protected" not in html
    assert "Next steps" not in html
    assert "Edit the plan" not in html
    response = client.post(f"/visits/{visit.id}/obstructions", data={
        "kind": "intimidation", "occurred_on": TODAY.isoformat(), "description": "x"})
    assert response.status_code == 403


def test_the_regions_supervisor_sees_names_and_steps(login, team):
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    db.session.commit()
    html = page(login(supervisor).get(f"/visits/{team['visit'].id}"))
    assert "Serik Protected" in html
    assert "Complete the record" in html


def test_a_planned_visits_page_says_when_it_can_be_conducted(login):
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    visit = make_visit(team=(monitor,), starts_on=A_WEEK_ON)
    db.session.commit()
    client = login(monitor)
    html = page(client.get(f"/visits/{visit.id}"))
    assert "The visit starts on 17 Nov 2026: mark it as conducted from that day." in html
    assert "Cancel the visit" in html
    response = client.post(f"/visits/{visit.id}/step", data={"action": "conduct"})
    assert response.status_code == 302
    assert db.session.get(Visit, visit.id).status is VisitStatus.PLANNED


# -- steps ------------------------------------------------------------------------------------


def test_completing_from_the_page_asks_for_the_findings(login, team):
    visit, client = team["visit"], login(team["monitor"])
    response = client.post(f"/visits/{visit.id}/step", data={
        "action": "complete", "summary": "", "interviews_in_private": "4"})
    assert response.status_code == 422
    assert field_error(response, "complete-summary") == "Write the general findings of the visit."
    response = client.post(f"/visits/{visit.id}/step", data={
        "action": "complete", "summary": "Cells overcrowded.", "interviews_in_private": "4"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.COMPLETED
    assert "Done: Complete the record." in flashes(client.get(response.location))


def test_a_forged_step_is_refused_and_changes_nothing(login, team):
    visit, client = team["visit"], login(team["monitor"])
    for action in ("reopen", "cancel", "approve"):
        response = client.post(f"/visits/{visit.id}/step",
                               data={"action": action, "reason": "forged"})
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.CONDUCTED
    assert audit_count(AuditAction.VISIT_STEP) == 0


# -- editing ----------------------------------------------------------------------------------


def edit_form(visit: Visit, **changes) -> dict:
    return {
        "facility": str(visit.facility_id), "type": visit.type.value,
        "starts_on": visit.starts_on.isoformat(), "ends_on": visit.ends_on.isoformat(),
        "team": [str(m.user_id) for m in visit.members], "leader": str(visit.leader_id),
        "purpose": visit.purpose, "summary": visit.summary, "version": str(visit.version),
        **changes,
    }


def test_an_edit_from_a_stale_form_answers_409_with_the_changes(login, team):
    visit, client = team["visit"], login(team["monitor"])
    opened = edit_form(visit)
    assert client.post(f"/visits/{visit.id}/edit",
                       data={**opened, "purpose": "Medical care"}).status_code == 302
    response = client.post(f"/visits/{visit.id}/edit", data={**opened, "purpose": "Food"})
    assert response.status_code == 409
    html = page(response)
    assert "What changed since you opened the form" in html
    assert "Medical care" in html
    assert "Food" in html
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).purpose == "Medical care"
    newer = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(f"/visits/{visit.id}/edit",
                           data={**opened, "purpose": "Food", "version": newer})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).purpose == "Food"


def test_a_completed_visit_is_not_edited(login, team):
    visit, client = team["visit"], login(team["monitor"])
    visit.status = VisitStatus.COMPLETED
    db.session.commit()
    for response in (client.get(f"/visits/{visit.id}/edit"),
                     client.post(f"/visits/{visit.id}/edit",
                                 data=edit_form(visit, purpose="Too late"))):
        assert response.status_code == 302
        assert response.location == f"/visits/{visit.id}"
    assert "The visit is completed: its record can no longer be changed." in \
        flashes(client.get(f"/visits/{visit.id}"))
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).purpose == ""
    assert audit_count(AuditAction.VISIT_EDITED) == 0


# -- entries ----------------------------------------------------------------------------------


def test_obstruction_is_recorded_and_removed_from_the_page(login, team):
    visit, client = team["visit"], login(team["monitor"])
    response = client.post(f"/visits/{visit.id}/obstructions", data={
        "kind": "access_delayed", "occurred_on": TODAY.isoformat(), "delay_minutes": "",
        "description": "Kept at the gate."})
    assert response.status_code == 422
    assert field_error(response, "obstruction-delay_minutes") == \
        "Say how many minutes the team was kept waiting."
    response = client.post(f"/visits/{visit.id}/obstructions", data={
        "kind": "access_delayed", "occurred_on": TODAY.isoformat(), "delay_minutes": "90",
        "official": "Duty officer", "description": "Kept at the gate."})
    assert response.status_code == 302
    assert response.location.endswith("#obstruction")
    assert "Access delayed: 90 min" in page(client.get(f"/visits/{visit.id}"))
    obstruction = db.session.scalars(sa.select(Obstruction)).one()
    response = client.post(f"/visits/{visit.id}/obstructions/{obstruction.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Obstruction.id))) == 0
    assert audit_count(AuditAction.VISIT_ENTRY_RECORDED) == 1
    assert audit_count(AuditAction.VISIT_ENTRY_REMOVED) == 1


def test_an_entry_of_another_visit_is_not_found(login, team):
    other = make_visit(team=(team["monitor"],), status=VisitStatus.CONDUCTED)
    obstruction = Obstruction(visit=other, kind=ObstructionKind.INTIMIDATION, occurred_on=TODAY,
                              recorded_by=team["monitor"])
    db.session.add(obstruction)
    db.session.commit()
    client = login(team["monitor"])
    visit = team["visit"]
    assert client.post(f"/visits/{visit.id}/obstructions/{obstruction.id}/remove"
                       ).status_code == 404
    interviewee = visit.interviewees[0]
    assert client.get(f"/visits/{other.id}/interviewees/{interviewee.id}/check-in"
                      ).status_code == 404


def test_a_named_interviewees_iin_is_validated(login, team):
    visit, client = team["visit"], login(team["monitor"])
    data = {"full_name": "Aliya Named", "iin": "1234 5678 9012", "sex": "female",
            "is_reprisal_risk": "y", "first_check_in_on": "2026-11-24"}
    response = client.post(f"/visits/{visit.id}/interviewees", data=data)
    assert response.status_code == 422
    assert field_error(response, "interviewee-iin") == \
        "IIN must be 12 digits with a valid check digit"
    assert "Aliya Named" in page(response)  # kept for correcting
    response = client.post(f"/visits/{visit.id}/interviewees",
                           data={**data, "iin": valid_iin("92030340011")})
    assert response.status_code == 302
    named = db.session.scalars(sa.select(Interviewee).where(Interviewee.number == 2)).one()
    assert named.person.full_name == "Aliya Named"
    assert named.next_check_in_on == date(2026, 11, 24)


def test_the_interviewee_form_offers_the_first_check_in_ten_working_days_on(login, team):
    html = page(login(team["monitor"]).get(f"/visits/{team['visit'].id}"))
    assert 'id="interviewee-first_check_in_on" name="first_check_in_on" type="date" ' \
           'value="2026-11-24"' in html


def test_interviews_and_cctv_are_recorded_from_the_page(login, team):
    visit, client = team["visit"], login(team["monitor"])
    response = client.post(f"/visits/{visit.id}/observations",
                           data={"interviews_in_private": "0", "cctv_seen": "none"})
    assert response.status_code == 422
    assert "1 person interviewed in private is named below" in \
        field_error(response, "observations-interviews_in_private")
    response = client.post(f"/visits/{visit.id}/observations",
                           data={"interviews_in_private": "9", "cctv_seen": "none"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Visit, visit.id)
    assert saved.interviews_in_private == 9
    assert saved.cctv_seen.value == "none"
    assert saved.facility.cctv_coverage.value == "none"


def test_a_post_without_its_csrf_token_is_refused(login, team):
    client = login(team["monitor"])
    response = client.post(f"/visits/{team['visit'].id}/step", data={"action": "cancel"},
                           csrf=False)
    assert response.status_code == 400


# -- every route, every kind of user ----------------------------------------------------------


def routes(visit: Visit) -> list[tuple[str, str]]:
    base = f"/visits/{visit.id}"
    interviewee = visit.interviewees[0].id
    obstruction = visit.obstructions[0].id
    return [
        ("GET", "/visits"), ("GET", "/visits/new"), ("POST", "/visits/new"),
        ("GET", base), ("GET", f"{base}/edit"), ("POST", f"{base}/edit"),
        ("POST", f"{base}/step"), ("POST", f"{base}/obstructions"),
        ("POST", f"{base}/obstructions/{obstruction}/remove"),
        ("POST", f"{base}/observations"), ("POST", f"{base}/interviewees"),
        ("POST", f"{base}/interviewees/{interviewee}/remove"),
        ("GET", f"{base}/interviewees/{interviewee}/check-in"),
        ("POST", f"{base}/interviewees/{interviewee}/check-in"),
        ("POST", f"{base}/verify"),
    ]


PLANS = {("GET", "/visits/new"), ("POST", "/visits/new")}

WHO = {
    # who: (reads the visit and the list, plans visits, records this visit)
    "team monitor": (True, True, True),
    "region supervisor": (True, True, True),
    "country supervisor": (True, True, True),
    "monitor not on the team": (True, True, False),
    "region caseworker": (True, False, False),
    "other region supervisor": (False, True, False),
    "other region caseworker": (False, False, False),
    "lawyer": (False, False, False),
    "auditor": (False, False, False),
    "admin": (False, False, False),
}


def make_reader(who: str, monitor):
    if who == "team monitor":
        return monitor
    role, region = {
        "region supervisor": (Role.SUPERVISOR, Region.ASTANA),
        "country supervisor": (Role.SUPERVISOR, None),
        "monitor not on the team": (Role.MONITOR, Region.ASTANA),
        "region caseworker": (Role.CASEWORKER, Region.ASTANA),
        "other region supervisor": (Role.SUPERVISOR, Region.ABAI),
        "other region caseworker": (Role.CASEWORKER, Region.ABAI),
        "lawyer": (Role.LAWYER, Region.ASTANA),
        "auditor": (Role.AUDITOR, None),
        "admin": (Role.ADMIN, None),
    }[who]
    return make_user(role, region=region)


@pytest.mark.parametrize("who", list(WHO))
def test_every_visit_route_answers_each_kind_of_user_as_the_rules_say(app, team, who):
    visit = team["visit"]
    visit.obstructions.append(Obstruction(kind=ObstructionKind.STAFF_PRESENT, occurred_on=TODAY,
                                          recorded_by=team["monitor"]))
    user = make_reader(who, team["monitor"])
    db.session.commit()
    reads, plans, records_it = WHO[who]
    failures = []
    for method, url in routes(visit):
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        response = client.get(url) if method == "GET" else client.post(url, data={})
        if url == "/visits":  # everyone who reads visits has the list, scoped to them
            allowed = who not in ("lawyer", "auditor", "admin")
        elif (method, url) in PLANS:
            allowed = plans
        elif (method, url) == ("GET", f"/visits/{visit.id}"):
            allowed = reads
        else:
            allowed = records_it
        refused = response.status_code == 403
        if response.status_code >= 500 or refused == allowed:
            failures.append(f"{method} {url}: {response.status_code}")
        db.session.rollback()
    assert not failures, f"as {who}: {failures}"
