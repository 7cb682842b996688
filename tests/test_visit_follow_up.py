"""Follow-up verification: a visit's team verifies the facility's open recommendations with
what it saw, dated within the visit, its evidence naming the visit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.recommendations.lifecycle import Implementation, RecordStatus, Scope
from casework.recommendations.models import Recommendation, VerificationMethod
from casework.reference.regions import Region
from casework.refusals import NotAllowed, Refusal
from casework.visits.follow_up import open_recommendations, verify_on_visit
from casework.visits.models import VisitStatus
from tests.factories import (
    PASSWORD,
    make_case,
    make_facility,
    make_recommendation,
    make_user,
    make_visit,
)
from tests.test_visits import TODAY


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def world():
    """A follow-up visit to Colony No. 3 (9-10 November), and what was recommended there."""
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    colony = make_facility(name="Colony No. 3")
    visit = make_visit(colony, team=(monitor,), status=VisitStatus.CONDUCTED,
                       starts_on=TODAY - timedelta(days=1), ends_on=TODAY)
    case = make_case(facility=colony)

    def issued(**kw) -> Recommendation:
        status = kw.pop("record_status", RecordStatus.ISSUED)
        return make_recommendation(case, record_status=status,
                                   facility=kw.pop("facility", colony), **kw)

    return {
        "monitor": monitor, "visit": visit,
        "structural": issued(text="Install ventilation in block 2", scope=Scope.STRUCTURAL),
        "individual": issued(text="Transfer Serik Protected to hospital",
                             scope=Scope.INDIVIDUAL),
        "elsewhere": issued(facility=make_facility()),
        "draft": make_recommendation(case, facility=colony),
        "later": issued(issued_on=TODAY + timedelta(days=1)),
        "closed": issued(record_status=RecordStatus.CLOSED,
                         implementation=Implementation.IMPLEMENTED),
    }


def test_the_panel_lists_the_facilitys_live_recommendations_issued_before_the_visit(world):
    rows = open_recommendations(world["visit"], world["monitor"])
    assert [row.recommendation for row in rows] == [world["structural"], world["individual"]]
    structural, individual = rows
    assert structural.text_shown
    assert Implementation.IMPLEMENTED in structural.results
    # An individual remedy of a case the monitor does not read: not shown, not verifiable.
    assert not individual.text_shown
    assert individual.results == []
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    assert all(row.text_shown for row in open_recommendations(world["visit"], supervisor))


def test_the_team_verifies_what_it_saw_on_the_visit(world):
    recommendation = world["structural"]
    verification = verify_on_visit(world["visit"], recommendation, actor=world["monitor"],
                                   result=Implementation.IMPLEMENTED,
                                   evidence="  Fans installed and working.  ")
    assert verification.method is VerificationMethod.FOLLOW_UP_VISIT
    assert verification.verified_on == TODAY  # the visit's last day
    assert verification.evidence == f"{world['visit'].reference}: Fans installed and working."
    assert verification.verified_by == world["monitor"]
    assert recommendation.implementation is Implementation.IMPLEMENTED
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.IMPLEMENTATION_VERIFIED)).one()
    assert entry.actor_id == world["monitor"].id


def test_a_chosen_day_is_a_day_of_the_visit(world):
    visit, recommendation = world["visit"], world["structural"]
    with pytest.raises(Refusal, match="Choose a day of the visit") as refused:
        verify_on_visit(visit, recommendation, actor=world["monitor"],
                        result=Implementation.IN_PROGRESS, evidence="Works started.",
                        verified_on=TODAY - timedelta(days=5))
    assert refused.value.field == "verified_on"
    done = verify_on_visit(visit, recommendation, actor=world["monitor"],
                           result=Implementation.IN_PROGRESS, evidence="Works started.",
                           verified_on=visit.starts_on)
    assert done.verified_on == visit.starts_on


@pytest.mark.parametrize(("which", "message"), [
    ("elsewhere", "not about the visited facility"),
    ("later", "issued after the visit"),
    ("individual", "caseworker who follows it up"),
    ("draft", "Only issued recommendations"),
    ("closed", "Only issued recommendations"),
])
def test_what_the_visit_cannot_verify_is_refused(world, which, message):
    with pytest.raises(Refusal, match=message):
        verify_on_visit(world["visit"], world[which], actor=world["monitor"],
                        result=Implementation.IMPLEMENTED, evidence="Seen.")


def test_the_verification_follows_the_implementation_steps_and_needs_evidence(world):
    recommendation = world["structural"]
    recommendation.implementation = Implementation.IMPLEMENTED
    with pytest.raises(Refusal) as refused:
        verify_on_visit(world["visit"], recommendation, actor=world["monitor"],
                        result=Implementation.IN_PROGRESS, evidence="Seen.")
    assert refused.value.field == "result"
    with pytest.raises(Refusal) as refused:
        verify_on_visit(world["visit"], world["structural"], actor=world["monitor"],
                        result=Implementation.IN_PROGRESS, evidence="   ")
    assert refused.value.field == "evidence"


def test_only_who_records_the_visit_verifies_on_it_and_while_it_is_conducted(world):
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)  # follows recommendations up
    with pytest.raises(NotAllowed):
        verify_on_visit(world["visit"], world["structural"], actor=caseworker,
                        result=Implementation.IMPLEMENTED, evidence="Seen.")
    world["visit"].status = VisitStatus.COMPLETED
    with pytest.raises(Refusal, match="can no longer be changed"):
        verify_on_visit(world["visit"], world["structural"], actor=world["monitor"],
                        result=Implementation.IMPLEMENTED, evidence="Seen.")


def test_the_visit_page_verifies_a_recommendation(app, world):
    visit, recommendation = world["visit"], world["structural"]
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": world["monitor"].email, "password": PASSWORD})
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Open recommendations for this facility" in html
    assert "Install ventilation in block 2" in html
    assert "Transfer Serik Protected" not in html
    url = f"/visits/{visit.id}/verify"
    response = client.post(url, data={"recommendation": str(recommendation.id),
                                      "result": "implemented", "evidence": ""})
    assert response.status_code == 422
    response = client.post(url, data={"recommendation": str(recommendation.id),
                                      "result": "implemented", "evidence": "Fans work.",
                                      "verified_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert response.location.endswith("#follow-up")
    db.session.expire_all()
    assert db.session.get(Recommendation, recommendation.id).implementation is \
        Implementation.IMPLEMENTED
    for forged in ("x", "99999999999999999999", str(world["elsewhere"].id)):
        assert client.post(url, data={"recommendation": forged, "result": "implemented",
                                      "evidence": "Fans work."}).status_code in (400, 404)


def test_recommendation_verification_by_its_caseworker_still_checks_the_right(world):
    """record_verification keeps its own check after the split (services)."""
    from casework.recommendations.services import record_verification

    with pytest.raises(NotAllowed):
        record_verification(world["structural"], actor=world["monitor"],
                            result=Implementation.IMPLEMENTED,
                            method=VerificationMethod.DOCUMENT_REVIEW,
                            verified_on=date(2026, 11, 9), evidence="Letter.")
