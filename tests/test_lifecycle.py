"""The case services: every lifecycle transition, its refusals, assignment, tasks, edits."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.orm.exc import StaleDataError

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases import services
from casework.cases.lifecycle import TRANSITIONS, CaseStatus, Outcome, no_issued_recommendation
from casework.cases.models import AssignmentRole, Case, Event, EventKind, TaskKind
from casework.extensions import db
from casework.recommendations.lifecycle import Implementation, RecordStatus
from casework.reference.regions import Region
from tests.factories import (
    add_party,
    make_authority,
    make_case,
    make_category,
    make_facility,
    make_recommendation,
    make_user,
)


def audit_actions(case: Case) -> list[AuditAction]:
    return list(db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.object_type == "cases", AuditEntry.object_id == case.id)
        .order_by(AuditEntry.id)
    ))


def event_kinds(case: Case) -> list[EventKind]:
    return list(db.session.scalars(
        sa.select(Event.kind).where(Event.case_id == case.id).order_by(Event.id)
    ))


def transition_inputs(transition) -> dict:
    return {
        "reason": "Because the file shows it" if transition.needs_reason else None,
        "outcome": transition.outcomes[0] if transition.outcomes else None,
        "authority": make_authority() if transition.needs_authority else None,
    }


def ready_for(transition) -> Case:
    """A case at the transition's source that meets its guard: follow-up needs an issued
    recommendation (closed, so that it does not hold the case open)."""
    case = make_case(status=transition.source)
    if transition.guard is no_issued_recommendation:
        make_recommendation(case, record_status=RecordStatus.CLOSED,
                            implementation=Implementation.IMPLEMENTED)
    return case


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.action)
def test_every_transition_moves_the_case_and_records_it(transition, supervisor):
    case = ready_for(transition)
    inputs = transition_inputs(transition)
    version = case.version

    services.apply_transition(case, transition.action, actor=supervisor, **inputs)
    db.session.flush()

    assert case.status is transition.target
    assert case.version == version + 1
    event = db.session.scalar(sa.select(Event).where(Event.case_id == case.id))
    assert event.kind is EventKind.TRANSITION
    assert event.data["from"] == transition.source.value
    assert event.data["to"] == transition.target.value
    assert event.data["action"] == transition.action
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_id == case.id))
    assert entry.action is AuditAction.CASE_TRANSITION
    assert entry.changes["status"] == [transition.source.value, transition.target.value]
    assert entry.changes["version"] == version
    if transition.target is CaseStatus.CLOSED:
        assert case.outcome is inputs["outcome"]
        assert case.closed_on is not None
    else:
        assert case.outcome is None
        assert case.closed_on is None


def test_refer_out_records_the_body_and_finishes_the_forwarding_task(supervisor):
    case = make_case(status=CaseStatus.TRIAGE)
    services.mark_out_of_mandate(case, actor=supervisor)
    authority = make_authority(name="Prosecutor's office")
    services.apply_transition(case, "refer_out", actor=supervisor, reason="Not ours: letter 12",
                              authority=authority)
    assert case.referred_to is authority
    assert case.outcome is Outcome.REFERRED_OUT
    assert all(task.is_done for task in case.tasks)


def test_reopen_clears_outcome_and_closing_date(supervisor):
    case = make_case(status=CaseStatus.CLOSED, closed_on=date(2026, 11, 20))
    services.apply_transition(case, "reopen", actor=supervisor, reason="New evidence")
    db.session.flush()
    assert (case.status, case.outcome, case.closed_on) == (CaseStatus.INVESTIGATION, None, None)


@time_machine.travel(date(2026, 12, 10))
def test_reopening_gives_a_fresh_decision_period(supervisor):
    case = make_case(status=CaseStatus.CLOSED, decision_due=date(2026, 7, 17))
    services.apply_transition(case, "reopen", actor=supervisor, reason="New evidence")
    # 15 working days after Thursday 10 December, skipping Independence Day (16 December) and
    # the New Year holidays (1-2 January, and Monday 4 January in lieu of Saturday the 2nd).
    assert case.decision_due == date(2027, 1, 5)


def test_close_with_several_outcomes_needs_a_chosen_one(supervisor):
    case = make_case(status=CaseStatus.FOLLOW_UP)
    with pytest.raises(services.InvalidTransition) as refused:
        services.apply_transition(case, "close", actor=supervisor, reason="Done")
    assert refused.value.field == "outcome"
    services.apply_transition(case, "close", actor=supervisor, reason="Done",
                              outcome="partially_resolved")
    assert case.outcome is Outcome.PARTIALLY_RESOLVED


REFUSALS = [
    ("no_such_action", CaseStatus.TRIAGE, {}),
    ("open_investigation", CaseStatus.REGISTERED, {}),  # wrong source status
    ("declare_not_admissible", CaseStatus.TRIAGE, {}),  # reason missing
    ("declare_not_admissible", CaseStatus.TRIAGE, {"reason": "   "}),  # blank reason
    ("refer_out", CaseStatus.TRIAGE, {"reason": "x"}),  # authority missing
    ("close", CaseStatus.FOLLOW_UP, {"reason": "x", "outcome": "no_violation"}),  # wrong outcome
    ("start_triage", CaseStatus.REGISTERED, {"outcome": "resolved"}),  # outcome not expected
]


@pytest.mark.parametrize(("action", "status", "inputs"), REFUSALS)
def test_refused_transition_changes_nothing(action, status, inputs, supervisor):
    case = make_case(status=status)
    version = case.version
    with pytest.raises(services.InvalidTransition):
        services.apply_transition(case, action, actor=supervisor, **inputs)
    db.session.flush()
    assert (case.status, case.version) == (status, version)
    assert audit_actions(case) == []
    assert event_kinds(case) == []


def test_open_tasks_block_closing(supervisor):
    case = make_case(status=CaseStatus.TRIAGE)
    services.mark_out_of_mandate(case, actor=supervisor)
    with pytest.raises(services.InvalidTransition, match="open tasks"):
        services.apply_transition(case, "declare_not_admissible", actor=supervisor, reason="x")
    assert case.status is CaseStatus.TRIAGE


def test_caseworker_moves_own_case_but_cannot_close_it(caseworker):
    case = make_case(status=CaseStatus.REGISTERED, assignees=(caseworker,))
    services.apply_transition(case, "start_triage", actor=caseworker)
    assert case.status is CaseStatus.TRIAGE
    with pytest.raises(services.InvalidTransition, match="not allowed"):
        services.apply_transition(case, "declare_not_admissible", actor=caseworker, reason="x")
    assert case.status is CaseStatus.TRIAGE


@pytest.mark.parametrize("role", [Role.LAWYER, Role.MONITOR, Role.CASEWORKER])
def test_users_not_working_on_the_case_cannot_move_it(role):
    outsider = make_user(role, region=Region.ASTANA)  # a caseworker, but not assigned
    case = make_case(status=CaseStatus.REGISTERED)
    with pytest.raises(services.InvalidTransition):
        services.apply_transition(case, "start_triage", actor=outsider)


def test_supervisor_of_another_region_cannot_move_the_case():
    other = make_user(Role.SUPERVISOR, region=Region.PAVLODAR)
    case = make_case(region=Region.ASTANA)
    with pytest.raises(services.InvalidTransition):
        services.apply_transition(case, "start_triage", actor=other)


# -- assignment -------------------------------------------------------------------------------


def test_supervisor_assigns_and_unassigns_with_event_and_audit(supervisor, caseworker):
    case = make_case()
    services.assign_case(case, caseworker, AssignmentRole.CASEWORKER, actor=supervisor)
    assert case.assignees() == [caseworker]
    services.unassign_case(case, caseworker, actor=supervisor)
    db.session.flush()
    assert case.assignees() == []
    assert audit_actions(case) == [AuditAction.CASE_ASSIGNED, AuditAction.CASE_UNASSIGNED]
    assert event_kinds(case) == [EventKind.ASSIGNED, EventKind.UNASSIGNED]


def test_assignment_needs_the_matching_active_role(supervisor, caseworker):
    case = make_case()
    with pytest.raises(services.Refusal):
        services.assign_case(case, caseworker, AssignmentRole.LAWYER, actor=supervisor)
    inactive = make_user(Role.LAWYER, is_active_account=False)
    with pytest.raises(services.Refusal):
        services.assign_case(case, inactive, AssignmentRole.LAWYER, actor=supervisor)
    services.assign_case(case, caseworker, AssignmentRole.CASEWORKER, actor=supervisor)
    with pytest.raises(services.Refusal, match="already"):
        services.assign_case(case, caseworker, AssignmentRole.CASEWORKER, actor=supervisor)


def test_only_the_regions_supervisor_assigns(caseworker):
    case = make_case(region=Region.ASTANA)
    for actor in (caseworker, make_user(Role.SUPERVISOR, region=Region.PAVLODAR)):
        with pytest.raises(services.NotAllowed):
            services.assign_case(case, caseworker, AssignmentRole.CASEWORKER, actor=actor)
    national = make_user(Role.SUPERVISOR, region=None)
    services.assign_case(case, caseworker, AssignmentRole.CASEWORKER, actor=national)


# -- tasks, first action, notes, identity ------------------------------------------------------


@time_machine.travel(date(2026, 11, 4))
def test_out_of_mandate_creates_a_forwarding_task_then_completing_it(supervisor):
    case = make_case(status=CaseStatus.TRIAGE, registered_on=date(2026, 11, 2))
    task = services.mark_out_of_mandate(case, actor=supervisor)
    assert (task.kind, task.due_on) == (TaskKind.FORWARD_OUT_OF_MANDATE, date(2026, 11, 5))
    with pytest.raises(services.Refusal):
        services.mark_out_of_mandate(case, actor=supervisor)
    services.complete_task(task, actor=supervisor)
    assert task.is_done
    assert task.done_by is supervisor
    with pytest.raises(services.Refusal):
        services.complete_task(task, actor=supervisor)


def test_out_of_mandate_only_in_triage(supervisor):
    with pytest.raises(services.Refusal):
        services.mark_out_of_mandate(make_case(status=CaseStatus.REGISTERED), actor=supervisor)


@time_machine.travel(date(2026, 11, 3))
def test_first_action_only_once_and_only_for_urgent_cases(caseworker):
    urgent = make_case(is_urgent=True, first_action_due=date(2026, 11, 3), assignees=(caseworker,))
    services.record_first_action(urgent, actor=caseworker)
    assert urgent.first_action_on == date(2026, 11, 3)
    with pytest.raises(services.Refusal):
        services.record_first_action(urgent, actor=caseworker)
    with pytest.raises(services.Refusal):
        services.record_first_action(make_case(assignees=(caseworker,)), actor=caseworker)


def test_note_is_added_with_event_and_audit(caseworker):
    case = make_case(assignees=(caseworker,))
    note = services.add_note(case, "  Called the facility.  ", actor=caseworker)
    assert note.body == "Called the facility."
    assert note.case_id == case.id
    assert audit_actions(case) == [AuditAction.NOTE_ADDED]
    with pytest.raises(services.Refusal):
        services.add_note(case, "   ", actor=caseworker)


def test_reveal_identity_is_audited_and_refused_to_monitors(caseworker):
    case = make_case(assignees=(caseworker,))
    hidden = add_party(case, consents_to_disclosure=False)
    add_party(case, consents_to_disclosure=True)
    assert services.reveal_identity(case, actor=caseworker) == [hidden]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_id == case.id))
    assert entry.action is AuditAction.IDENTITY_REVEALED
    assert entry.changes == {"party_ids": [hidden.id]}
    monitor = make_user(Role.MONITOR, region=Region.ASTANA)
    with pytest.raises(services.NotAllowed):
        services.reveal_identity(make_case(created_by=monitor), actor=monitor)


# -- editing with optimistic locking ----------------------------------------------------------


def test_edit_changes_fields_and_bumps_the_version():
    central = make_user(Role.CASEWORKER, region=None)  # the central office covers every region
    case = make_case(assignees=(central,))
    facility = make_facility(region=Region.KARAGANDA)
    category = make_category("torture")
    changed = services.edit_case(
        case, expected_version=case.version, actor=central,
        changes={"summary": "Beaten in cell 4", "facility": facility, "categories": [category]},
    )
    assert set(changed) == {"summary", "facility_id", "region", "category_ids"}
    assert case.version == 2
    assert case.region is Region.KARAGANDA
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_id == case.id))
    assert entry.action is AuditAction.CASE_EDITED
    assert entry.changes["version"] == 1


def test_edit_refuses_a_facility_in_a_region_the_actor_does_not_cover(supervisor, caseworker):
    case = make_case(region=Region.ASTANA, summary="As registered", assignees=(caseworker,))
    elsewhere = make_facility(region=Region.KARAGANDA, name="Colony in Karaganda")
    for actor in (supervisor, caseworker):  # both work in Astana only
        with pytest.raises(services.NotAllowed) as refused:
            services.edit_case(case, expected_version=1, actor=actor,
                               changes={"summary": "Moved", "facility": elsewhere})
        assert refused.value.field == "facility"
        assert "Karaganda Region" in refused.value.message
    db.session.flush()
    assert (case.region, case.facility, case.summary, case.version) == (
        Region.ASTANA, None, "As registered", 1
    )
    assert audit_actions(case) == []
    assert event_kinds(case) == []


def test_edit_takes_a_facility_in_the_actors_region_or_the_cases(caseworker):
    """The case stays where the actor can follow it: same region, or one they cover."""
    case = make_case(region=Region.ASTANA, assignees=(caseworker,))
    astana_colony = make_facility(region=Region.ASTANA)
    services.edit_case(case, expected_version=1, actor=caseworker,
                       changes={"facility": astana_colony})
    assert (case.facility, case.region) == (astana_colony, Region.ASTANA)
    # Assigned to a case of another region, a caseworker may still pick that region's
    # facilities: the case does not move.
    pavlodar_case = make_case(region=Region.PAVLODAR, assignees=(caseworker,))
    pavlodar_colony = make_facility(region=Region.PAVLODAR)
    services.edit_case(pavlodar_case, expected_version=1, actor=caseworker,
                       changes={"facility": pavlodar_colony, "summary": "Kept"})
    assert (pavlodar_case.facility, pavlodar_case.region) == (pavlodar_colony, Region.PAVLODAR)


def test_central_supervisor_moves_a_case_to_another_region_with_its_facility():
    central = make_user(Role.SUPERVISOR, region=None)
    case = make_case(region=Region.ASTANA)
    colony = make_facility(region=Region.PAVLODAR)
    changed = services.edit_case(case, expected_version=1, actor=central,
                                 changes={"facility": colony})
    assert case.region is Region.PAVLODAR
    assert changed["region"] == ["astana", "pavlodar"]


def test_unchanged_facility_outside_the_actors_region_does_not_move_the_case(caseworker):
    """Old data may hold a facility of another region: saving other fields keeps the region."""
    odd = make_facility(region=Region.KARAGANDA)
    case = make_case(region=Region.ASTANA, facility=odd, assignees=(caseworker,))
    services.edit_case(case, expected_version=1, actor=caseworker,
                       changes={"facility": odd, "summary": "Only the summary"})
    assert (case.region, case.summary) == (Region.ASTANA, "Only the summary")


def test_edit_of_categories_alone_still_bumps_the_version(caseworker):
    case = make_case(assignees=(caseworker,))
    services.edit_case(case, expected_version=1, actor=caseworker,
                       changes={"categories": [make_category()]})
    assert case.version == 2


@time_machine.travel(date(2026, 11, 3))
def test_becoming_urgent_starts_the_first_action_clock(caseworker):
    case = make_case(assignees=(caseworker,))
    services.edit_case(case, expected_version=1, actor=caseworker, changes={"is_urgent": True})
    assert case.first_action_due == date(2026, 11, 4)


def test_stale_edit_is_refused_with_what_changed(supervisor, caseworker):
    case = make_case(assignees=(caseworker,), summary="Old summary")
    services.edit_case(case, expected_version=1, actor=supervisor,
                       changes={"summary": "Supervisor's summary"})
    services.apply_transition(case, "start_triage", actor=supervisor)
    db.session.flush()
    with pytest.raises(services.StaleEdit) as stale:
        services.edit_case(case, expected_version=1, actor=caseworker,
                           changes={"summary": "Mine"})
    rows = {row.field: row for row in stale.value.changes}
    assert (rows["Summary"].opened_value, rows["Summary"].current_value) == (
        "Old summary", "Supervisor's summary")
    assert (rows["Status"].opened_value, rows["Status"].current_value) == ("Registered", "Triage")
    assert rows["Summary"].who == supervisor.full_name
    assert case.summary == "Supervisor's summary"


def test_concurrent_write_between_check_and_flush_raises_stale_data(caseworker):
    case = make_case(assignees=(caseworker,))
    # Another transaction saved the row after this session loaded it.
    db.session.execute(
        sa.update(Case.__table__).where(Case.__table__.c.id == case.id).values(version=2)
    )
    with pytest.raises(StaleDataError):
        services.edit_case(case, expected_version=1, actor=caseworker, changes={"summary": "x"})


def test_closing_is_blocked_naming_every_open_task(supervisor):
    from casework.cases.lifecycle import TRANSITIONS_BY_ACTION
    from casework.cases.models import CaseTask

    case = make_case(status=CaseStatus.FOLLOW_UP)
    for kind in (TaskKind.NOTIFY_EXTENSION, TaskKind.FORWARD_OUT_OF_MANDATE):
        case.tasks.append(CaseTask(kind=kind, due_on=date(2026, 11, 5)))
    blocker = TRANSITIONS_BY_ACTION["close"].blocker(case)
    assert str(blocker) == (
        "Finish the open tasks first: Notify the complainant of the extension; "
        "Forward the complaint to the competent body."
    )
    with pytest.raises(services.InvalidTransition, match="Notify the complainant"):
        services.apply_transition(case, "close", actor=supervisor, outcome="resolved",
                                  reason="Done")


def test_recorded_decisions_take_the_latest_reason_and_drop_closing_after_reopening(supervisor):
    from casework.cases.timeline import recorded_decisions

    case = make_case(status=CaseStatus.INVESTIGATION)
    services.apply_transition(case, "close_no_violation", actor=supervisor, reason="No proof.")
    db.session.flush()
    db.session.expire(case, ["events"])
    assert recorded_decisions(case) == [("Reason for closing", "No proof.")]
    services.apply_transition(case, "reopen", actor=supervisor, reason="New witness.")
    services.apply_transition(case, "propose_recommendations", actor=supervisor,
                              reason="First findings.")
    db.session.flush()
    db.session.expire(case, ["events"])
    assert recorded_decisions(case) == [("Findings", "First findings.")]


def test_timeline_names_who_was_assigned_and_as_what(supervisor):
    from casework.cases.timeline import describe

    lawyer = make_user(Role.LAWYER, full_name="Svetlana Lawyer")
    case = make_case()
    services.assign_case(case, lawyer, AssignmentRole.LAWYER, actor=supervisor)
    db.session.flush()
    [event] = [e for e in case.events if e.kind is EventKind.ASSIGNED]
    assert describe(event) == ["Svetlana Lawyer, as Lawyer"]


# -- recommendations and the case lifecycle ---------------------------------------------------


def with_recommendations(status: CaseStatus, *records: RecordStatus) -> Case:
    case = make_case(status=status)
    for record_status in records:
        make_recommendation(case, record_status=record_status,
                            implementation=Implementation.IMPLEMENTED)
    return case


@pytest.mark.parametrize(
    "records",
    [(), (RecordStatus.DRAFT,), (RecordStatus.WITHDRAWN, RecordStatus.DRAFT)],
    ids=["none", "a-draft", "withdrawn-and-draft"],
)
def test_follow_up_waits_for_an_issued_recommendation(records, supervisor):
    case = with_recommendations(CaseStatus.RECOMMENDATION, *records)
    with pytest.raises(services.InvalidTransition, match="must first issue"):
        services.apply_transition(case, "start_follow_up", actor=supervisor)
    db.session.flush()
    assert (case.status, case.version) == (CaseStatus.RECOMMENDATION, 1)
    assert audit_actions(case) == []
    assert event_kinds(case) == []


@pytest.mark.parametrize("record", [RecordStatus.ISSUED, RecordStatus.CLOSED])
def test_an_issued_recommendation_opens_the_follow_up(record, supervisor):
    case = with_recommendations(CaseStatus.RECOMMENDATION, RecordStatus.DRAFT, record)
    services.apply_transition(case, "start_follow_up", actor=supervisor)
    assert case.status is CaseStatus.FOLLOW_UP


@pytest.mark.parametrize(
    ("records", "message"),
    [((RecordStatus.DRAFT,), "1 recommendation of this case is still open"),
     ((RecordStatus.ISSUED, RecordStatus.DRAFT, RecordStatus.CLOSED),
      "2 recommendations of this case are still open")],
    ids=["one-draft", "issued-and-draft"],
)
@pytest.mark.parametrize("why_open", [None, "   "])
def test_closing_with_open_recommendations_needs_the_reason_why(records, message, why_open,
                                                                supervisor):
    case = with_recommendations(CaseStatus.FOLLOW_UP, *records)
    with pytest.raises(services.InvalidTransition, match=message) as refused:
        services.apply_transition(case, "close", actor=supervisor, outcome="resolved",
                                  reason="Remedied", why_open=why_open)
    assert refused.value.field == "why_open"
    db.session.flush()
    assert (case.status, case.version, case.outcome) == (CaseStatus.FOLLOW_UP, 1, None)
    assert audit_actions(case) == []
    assert event_kinds(case) == []


def test_closing_with_open_recommendations_records_why(supervisor):
    from casework.cases.timeline import describe

    case = with_recommendations(CaseStatus.FOLLOW_UP, RecordStatus.ISSUED)
    services.apply_transition(case, "close", actor=supervisor, outcome="partially_resolved",
                              reason="Complainant released.",
                              why_open=" The ministry's reply is still awaited. ")
    assert case.status is CaseStatus.CLOSED
    db.session.flush()
    [event] = [e for e in case.events if e.kind is EventKind.TRANSITION]
    assert describe(event) == [
        "Follow-up → Closed", "Outcome: Partially remedied", "Complainant released.",
        "Closed with recommendations open: The ministry's reply is still awaited.",
    ]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_id == case.id))
    assert entry.changes["why_open"] == "The ministry's reply is still awaited."


CLOSING = [t for t in TRANSITIONS if t.target is CaseStatus.CLOSED]


@pytest.mark.parametrize("transition", CLOSING, ids=lambda t: t.action)
def test_every_closing_step_asks_why_recommendations_stay_open(transition, supervisor):
    case = with_recommendations(transition.source, RecordStatus.DRAFT)
    inputs = transition_inputs(transition)
    with pytest.raises(services.InvalidTransition) as refused:
        services.apply_transition(case, transition.action, actor=supervisor, **inputs)
    assert refused.value.field == "why_open"
    services.apply_transition(case, transition.action, actor=supervisor, why_open="Moot now",
                              **inputs)
    assert case.status is CaseStatus.CLOSED


@pytest.mark.parametrize("transition", CLOSING, ids=lambda t: t.action)
def test_closed_and_withdrawn_recommendations_do_not_hold_a_case_open(transition, supervisor):
    case = with_recommendations(transition.source, RecordStatus.CLOSED, RecordStatus.WITHDRAWN)
    services.apply_transition(case, transition.action, actor=supervisor,
                              **transition_inputs(transition))
    assert case.status is CaseStatus.CLOSED
    db.session.flush()
    [event] = [e for e in case.events if e.kind is EventKind.TRANSITION]
    assert event.data["why_open"] == ""
