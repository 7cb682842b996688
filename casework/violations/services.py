"""Business rules for violations: recording one on a case or a visit, editing it, and the
finding on it (alleged → substantiated or not substantiated).

Every function checks the actor's rights itself, writes its audit entry (and, for a case's
violation, the case timeline event) and leaves the commit to the caller, so both are atomic.

Choices made here:
- On a case a violation starts as alleged (a complaint says so); on a visit as substantiated
  (the team saw it). Either may be chosen when recording.
- Once recorded, its status moves from alleged to substantiated or not substantiated, and
  between those two when new evidence turns the finding; never back to alleged, since an
  examined allegation stays examined. Every change of status needs a reason, which the audit
  log and the case timeline keep.
- A closed case's violations are not recorded or changed: reopen the case first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from casework.accounts.models import User
from casework.audit import AuditAction, diff, record
from casework.cases.deadlines import add_months
from casework.cases.models import Case, EventKind
from casework.cases.timeline import add_event
from casework.database import office_today
from casework.extensions import db
from casework.permissions import Permission, can, covers_region
from casework.reference.models import Category, Facility
from casework.refusals import InvalidTransition, NotAllowed, Refusal
from casework.templating import format_day
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Visit

P = Permission
S = ViolationStatus

STATUS_STEPS = frozenset({
    (S.ALLEGED, S.SUBSTANTIATED), (S.ALLEGED, S.NOT_SUBSTANTIATED),
    (S.SUBSTANTIATED, S.NOT_SUBSTANTIATED), (S.NOT_SUBSTANTIATED, S.SUBSTANTIATED),
})
MAX_PEOPLE_AFFECTED = 100_000
# A complaint may report what happened some time before it was written.
CASE_LOOKBACK_MONTHS = 60
EDITABLE = frozenset({"facility", "category", "legal_basis", "description", "found_on",
                      "people_affected", "status"})


class StaleViolation(Refusal):
    """Someone changed the violation after the user opened the form."""

    def __init__(self, current_version: int) -> None:
        super().__init__(_("Someone else changed this violation after you opened the form."))
        self.current_version = current_version


def statuses_after(status: ViolationStatus) -> list[ViolationStatus]:
    """The statuses a recorded violation may move to from `status` (for the forms)."""
    return [target for target in ViolationStatus if (status, target) in STATUS_STEPS]


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You are not allowed to record or change violations here."))


def _require_open(found_in: Case | Visit | None) -> None:
    """A closed case's or a completed visit's findings stay as they are until reopened."""
    if isinstance(found_in, Case) and not found_in.is_open:
        raise Refusal(_("The case is closed: reopen it to record or change its violations."))
    if isinstance(found_in, Visit) and found_in.has_taken_place and not found_in.is_being_recorded:
        raise Refusal(_("The visit is completed: a supervisor reopens it to record or change "
                        "its findings."))


# -- recording --------------------------------------------------------------------------------


def record_on_case(
    case: Case,
    *,
    actor: User,
    category: Category | None,
    legal_basis: str,
    description: str,
    found_on: date | None,
    people_affected: int | None = 0,
    facility: Facility | None = None,
    status: ViolationStatus = ViolationStatus.ALLEGED,
) -> Violation:
    """A violation a complaint alleges (or the office found) in `case`; at the case's
    facility unless another is given."""
    _require(can(actor, P.RECORD_VIOLATION, case))
    _require_open(case)
    facility = facility or case.facility
    _check_case_facility(case, facility, actor)
    violation = Violation(
        case=case, facility=facility, region=facility.region if facility else case.region,
        recorded_by=actor, status=status,
        **_checked_facts(category, legal_basis, description, people_affected, new=True),
        found_on=_checked_case_day(case, found_on),
    )
    return _recorded(violation, actor, {"case_id": case.id})


def record_on_visit(
    visit: Visit,
    *,
    actor: User,
    category: Category | None,
    legal_basis: str,
    description: str,
    found_on: date | None,
    people_affected: int | None = 0,
    status: ViolationStatus = ViolationStatus.SUBSTANTIATED,
) -> Violation:
    """A violation the visit's team found at the facility, once the visit has taken place."""
    _require(can(actor, P.RECORD_VIOLATION, visit))
    if not visit.has_taken_place:
        raise Refusal(_("Violations are recorded once the visit has taken place."))
    _require_open(visit)
    violation = Violation(
        visit=visit, facility=visit.facility, region=visit.region, recorded_by=actor,
        status=status,
        **_checked_facts(category, legal_basis, description, people_affected, new=True),
        found_on=_checked_visit_day(visit, found_on),
    )
    return _recorded(violation, actor, {"visit_id": visit.id})


def _recorded(violation: Violation, actor: User, where: dict[str, int]) -> Violation:
    db.session.add(violation)
    db.session.flush()
    record(AuditAction.VIOLATION_RECORDED, actor=actor, obj=violation,
           changes={**diff({}, violation.snapshot()), **where})
    if violation.case is not None:
        add_event(violation.case, EventKind.VIOLATION, actor=actor, step="recorded",
                  violation_id=violation.id, status=violation.status)
    return violation


# -- editing and the finding ------------------------------------------------------------------


def edit_violation(
    violation: Violation,
    *,
    actor: User,
    expected_version: int,
    changes: dict[str, Any],
    reason: str = "",
) -> dict[str, list[Any]]:
    """Save the edit unless someone saved the violation since the user opened the form.

    `changes` holds any of EDITABLE; a change of status must follow STATUS_STEPS and give a
    reason. Returns the audited diff. The flush at the end raises StaleDataError when another
    save slipped in after this request loaded the violation."""
    _require(can(actor, P.RECORD_VIOLATION, violation))
    _require_open(violation.case or violation.visit)
    if expected_version != violation.version:
        raise StaleViolation(violation.version)
    if unknown := set(changes) - EDITABLE:
        raise ValueError(f"not editable: {sorted(unknown)}")
    reason = (reason or "").strip()
    checked = _checked_changes(violation, changes, actor, reason)
    with db.session.no_autoflush:  # one UPDATE, hence one new version
        before = violation.snapshot()
        for name, value in checked.items():
            setattr(violation, name, value)
        changed = diff(before, violation.snapshot())
    if not changed:
        return {}
    record(AuditAction.VIOLATION_EDITED, actor=actor, obj=violation,
           changes={**changed, "version": expected_version,
                    **({"reason": reason} if "status" in changed else {})})
    if violation.case is not None:
        _timeline(violation, actor, changed, reason)
    db.session.flush()
    return changed


def change_status(
    violation: Violation,
    status: ViolationStatus,
    *,
    actor: User,
    expected_version: int,
    reason: str,
) -> dict[str, list[Any]]:
    """The finding on the violation, with its reason; the only other way status changes."""
    return edit_violation(violation, actor=actor, expected_version=expected_version,
                          changes={"status": status}, reason=reason)


def _checked_changes(
    violation: Violation, changes: dict[str, Any], actor: User, reason: str
) -> dict[str, Any]:
    """The attributes to set, after every rule on them."""
    checked = _checked_facts(
        changes.get("category", violation.category),
        changes.get("legal_basis", violation.legal_basis),
        changes.get("description", violation.description),
        changes.get("people_affected", violation.people_affected),
        new=changes.get("category", violation.category) is not violation.category,
    )
    found_on = changes.get("found_on", violation.found_on)
    if violation.visit is not None and violation.case is None:
        checked["found_on"] = _checked_visit_day(violation.visit, found_on)
    elif violation.case is not None:
        checked["found_on"] = _checked_case_day(violation.case, found_on)
    if "facility" in changes and changes["facility"] is not violation.facility:
        checked.update(_checked_facility_change(violation, changes["facility"], actor))
    status = changes.get("status", violation.status)
    if status is not violation.status:
        if (violation.status, status) not in STATUS_STEPS:
            raise InvalidTransition(
                _("A violation that is “%(old)s” cannot become “%(new)s”.",
                  old=violation.status.label, new=status.label), field="status")
        if not reason:
            raise Refusal(_("Give the reason for the new status."), field="reason")
        checked["status"] = status
    return checked


def _checked_facility_change(
    violation: Violation, facility: Facility | None, actor: User
) -> dict[str, Any]:
    if violation.visit is not None:
        raise Refusal(_("A visit's violation is at the visited facility."), field="facility")
    case = violation.case
    assert case is not None  # noqa: S101 - the violations table's CHECK
    _check_case_facility(case, facility, actor)
    return {"facility": facility, "region": facility.region if facility else case.region}


def _timeline(violation: Violation, actor: User, changed: dict[str, list[Any]],
              reason: str) -> None:
    assert violation.case is not None  # noqa: S101 - only called for a case's violation
    fields = sorted(name for name in changed if name != "status")
    event: dict[str, Any] = {"fields": fields} if fields else {}
    if "status" in changed:
        event.update({"from": changed["status"][0], "to": changed["status"][1],
                      "reason": reason})
    add_event(violation.case, EventKind.VIOLATION, actor=actor,
              step="status" if not fields else "edited", violation_id=violation.id, **event)


# -- the rules on the facts -------------------------------------------------------------------


def _checked_facts(
    category: Category | None,
    legal_basis: str | None,
    description: str | None,
    people_affected: int | None,
    *,
    new: bool,
) -> dict[str, Any]:
    """A newly chosen category must be in use; an old one may stay on the violation."""
    if category is None or (new and not category.is_active):
        raise Refusal(_("Choose a category from the list."), field="category")
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise Refusal(_("Give the legal basis: the treaty, rule or law article violated."),
                      field="legal_basis")
    if len(legal_basis) > 300:
        raise Refusal(_("Keep the legal basis within 300 characters."), field="legal_basis")
    description = (description or "").strip()
    if not description:
        raise Refusal(_("Describe what was found."), field="description")
    if people_affected is None or not 0 <= people_affected <= MAX_PEOPLE_AFFECTED:
        raise Refusal(_("Give the number of people affected: 0 or more."),
                      field="people_affected")
    return {"category": category, "legal_basis": legal_basis, "description": description,
            "people_affected": people_affected}


def _checked_case_day(case: Case, found_on: date | None) -> date:
    if found_on is None:
        raise Refusal(_("Give the date."), field="found_on")
    if found_on > office_today():
        raise Refusal(_("The date cannot be in the future."), field="found_on")
    earliest = add_months(case.received_on, -CASE_LOOKBACK_MONTHS)
    if found_on < earliest:
        raise Refusal(_("The date cannot be more than five years before the complaint was "
                        "received (%(day)s).", day=format_day(case.received_on)),
                      field="found_on")
    return found_on


def _checked_visit_day(visit: Visit, found_on: date | None) -> date:
    if found_on is None:
        raise Refusal(_("Give the date."), field="found_on")
    if not visit.starts_on <= found_on <= visit.ends_on:
        raise Refusal(_("The date must fall within the visit (%(start)s – %(end)s).",
                        start=format_day(visit.starts_on), end=format_day(visit.ends_on)),
                      field="found_on")
    return found_on


def _check_case_facility(case: Case, facility: Facility | None, actor: User) -> None:
    """The case's facility, one of its region, or one of the regions the actor covers (as
    the case edit form offers them)."""
    if facility is None or facility.id == case.facility_id:
        return
    if facility.region != case.region and not covers_region(actor, facility.region):
        raise NotAllowed(_("This facility is in %(region)s, outside your region.",
                           region=facility.region.label), field="facility")
