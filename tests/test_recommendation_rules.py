"""The recommendation services: every step of the three axes (record, response, verified
implementation), four-eyes issuing, drafting, replies, verifications, deadline changes,
reassignment, follow-ups and repeat findings. Each accepted change writes exactly one audit
entry and one case timeline event; each refused one changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases import services as case_services
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Event, EventKind
from casework.cases.timeline import describe
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.permissions import Permission, can
from casework.recommendations import services
from casework.recommendations.lifecycle import (
    FINAL_IMPLEMENTATION,
    IMPLEMENTATION_STEPS,
    RECORD_STEPS,
    RESPONSE_STEPS,
    Implementation,
    Priority,
    RecordStatus,
    RecordStep,
    Response,
    Scope,
)
from casework.recommendations.models import (
    DeadlineKind,
    Recommendation,
    VerificationMethod,
)
from casework.reference.regions import Region
from casework.refusals import InvalidTransition, NotAllowed, Refusal
from casework.visits.models import VisitStatus
from tests.factories import (
    make_authority,
    make_case,
    make_category,
    make_facility,
    make_recommendation,
    make_user,
    make_visit,
)

TODAY = date(2026, 12, 10)  # a Thursday; the office's date in every test of this module


@pytest.fixture(autouse=True)
def _office_clock() -> Iterator[None]:
    """Mid-morning in Almaty on TODAY, so "today" is the same date in every time zone."""
    with time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=OFFICE_TZ), tick=False):
        yield


# -- helpers shared with the other recommendation test modules ------------------------------


def issued(case=None, **kw: Any) -> Recommendation:
    """An issued recommendation as the database would hold it, issued on 1 December 2026."""
    kw.setdefault("issued_on", date(2026, 12, 1))
    kw.setdefault("reply_due", date(2026, 12, 22))
    kw.setdefault("implementation_due", date(2027, 3, 1))
    return make_recommendation(case, record_status=RecordStatus.ISSUED, **kw)


def audit_trail(recommendation: Recommendation) -> list[AuditEntry]:
    db.session.flush()
    return list(db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "recommendations",
               AuditEntry.object_id == recommendation.id)
        .order_by(AuditEntry.id)
    ))


def timeline(recommendation: Recommendation) -> list[Event]:
    """The recommendation's events on its case's timeline, oldest first."""
    db.session.flush()
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.case_id == recommendation.case_id, Event.kind == EventKind.RECOMMENDATION)
        .order_by(Event.id)
    )
    return [e for e in events if e.data.get("recommendation_id") == recommendation.id]


def recorded_once(
    recommendation: Recommendation, action: AuditAction
) -> tuple[AuditEntry, list[str]]:
    """The one audit entry and the lines of the one timeline event the change wrote."""
    [entry] = audit_trail(recommendation)
    assert entry.action is action
    [event] = timeline(recommendation)
    return entry, describe(event)


def state(recommendation: Recommendation) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    return {
        **recommendation.snapshot(),
        "number": recommendation.number, "issued_by_id": recommendation.issued_by_id,
        "replied_on": recommendation.replied_on, "repeat_of_id": recommendation.repeat_of_id,
        "replies": len(recommendation.replies),
        "verifications": len(recommendation.verifications),
        "deadline_changes": len(recommendation.deadline_changes),
    }


@contextmanager
def refused(
    recommendation: Recommendation, error: type[Refusal] = Refusal, field: str | None = None
) -> Iterator[None]:
    """The block raises `error` (naming `field`), and nothing changed or was recorded."""
    before, version = state(recommendation), recommendation.version
    with pytest.raises(error) as caught:
        yield
    assert caught.value.field == field, caught.value.message
    db.session.flush()  # an in-memory change would now reach the row and bump its version
    assert state(recommendation) == before
    assert recommendation.version == version
    assert audit_trail(recommendation) == []
    assert timeline(recommendation) == []


# -- the record: every step of RECORD_STEPS, and every step the table does not list ----------

STEP_EVENTS = {  # how each step reads on the case timeline
    "issue": "Approved and issued",
    "discard": "Draft discarded",
    "withdraw": "Withdrawn",
    "close": "Closed",
}


def ready_for(step: RecordStep, status: RecordStatus | None = None) -> Recommendation:
    """A recommendation at `status` (the step's source by default) that meets the step's other
    conditions: closing needs a final verified implementation."""
    status = status or step.source
    implementation = (Implementation.IMPLEMENTED if step.target is RecordStatus.CLOSED
                      else Implementation.NOT_STARTED)
    return make_recommendation(record_status=status, issued_on=date(2026, 12, 1),
                               implementation=implementation)


def step_inputs(step: RecordStep) -> dict[str, Any]:
    return {
        "reason": "The facility was closed down." if step.needs_reason else "",
        "implementation_months": 3 if step.action == "issue" else None,
    }


@pytest.mark.parametrize("step", RECORD_STEPS, ids=lambda s: s.action)
def test_every_record_step_moves_the_record_and_records_it_once(step, supervisor):
    recommendation = ready_for(step)
    inputs = step_inputs(step)

    services.apply_step(recommendation, step.action, actor=supervisor, **inputs)

    assert recommendation.record_status is step.target
    entry, lines = recorded_once(recommendation, AuditAction.RECOMMENDATION_STEP)
    assert entry.actor_id == supervisor.id
    assert entry.changes["record_status"] == [step.source.value, step.target.value]
    assert entry.changes["reason"] == inputs["reason"]
    expected = [f"{recommendation.label}: {STEP_EVENTS[step.action]}"]
    assert lines == expected + ([inputs["reason"]] if step.needs_reason else [])
    assert recommendation.closed_on == (TODAY if step.target is RecordStatus.CLOSED else None)


NOT_IN_TABLE = [
    (step, status) for step in RECORD_STEPS for status in RecordStatus if status is not step.source
]


@pytest.mark.parametrize(("step", "status"), NOT_IN_TABLE,
                         ids=[f"{s.action}-from-{status}" for s, status in NOT_IN_TABLE])
def test_record_steps_the_table_does_not_list_are_refused(step, status, supervisor):
    recommendation = ready_for(step, status)
    with refused(recommendation, InvalidTransition):
        services.apply_step(recommendation, step.action, actor=supervisor, **step_inputs(step))


def test_an_unknown_action_is_refused(supervisor):
    recommendation = make_recommendation()
    with refused(recommendation, InvalidTransition):
        services.apply_step(recommendation, "publish", actor=supervisor)


@pytest.mark.parametrize("step", [s for s in RECORD_STEPS if s.needs_reason],
                         ids=lambda s: s.action)
@pytest.mark.parametrize("reason", ["", "   "])
def test_steps_that_need_a_reason_refuse_a_blank_one(step, reason, supervisor):
    recommendation = ready_for(step)
    with refused(recommendation, InvalidTransition, field="reason"):
        services.apply_step(recommendation, step.action, actor=supervisor, reason=reason)


@pytest.mark.parametrize("implementation", list(Implementation))
def test_close_only_once_the_implementation_is_verified_as_final(implementation, supervisor):
    recommendation = issued(implementation=implementation)
    if implementation in FINAL_IMPLEMENTATION:
        services.apply_step(recommendation, "close", actor=supervisor)
        assert (recommendation.record_status, recommendation.closed_on) == (
            RecordStatus.CLOSED, TODAY)
    else:
        with refused(recommendation, InvalidTransition):
            services.apply_step(recommendation, "close", actor=supervisor)


# -- four-eyes --------------------------------------------------------------------------------


def test_a_supervisor_cannot_issue_a_recommendation_they_drafted(supervisor):
    case = make_case(status=CaseStatus.RECOMMENDATION)
    mine = services.draft(case, actor=supervisor, text="Repair the heating.",
                          authority=make_authority(), scope=Scope.STRUCTURAL)
    db.session.flush()
    drafted = len(audit_trail(mine))
    with pytest.raises(NotAllowed, match="Another supervisor"):
        services.apply_step(mine, "issue", actor=supervisor, implementation_months=3)
    assert (mine.record_status, mine.number) == (RecordStatus.DRAFT, None)
    assert len(audit_trail(mine)) == drafted

    colleague = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    services.apply_step(mine, "issue", actor=colleague, implementation_months=3)
    assert (mine.record_status, mine.issued_by) == (RecordStatus.ISSUED, colleague)


def test_a_supervisor_who_rewrote_a_caseworkers_draft_cannot_issue_it(supervisor):
    recommendation = make_recommendation()  # drafted by a caseworker of Astana
    services.edit_draft(recommendation, actor=supervisor, expected_version=recommendation.version,
                        text="Repair the heating in every cell block before winter.")
    db.session.flush()
    with pytest.raises(NotAllowed, match="drafted or edited"):
        services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3)
    assert recommendation.record_status is RecordStatus.DRAFT

    colleague = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    services.apply_step(recommendation, "issue", actor=colleague, implementation_months=3)
    assert recommendation.issued_by == colleague


@pytest.mark.parametrize("region", [Region.ASTANA, None], ids=["regional", "national"])
def test_a_supervisor_covering_the_region_issues_a_caseworkers_draft(region):
    approver = make_user(Role.SUPERVISOR, region=region)
    recommendation = make_recommendation()  # drafted by a caseworker of Astana
    services.apply_step(recommendation, "issue", actor=approver, implementation_months=6)
    assert recommendation.record_status is RecordStatus.ISSUED


def test_a_caseworker_cannot_issue_at_all(caseworker):
    case = make_case(status=CaseStatus.RECOMMENDATION, assignees=(caseworker,))
    recommendation = make_recommendation(case, drafted_by=make_user(Role.CASEWORKER))
    for actor in (caseworker, recommendation.drafted_by):
        with refused(recommendation, NotAllowed):
            services.apply_step(recommendation, "issue", actor=actor, implementation_months=3)


def test_a_supervisor_of_another_region_cannot_issue():
    elsewhere = make_user(Role.SUPERVISOR, region=Region.PAVLODAR)
    recommendation = make_recommendation()  # in Astana
    with refused(recommendation, NotAllowed):
        services.apply_step(recommendation, "issue", actor=elsewhere, implementation_months=3)


def test_a_caseworker_discards_their_own_draft_but_cannot_withdraw_or_close(caseworker):
    draft = make_recommendation(drafted_by=caseworker)
    services.apply_step(draft, "discard", actor=caseworker, reason="Duplicate of another")
    assert draft.record_status is RecordStatus.WITHDRAWN
    live = issued(drafted_by=caseworker, implementation=Implementation.IMPLEMENTED)
    for action in ("withdraw", "close"):
        with refused(live, NotAllowed):
            services.apply_step(live, action, actor=caseworker, reason="Not needed")


# -- drafting ---------------------------------------------------------------------------------


def test_an_assigned_caseworker_drafts_and_follows_it_up(caseworker):
    case = make_case(status=CaseStatus.RECOMMENDATION, assignees=(caseworker,),
                     facility=make_facility())
    recommendation = services.draft(
        case, actor=caseworker, text="  Install call buttons in every cell.  ",
        authority=make_authority(), scope=Scope.STRUCTURAL, priority=Priority.HIGH,
    )
    assert recommendation.record_status is RecordStatus.DRAFT
    assert recommendation.text == "Install call buttons in every cell."
    assert (recommendation.drafted_by, recommendation.owner) == (caseworker, caseworker)
    assert (recommendation.region, recommendation.facility) == (case.region, case.facility)
    assert recommendation.number is None
    _entry, lines = recorded_once(recommendation, AuditAction.RECOMMENDATION_DRAFTED)
    assert lines == [f"Draft {recommendation.id}: Drafted"]


def test_a_supervisors_draft_is_followed_up_by_the_cases_caseworker(supervisor, caseworker):
    case = make_case(status=CaseStatus.RECOMMENDATION, assignees=(caseworker,))
    recommendation = services.draft(case, actor=supervisor, text="Train the guards.",
                                    authority=make_authority(), scope=Scope.STRUCTURAL)
    assert recommendation.owner == caseworker


def test_drafting_is_refused_on_closed_cases_to_outsiders_and_without_text(caseworker):
    authority = make_authority()
    attempts = [
        (make_case(status=CaseStatus.CLOSED, assignees=(caseworker,)), caseworker, "Text"),
        (make_case(status=CaseStatus.RECOMMENDATION), caseworker, "Text"),  # not assigned
        (make_case(status=CaseStatus.RECOMMENDATION, assignees=(caseworker,)), caseworker, " "),
    ]
    for case, actor, text in attempts:
        with pytest.raises(Refusal):
            services.draft(case, actor=actor, text=text, authority=authority,
                           scope=Scope.INDIVIDUAL)
    lawyer = make_user(Role.LAWYER, region=Region.ASTANA)
    assigned = make_case(status=CaseStatus.RECOMMENDATION, assignees=(lawyer,))
    with pytest.raises(NotAllowed):
        services.draft(assigned, actor=lawyer, text="Text", authority=authority,
                       scope=Scope.INDIVIDUAL)
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 0


def test_editing_a_draft_is_audited_and_refused_once_issued_or_stale(caseworker, supervisor):
    recommendation = make_recommendation(drafted_by=caseworker, text="Old wording")
    services.edit_draft(recommendation, actor=caseworker, expected_version=1,
                        text="New wording", priority=Priority.HIGH)
    entry, lines = recorded_once(recommendation, AuditAction.RECOMMENDATION_EDITED)
    assert entry.changes == {"text": ["Old wording", "New wording"],
                             "priority": ["medium", "high"]}
    assert lines == [f"Draft {recommendation.id}: Draft edited"]
    with pytest.raises(Refusal, match="Someone else"):
        services.edit_draft(recommendation, actor=caseworker, expected_version=1, text="Mine")
    services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3)
    with pytest.raises(Refusal, match="Only a draft"):
        services.edit_draft(recommendation, actor=supervisor,
                            expected_version=recommendation.version, text="After issue")
    assert recommendation.text == "New wording"


# -- the addressee's response: every pair of RESPONSE_STEPS and the pairs it leaves out -------


def reply(recommendation: Recommendation, actor, **kw: Any):
    return services.record_reply(
        recommendation, actor=actor,
        received_on=kw.pop("received_on", date(2026, 12, 8)),
        register_number=kw.pop("register_number", "вх-451"),
        summary=kw.pop("summary", "The ministry agrees and has ordered repairs."),
        response=kw.pop("response", Response.ACCEPTED), **kw,
    )


@pytest.mark.parametrize(("source", "target"), sorted(RESPONSE_STEPS))
def test_every_response_step_is_recorded_from_a_reply(source, target, caseworker):
    recommendation = issued(response=source, owner=caseworker)
    recorded = reply(recommendation, caseworker, response=target)

    assert recommendation.response is target
    assert recommendation.replies == [recorded]
    assert recommendation.replied_on == date(2026, 12, 8)
    entry, lines = recorded_once(recommendation, AuditAction.REPLY_RECORDED)
    assert entry.changes["response"] == [source.value, target.value]
    assert entry.changes["register_number"] == "вх-451"
    assert lines == [f"{recommendation.number}: Reply received", f"Position: {target.label}"]


RESPONSE_PAIRS_LEFT_OUT = [
    (source, target) for source in Response for target in Response
    if (source, target) not in RESPONSE_STEPS
]


@pytest.mark.parametrize(("source", "target"), RESPONSE_PAIRS_LEFT_OUT)
def test_response_pairs_left_out_of_the_table(source, target, caseworker):
    recommendation = issued(response=source, owner=caseworker)
    if target is Response.AWAITING:  # a reply always takes a position
        with refused(recommendation, Refusal, field="response"):
            reply(recommendation, caseworker, response=target)
    else:
        # Not a step, yet not refused: a later letter that keeps the same position (a progress
        # report) is still a reply to record.
        reply(recommendation, caseworker, response=target)
        assert (recommendation.response, len(recommendation.replies)) == (target, 1)


def test_a_claim_of_implementation_does_not_change_the_verified_status(caseworker):
    recommendation = issued(owner=caseworker)
    reply(recommendation, caseworker, claimed_implementation=Implementation.IMPLEMENTED)
    assert recommendation.implementation is Implementation.NOT_STARTED
    assert recommendation.replies[0].claimed_implementation is Implementation.IMPLEMENTED
    _entry, lines = recorded_once(recommendation, AuditAction.REPLY_RECORDED)
    assert lines[-1] == "The authority claims: Implemented"


@pytest.mark.parametrize(
    "received_on", [date(2026, 12, 11), date(2026, 11, 30)], ids=["tomorrow", "before-issue"]
)
def test_a_reply_date_in_the_future_or_before_the_issue_is_refused(received_on, caseworker):
    recommendation = issued(owner=caseworker)
    with refused(recommendation, Refusal, field="received_on"):
        reply(recommendation, caseworker, received_on=received_on)


@pytest.mark.parametrize("missing", ["register_number", "summary"])
def test_a_reply_needs_its_register_number_and_summary(missing, caseworker):
    recommendation = issued(owner=caseworker)
    with refused(recommendation, Refusal, field=missing):
        reply(recommendation, caseworker, **{missing: "  "})


@pytest.mark.parametrize("status", [s for s in RecordStatus if s is not RecordStatus.ISSUED])
def test_replies_and_verifications_only_on_issued_recommendations(status, supervisor):
    recommendation = make_recommendation(record_status=status, issued_on=date(2026, 12, 1))
    with refused(recommendation):
        reply(recommendation, supervisor)
    with refused(recommendation):
        verify(recommendation, supervisor, result=Implementation.IN_PROGRESS)


def test_a_late_entered_earlier_reply_keeps_the_latest_reply_date(caseworker):
    recommendation = issued(owner=caseworker)
    reply(recommendation, caseworker, received_on=date(2026, 12, 9))
    reply(recommendation, caseworker, received_on=date(2026, 12, 3),
          response=Response.PARTIALLY_ACCEPTED)
    assert recommendation.replied_on == date(2026, 12, 9)
    assert recommendation.response is Response.PARTIALLY_ACCEPTED  # the last one recorded
    assert [r.received_on for r in recommendation.replies] == [date(2026, 12, 9),
                                                                date(2026, 12, 3)]


# -- verified implementation: every pair of IMPLEMENTATION_STEPS, and every other pair --------


def verify(recommendation: Recommendation, actor, **kw: Any):
    return services.record_verification(
        recommendation, actor=actor, result=kw.pop("result"),
        method=kw.pop("method", VerificationMethod.FOLLOW_UP_VISIT),
        verified_on=kw.pop("verified_on", date(2026, 12, 9)),
        evidence=kw.pop("evidence", "Saw the new call buttons working in cells 1-12."),
    )


@pytest.mark.parametrize(("source", "target"), sorted(IMPLEMENTATION_STEPS))
def test_every_implementation_step_is_recorded_from_a_verification(source, target, caseworker):
    recommendation = issued(implementation=source, owner=caseworker)
    verification = verify(recommendation, caseworker, result=target)

    assert recommendation.implementation is target
    assert verification.verified_by == caseworker
    entry, lines = recorded_once(recommendation, AuditAction.IMPLEMENTATION_VERIFIED)
    assert entry.changes["implementation"] == [source.value, target.value]
    assert entry.changes["verification_id"] == verification.id
    assert lines == [f"{recommendation.number}: Implementation verified",
                     f"{target.label} (Seen on a follow-up visit, 9 Dec 2026)"]


IMPLEMENTATION_PAIRS_LEFT_OUT = [
    (source, target) for source in Implementation for target in Implementation
    if (source, target) not in IMPLEMENTATION_STEPS
]


@pytest.mark.parametrize(("source", "target"), IMPLEMENTATION_PAIRS_LEFT_OUT)
def test_implementation_pairs_left_out_of_the_table_are_refused(source, target, caseworker):
    recommendation = issued(implementation=source, owner=caseworker)
    with refused(recommendation, InvalidTransition, field="result"):
        verify(recommendation, caseworker, result=target)


def test_a_verification_needs_evidence_and_a_date_between_the_issue_and_today(caseworker):
    recommendation = issued(owner=caseworker)
    attempts = [({"evidence": "   "}, "evidence"),
                ({"verified_on": date(2026, 12, 11)}, "verified_on"),
                ({"verified_on": date(2026, 11, 30)}, "verified_on")]
    for change, field in attempts:
        with refused(recommendation, Refusal, field=field):
            verify(recommendation, caseworker, result=Implementation.IMPLEMENTED, **change)


@pytest.mark.parametrize("role", [Role.LAWYER, Role.MONITOR, Role.CASEWORKER])
def test_only_those_following_it_up_record_replies_and_verifications(role):
    """They all read the case: the lawyer is assigned, the monitor registered it, the
    caseworker is in the region's office but not on the case."""
    outsider = make_user(role, region=Region.ASTANA)
    case = make_case(status=CaseStatus.FOLLOW_UP, created_by=outsider,
                     assignees=(outsider,) if role is Role.LAWYER else ())
    recommendation = issued(case)
    with refused(recommendation, NotAllowed):
        reply(recommendation, outsider)
    with refused(recommendation, NotAllowed):
        verify(recommendation, outsider, result=Implementation.IMPLEMENTED)


# -- acting on an overdue item: deadlines, reassignment, follow-ups ---------------------------


def test_a_supervisor_moves_a_deadline_with_a_recorded_reason(supervisor):
    recommendation = issued()
    change = services.change_deadline(recommendation, DeadlineKind.REPLY, date(2027, 1, 15),
                                      "  The minister asked for more time.  ", actor=supervisor)
    assert recommendation.reply_due == date(2027, 1, 15)
    assert recommendation.implementation_due == date(2027, 3, 1)
    assert (change.kind, change.previous_due, change.new_due, change.reason,
            change.changed_by) == (DeadlineKind.REPLY, date(2026, 12, 22), date(2027, 1, 15),
                                   "The minister asked for more time.", supervisor)
    assert recommendation.deadline_changes == [change]
    entry, lines = recorded_once(recommendation, AuditAction.RECOMMENDATION_DEADLINE_CHANGED)
    assert entry.changes["reply_due"] == ["2026-12-22", "2027-01-15"]
    assert lines == [f"{recommendation.number}: Deadline changed",
                     "Reply deadline: 22 Dec 2026 → 15 Jan 2027",
                     "The minister asked for more time."]


def test_the_implementation_deadline_moves_alone(supervisor):
    recommendation = issued()
    services.change_deadline(recommendation, DeadlineKind.IMPLEMENTATION, date(2027, 6, 1),
                             "Budget comes in spring.", actor=supervisor)
    assert (recommendation.reply_due, recommendation.implementation_due) == (
        date(2026, 12, 22), date(2027, 6, 1))
    _entry, lines = recorded_once(recommendation, AuditAction.RECOMMENDATION_DEADLINE_CHANGED)
    assert lines[1] == "Implementation deadline: 1 Mar 2027 → 1 Jun 2027"


@pytest.mark.parametrize(
    ("new_due", "reason", "field"),
    [(date(2027, 1, 15), "  ", "reason"),
     (date(2026, 12, 22), "Same day", "new_due"),
     (date(2026, 11, 30), "Before the issue", "new_due")],
    ids=["no-reason", "same-date", "before-issue"],
)
def test_a_deadline_change_needs_a_reason_and_a_new_date(new_due, reason, field, supervisor):
    recommendation = issued()
    with refused(recommendation, Refusal, field=field):
        services.change_deadline(recommendation, DeadlineKind.REPLY, new_due, reason,
                                 actor=supervisor)


def test_only_the_regions_supervisor_changes_deadlines(caseworker):
    recommendation = issued(owner=caseworker)
    for actor in (caseworker, make_user(Role.SUPERVISOR, region=Region.PAVLODAR)):
        with refused(recommendation, NotAllowed):
            services.change_deadline(recommendation, DeadlineKind.REPLY, date(2027, 1, 15),
                                     "More time", actor=actor)


def test_a_supervisor_reassigns_the_follow_up_to_a_caseworker_of_the_region(supervisor):
    recommendation = issued()
    previous = recommendation.owner
    newcomer = make_user(Role.CASEWORKER, region=Region.ASTANA, full_name="Aigerim Bekova")
    services.reassign(recommendation, newcomer, actor=supervisor)
    assert recommendation.owner == newcomer
    entry, lines = recorded_once(recommendation, AuditAction.RECOMMENDATION_REASSIGNED)
    assert entry.changes == {"owner_id": [previous.id, newcomer.id]}
    assert lines == [f"{recommendation.number}: Follow-up reassigned", "Aigerim Bekova"]
    central = make_user(Role.CASEWORKER, region=None)  # the central office covers every region
    services.reassign(recommendation, central, actor=supervisor)
    assert recommendation.owner == central


def test_reassignment_is_refused_to_whoever_cannot_follow_it_up(supervisor, caseworker):
    recommendation = issued(owner=caseworker)
    unfit = [
        make_user(Role.CASEWORKER, region=Region.PAVLODAR),
        make_user(Role.CASEWORKER, region=Region.ASTANA, is_active_account=False),
        make_user(Role.LAWYER, region=Region.ASTANA),
        make_user(Role.SUPERVISOR, region=Region.ASTANA),
        caseworker,  # already follows it up
    ]
    for owner in unfit:
        with refused(recommendation, Refusal, field="owner"):
            services.reassign(recommendation, owner, actor=supervisor)
    newcomer = make_user(Role.CASEWORKER, region=Region.ASTANA)
    with refused(recommendation, NotAllowed):
        services.reassign(recommendation, newcomer, actor=caseworker)
    finished = make_recommendation(record_status=RecordStatus.CLOSED,
                                   implementation=Implementation.IMPLEMENTED)
    with refused(finished, Refusal):
        services.reassign(finished, newcomer, actor=supervisor)


def test_the_caseworker_schedules_a_follow_up(caseworker):
    recommendation = issued(owner=caseworker)
    services.schedule_follow_up(recommendation, date(2027, 1, 20),
                                " Call the colony's deputy head. ", actor=caseworker)
    assert (recommendation.follow_up_on, recommendation.follow_up_note) == (
        date(2027, 1, 20), "Call the colony's deputy head.")
    _entry, lines = recorded_once(recommendation, AuditAction.FOLLOW_UP_SCHEDULED)
    assert lines == [f"{recommendation.number}: Follow-up scheduled", "On 20 Jan 2027",
                     "Call the colony's deputy head."]
    services.schedule_follow_up(recommendation, TODAY, "Today will do", actor=caseworker)
    assert recommendation.follow_up_on == TODAY


@pytest.mark.parametrize(
    ("on", "note", "field"),
    [(date(2026, 12, 9), "Yesterday", "on"), (date(2027, 1, 20), "   ", "note")],
    ids=["past", "no-note"],
)
def test_a_follow_up_needs_a_date_from_today_and_a_note(on, note, field, caseworker):
    recommendation = issued(owner=caseworker)
    with refused(recommendation, Refusal, field=field):
        services.schedule_follow_up(recommendation, on, note, actor=caseworker)


def test_no_follow_up_on_a_draft_and_none_by_a_lawyer(caseworker):
    draft = make_recommendation(drafted_by=caseworker)
    with refused(draft, Refusal):
        services.schedule_follow_up(draft, date(2027, 1, 20), "Check", actor=caseworker)
    lawyer = make_user(Role.LAWYER, region=Region.ASTANA)
    live = issued(make_case(status=CaseStatus.FOLLOW_UP, assignees=(lawyer,)))
    with refused(live, NotAllowed):
        services.schedule_follow_up(live, date(2027, 1, 20), "Check", actor=lawyer)


# -- repeat findings --------------------------------------------------------------------------


@pytest.fixture
def finding():
    """A facility and a category: the finding whose repetition is looked for."""
    return make_facility(), make_category("overcrowding")


def earlier(finding, issued_on: date, status: RecordStatus = RecordStatus.ISSUED,
            **kw: Any) -> Recommendation:
    facility, category = kw.pop("facility", finding[0]), kw.pop("category", finding[1])
    recommendation = make_recommendation(
        record_status=status, issued_on=issued_on, facility=facility, category=category,
        implementation=Implementation.IMPLEMENTED, **kw,
    )
    if recommendation.issued_on is None:  # issued once, then withdrawn: it keeps its number
        recommendation.issued_on, recommendation.number = issued_on, f"R-W-{recommendation.id}"
    return recommendation


def issue_new(finding, supervisor, **kw: Any) -> Recommendation:
    facility, category = kw.pop("facility", finding[0]), kw.pop("category", finding[1])
    recommendation = make_recommendation(facility=facility, category=category)
    services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3)
    return recommendation


def test_the_same_finding_within_24_months_is_a_repeat_of_the_latest(finding, supervisor):
    earlier(finding, date(2025, 1, 10))
    latest = earlier(finding, date(2026, 6, 1), RecordStatus.CLOSED)
    repeat = issue_new(finding, supervisor)
    assert repeat.repeat_of == latest
    db.session.flush()
    assert repeat.is_repeat
    [entry] = audit_trail(repeat)
    assert entry.changes["record_status"] == ["draft", "issued"]


@pytest.mark.parametrize(
    ("issued_on", "is_repeat"),
    [(date(2024, 12, 10), True),  # 24 months to the day
     (date(2024, 12, 9), False),
     (date(2024, 11, 10), False)],  # 25 months
    ids=["24-months", "a-day-more", "25-months"],
)
def test_the_repeat_window_is_24_months(issued_on, is_repeat, finding, supervisor):
    before = earlier(finding, issued_on)
    assert issue_new(finding, supervisor).repeat_of == (before if is_repeat else None)


def test_withdrawn_drafts_other_categories_and_facilities_are_not_repeats(finding, supervisor):
    facility, _category = finding
    earlier(finding, date(2026, 6, 1), RecordStatus.WITHDRAWN)
    make_recommendation(facility=facility, category=finding[1])  # a draft: never sent
    earlier(finding, date(2026, 6, 1), category=make_category("food"))
    earlier(finding, date(2026, 6, 1), facility=make_facility())
    assert issue_new(finding, supervisor).repeat_of is None
    assert issue_new(finding, supervisor, category=None).repeat_of is None


def test_recommendations_of_the_same_case_are_one_finding_not_a_repeat(finding, supervisor):
    """One visit often yields several recommendations on the same finding, to different
    authorities: they are that finding, not its repetition."""
    facility, category = finding
    case = make_case(status=CaseStatus.RECOMMENDATION, facility=facility)
    siblings = [make_recommendation(case, facility=facility, category=category,
                                    authority=make_authority()) for _ in range(2)]
    for recommendation in siblings:
        services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3)
    assert [r.repeat_of for r in siblings] == [None, None]
    # A later case on the same finding is a repeat again.
    assert issue_new(finding, supervisor).repeat_of == siblings[1]


def test_recommendations_of_the_same_visit_are_one_finding_not_a_repeat(finding, supervisor):
    facility, category = finding
    visit = make_visit(facility, status=VisitStatus.COMPLETED)
    siblings = [make_recommendation(facility=facility, category=category) for _ in range(2)]
    for recommendation in siblings:
        recommendation.case, recommendation.visit = None, visit  # drafted from the visit
    for recommendation in siblings:
        services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3)
    assert [r.repeat_of for r in siblings] == [None, None]


# -- guards added after the security review ---------------------------------------------------


def test_a_step_on_a_recommendation_changed_since_it_was_read_is_refused(supervisor):
    """The approver issues the wording they read, not one edited behind their back."""
    recommendation = make_recommendation()
    read_version = recommendation.version
    services.edit_draft(recommendation, actor=recommendation.drafted_by,
                        expected_version=read_version, text="Something else entirely.")
    db.session.flush()
    with pytest.raises(InvalidTransition, match="changed this recommendation"):
        services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3,
                            expected_version=read_version)
    assert recommendation.record_status is RecordStatus.DRAFT
    services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3,
                        expected_version=recommendation.version)
    assert recommendation.record_status is RecordStatus.ISSUED


def test_a_draft_of_a_closed_case_is_not_issued(supervisor):
    case = make_case(status=CaseStatus.CLOSED)
    recommendation = make_recommendation(case)
    with pytest.raises(InvalidTransition, match="The case is closed"):
        services.apply_step(recommendation, "issue", actor=supervisor, implementation_months=3)
    assert (recommendation.record_status, recommendation.number) == (RecordStatus.DRAFT, None)


def test_the_drafter_follows_up_only_the_draft(caseworker):
    case = make_case(status=CaseStatus.RECOMMENDATION)  # caseworker not assigned, same region
    draft = make_recommendation(case, drafted_by=caseworker,
                                owner=make_user(Role.CASEWORKER, region=Region.ASTANA))
    assert can(caseworker, Permission.FOLLOW_UP_RECOMMENDATION, draft)
    sent = issued(case, drafted_by=caseworker, owner=draft.owner)
    assert not can(caseworker, Permission.FOLLOW_UP_RECOMMENDATION, sent)
    with pytest.raises(NotAllowed):
        services.record_verification(
            sent, actor=caseworker, result=Implementation.IMPLEMENTED,
            method=VerificationMethod.DOCUMENT_REVIEW, verified_on=TODAY, evidence="Seen.")


@pytest.mark.parametrize("years", [5, 6])
def test_deadlines_and_follow_ups_stay_within_five_years(years, supervisor):
    recommendation = issued()
    far = date(recommendation.issued_on.year + years, 11, 30)
    if years == 5:
        services.change_deadline(recommendation, DeadlineKind.IMPLEMENTATION, far, "Law changed.",
                                  actor=supervisor)
        assert recommendation.implementation_due == far
        return
    with pytest.raises(Refusal, match="within five years") as refused:
        services.change_deadline(recommendation, DeadlineKind.IMPLEMENTATION, far, "Typo.",
                                 actor=supervisor)
    assert refused.value.field == "new_due"
    with pytest.raises(Refusal, match="within five years") as refused:
        services.schedule_follow_up(recommendation, far, "Visit.", actor=supervisor)
    assert refused.value.field == "on"


def test_a_case_moving_region_takes_its_recommendations_along():
    national = make_user(Role.SUPERVISOR)
    case = make_case(status=CaseStatus.RECOMMENDATION, region=Region.ASTANA)
    recommendation = issued(case)
    karaganda = make_facility(region=Region.KARAGANDA)
    case_services.edit_case(case, expected_version=case.version, actor=national,
                            changes={"facility": karaganda})
    assert (case.region, recommendation.region) == (Region.KARAGANDA, Region.KARAGANDA)
