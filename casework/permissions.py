"""Who may do what: every access decision of the application is made here (DESIGN.md §5).

Three layers use this module: the sign-in gate (`PUBLIC_ENDPOINTS`), a permission on every
view (`@requires`), and an object check right after loading (`authorize(can(...))`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from casework.accounts.roles import Role

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.attachments.models import Attachment
    from casework.cases.models import Case, CaseParty
    from casework.courts.models import CourtProceeding
    from casework.letters.models import IncomingDocument, Letter
    from casework.people.models import Person
    from casework.recommendations.models import Recommendation
    from casework.reference.regions import Region
    from casework.violations.models import Violation
    from casework.visits.models import Visit


class Permission(enum.StrEnum):
    SIGNED_IN = "signed_in"  # pages every signed-in user has: "My work", profile, language
    REGISTER_CASE = "register_case"
    READ_CASE = "read_case"
    SEE_IDENTITY = "see_identity"
    EDIT_CASE = "edit_case"
    CHANGE_STATUS = "change_status"
    CLOSE_CASE = "close_case"
    REOPEN_CASE = "reopen_case"
    ASSIGN_CASE = "assign_case"
    EXTEND_DEADLINE = "extend_deadline"
    ADD_NOTE = "add_note"
    UPLOAD_ATTACHMENT = "upload_attachment"
    DOWNLOAD_ATTACHMENT = "download_attachment"
    SEARCH_PEOPLE = "search_people"
    VIEW_CASE_AUDIT = "view_case_audit"
    VIEW_STATISTICS = "view_statistics"
    READ_RECOMMENDATION = "read_recommendation"
    DRAFT_RECOMMENDATION = "draft_recommendation"
    FOLLOW_UP_RECOMMENDATION = "follow_up_recommendation"  # replies, verifications, drafts
    ISSUE_RECOMMENDATION = "issue_recommendation"  # and withdraw, close, deadlines, reassign
    READ_LETTER = "read_letter"
    DRAFT_LETTER = "draft_letter"  # and edit, discard, correct, mark sent
    SIGN_LETTER = "sign_letter"
    KEEP_CORRESPONDENCE = "keep_correspondence"  # the register, incoming documents
    READ_VISIT = "read_visit"
    RECORD_VISIT = "record_visit"  # plan, edit, obstruction, interviewees, check-ins
    SEE_INTERVIEWEES = "see_interviewees"  # the names of the people a visit protects
    MANAGE_PARTICIPANTS = "manage_participants"  # the registry of external NPM participants
    RECORD_VIOLATION = "record_violation"
    FOLLOW_COURT = "follow_court"  # court proceedings and hearings of a case
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE = "manage_reference"


P = Permission
_CASE_READERS = {
    P.READ_CASE, P.ADD_NOTE, P.UPLOAD_ATTACHMENT, P.DOWNLOAD_ATTACHMENT, P.READ_RECOMMENDATION,
    P.READ_LETTER,
}
_RECOMMENDATION_WRITERS = {P.DRAFT_RECOMMENDATION, P.FOLLOW_UP_RECOMMENDATION}
_LETTER_WRITERS = {P.DRAFT_LETTER, P.KEEP_CORRESPONDENCE}

_VISIT_TEAM = {P.READ_VISIT, P.RECORD_VISIT, P.SEE_INTERVIEWEES, P.RECORD_VIOLATION}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({P.MANAGE_USERS, P.MANAGE_REFERENCE, P.MANAGE_PARTICIPANTS}),
    Role.SUPERVISOR: frozenset(
        _CASE_READERS
        | {
            P.REGISTER_CASE, P.SEE_IDENTITY, P.EDIT_CASE, P.CHANGE_STATUS, P.CLOSE_CASE,
            P.REOPEN_CASE, P.ASSIGN_CASE, P.EXTEND_DEADLINE, P.SEARCH_PEOPLE,
            P.VIEW_CASE_AUDIT, P.VIEW_STATISTICS, P.ISSUE_RECOMMENDATION, P.SIGN_LETTER,
            P.MANAGE_PARTICIPANTS, P.FOLLOW_COURT,
        }
        | _RECOMMENDATION_WRITERS
        | _LETTER_WRITERS
        | _VISIT_TEAM
    ),
    Role.CASEWORKER: frozenset(
        _CASE_READERS
        | {P.REGISTER_CASE, P.SEE_IDENTITY, P.EDIT_CASE, P.CHANGE_STATUS, P.SEARCH_PEOPLE,
           P.VIEW_STATISTICS, P.READ_VISIT, P.RECORD_VIOLATION, P.FOLLOW_COURT}
        | _RECOMMENDATION_WRITERS
        | _LETTER_WRITERS
    ),
    Role.LAWYER: frozenset(_CASE_READERS | {P.SEE_IDENTITY, P.FOLLOW_COURT}),
    # No people search: a monitor may not identify anyone without consent (§5).
    # Monitors draft the recommendations of the visits they record (their own drafts only).
    Role.MONITOR: frozenset(
        _CASE_READERS | {P.REGISTER_CASE, P.VIEW_STATISTICS} | _VISIT_TEAM
        | _RECOMMENDATION_WRITERS
    ),
    Role.AUDITOR: frozenset({P.VIEW_STATISTICS}),
}

# Endpoints reachable without signing in; everything else is behind the sign-in gate. The
# calendar feed is opened by calendar programs: its secret address is the credential.
PUBLIC_ENDPOINTS = frozenset(
    {"accounts.login", "static", "i18n.set_language", "courts.calendar_feed"}
)


def role_permissions(user: User) -> frozenset[Permission]:
    granted: set[Permission] = {P.SIGNED_IN}
    # An admin never reads case content (§5): an account that still combines the admin role
    # with a case role, from before accounts.services refused it, gets the admin's rights only.
    for role in {Role.ADMIN} if Role.ADMIN in user.roles else user.roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def has_permission(user: User, permission: Permission) -> bool:
    return user.is_authenticated and permission in role_permissions(user)


# -- object rules: small named predicates that read like policy ---------------------------


def is_assigned(user: User, case: Case) -> bool:
    return any(a.user_id == user.id for a in case.assignments)


def in_supervised_region(user: User, case: Case) -> bool:
    """A supervisor without a region oversees the whole country."""
    return user.has_role(Role.SUPERVISOR) and user.region in (None, case.region)


def covers_region(user: User, region: Region) -> bool:
    """A user with a region covers only that region; without one, the whole country."""
    return user.region in (None, region)


def in_unit(user: User, case: Case) -> bool:
    """A caseworker's unit is their region's office; without a region, the central office."""
    return user.region in (None, case.region)


def can_read_case(user: User, case: Case) -> bool:
    return (
        in_supervised_region(user, case)
        or is_assigned(user, case)
        or (user.has_role(Role.CASEWORKER) and case.is_open and in_unit(user, case))
        # Monitors follow the cases they opened and those of the visits they were on.
        or (user.has_role(Role.MONITOR) and (
            case.created_by_id == user.id
            or (case.visit is not None and is_on_team(user, case.visit))
        ))
    )


def can_see_identity(user: User, case: Case) -> bool:
    if in_supervised_region(user, case):
        return True
    return is_assigned(user, case) and (
        user.has_role(Role.CASEWORKER) or user.has_role(Role.LAWYER)
    )


def can_work_on_case(user: User, case: Case) -> bool:
    """Edit and move a case along: its region's supervisor, or a caseworker assigned to it."""
    if in_supervised_region(user, case):
        return True
    return user.has_role(Role.CASEWORKER) and is_assigned(user, case)


def can_download_attachment(user: User, attachment: Attachment) -> bool:
    """A file may name the complainant or an interviewee: only those who may see identities
    in its case or visit, and whoever uploaded it (they had the file in hand already)."""
    if attachment.visit is not None:
        visit = attachment.visit
        return can(user, P.READ_VISIT, visit) and (
            can(user, P.SEE_INTERVIEWEES, visit) or attachment.uploaded_by_id == user.id
        )
    case = attachment.case
    return case is not None and can_read_case(user, case) and (
        can(user, P.SEE_IDENTITY, case) or attachment.uploaded_by_id == user.id
    )


def can_identify_person(user: User, person: Person) -> bool:
    """Whether `user` may learn who a registered person is (name, IIN, picker label).

    Through a case where the user may see identities, or the person's consent recorded in a
    case the user may read. Otherwise a person is a pseudonym, even to people search.
    """
    if not has_permission(user, P.READ_CASE):
        return False
    return any(
        can(user, P.SEE_IDENTITY, party.case)
        or (party.consents_to_disclosure and can_read_case(user, party.case))
        for party in person.parties
    )


def can_record_consent(user: User, party: CaseParty) -> bool:
    """Recording a written consent makes a name visible to every reader of the case.

    Whoever may see identities in the case records it for a person the case brought in; a
    person who also appears in other cases (linked by a typed IIN) gets it only from the
    region's supervisor or from someone who may already see them in one of those cases.
    """
    if not can(user, P.EDIT_CASE, party.case) or not can(user, P.SEE_IDENTITY, party.case):
        return False
    if in_supervised_region(user, party.case):
        return True
    elsewhere = [other for other in party.person.parties if other.case_id != party.case_id]
    return all(can(user, P.SEE_IDENTITY, other.case) for other in elsewhere)


def supervises_recommendation(user: User, recommendation: Recommendation) -> bool:
    return user.has_role(Role.SUPERVISOR) and covers_region(user, recommendation.region)


def can_read_recommendation(user: User, recommendation: Recommendation) -> bool:
    """Whoever reads its case or its visit, its region's supervisor, and the caseworker
    following it up."""
    return (
        supervises_recommendation(user, recommendation)
        or recommendation.owner_id == user.id
        or (recommendation.case is not None and can_read_case(user, recommendation.case))
        or (recommendation.visit is not None and has_permission(user, P.READ_VISIT)
            and can_read_visit(user, recommendation.visit))
    )


def can_follow_up_recommendation(user: User, recommendation: Recommendation) -> bool:
    """Record replies and verifications, edit a draft: its region's supervisor, or a
    caseworker who follows it up or is assigned to its case (its drafter, while it is a
    draft), as long as they still read it."""
    from casework.recommendations.lifecycle import RecordStatus

    if supervises_recommendation(user, recommendation):
        return True
    if not can_read_recommendation(user, recommendation):
        return False
    drafts_it = (recommendation.record_status is RecordStatus.DRAFT
                 and user.id == recommendation.drafted_by_id)
    if user.has_role(Role.MONITOR) and drafts_it:
        return True  # a visit's monitor edits their own draft, and no more
    return user.has_role(Role.CASEWORKER) and (
        user.id == recommendation.owner_id
        or drafts_it
        or (recommendation.case is not None and is_assigned(user, recommendation.case))
    )


def supervises_letter(user: User, letter: Letter | IncomingDocument) -> bool:
    return user.has_role(Role.SUPERVISOR) and covers_region(user, letter.region)


def follows_up(user: User, recommendation: Recommendation | None) -> bool:
    """The caseworker a recommendation's follow-up is assigned to."""
    return (recommendation is not None and recommendation.owner_id == user.id
            and user.has_role(Role.CASEWORKER))


def can_read_letter(user: User, letter: Letter | IncomingDocument) -> bool:
    """Anything written about a case may name its people (a letter names those whose consent
    covers its addressee, and free text can name anyone), so only those who may see
    identities in the case read it, and the caseworker who follows up the recommendation it
    is about (they read that recommendation's own free text already). Without a case: its
    region's supervisor, whoever reads its recommendation, and for an incoming document
    whoever reads the letter it answers."""
    from casework.letters.models import IncomingDocument

    if letter.case is not None:
        return can(user, P.SEE_IDENTITY, letter.case) or follows_up(user, letter.recommendation)
    return (
        supervises_letter(user, letter)
        or (letter.recommendation is not None
            and can_read_recommendation(user, letter.recommendation))
        or (isinstance(letter, IncomingDocument) and letter.letter is not None
            and can_read_letter(user, letter.letter))
    )


def can_draft_letter(user: User, subject: Case | Recommendation | Letter) -> bool:
    """Write letters about a case or a recommendation, and edit, correct or dispatch them: its
    region's supervisor, or the caseworker who works on the case or follows the
    recommendation up."""
    from casework.cases.models import Case
    from casework.letters.models import Letter

    if isinstance(subject, Case):
        return can_work_on_case(user, subject)
    if isinstance(subject, Letter):
        if supervises_letter(user, subject):
            return True
        return can_read_letter(user, subject) and any(
            can_draft_letter(user, about)
            for about in (subject.recommendation, subject.case) if about is not None
        )
    return supervises_recommendation(user, subject) or can_follow_up_recommendation(
        user, subject
    )


def is_on_team(user: User, visit: Visit) -> bool:
    return any(member.user_id == user.id for member in visit.members)


def supervises_visit(user: User, visit: Visit) -> bool:
    return user.has_role(Role.SUPERVISOR) and covers_region(user, visit.region)


def can_read_visit(user: User, visit: Visit) -> bool:
    """The team; the NPM's monitors and the supervisors of its region (a follow-up visit
    builds on earlier ones); the region's caseworkers, who follow up its recommendations."""
    return is_on_team(user, visit) or (
        any(user.has_role(role) for role in (Role.SUPERVISOR, Role.MONITOR, Role.CASEWORKER))
        and covers_region(user, visit.region)
    )


def can_record_visit(user: User, visit: Visit) -> bool:
    """Plan, edit and record a visit: its team's monitors and the region's supervisor."""
    return supervises_visit(user, visit) or (
        user.has_role(Role.MONITOR) and is_on_team(user, visit)
    )


def can_see_interviewees(user: User, visit: Visit) -> bool:
    """Who the team interviewed and named is known to the team and the region's supervisor
    only: a leak could bring the reprisal the follow-up is there to prevent."""
    return supervises_visit(user, visit) or is_on_team(user, visit)


def can_record_violation(user: User, subject: Case | Visit | Violation) -> bool:
    """Record or edit a violation: whoever works on its case, or records its visit."""
    from casework.cases.models import Case
    from casework.violations.models import Violation

    if isinstance(subject, Violation):
        return any(
            can_record_violation(user, found_in)
            for found_in in (subject.case, subject.visit) if found_in is not None
        )
    if isinstance(subject, Case):
        return can_work_on_case(user, subject)
    return can_record_visit(user, subject)


def can_draft_recommendation(user: User, subject: Case | Visit) -> bool:
    """Draft a recommendation from a case (whoever works on it) or a visit (whoever records
    it)."""
    from casework.cases.models import Case

    if isinstance(subject, Case):
        return can_work_on_case(user, subject)
    return can_record_visit(user, subject)


def can_read_violation(user: User, violation: Violation) -> bool:
    """Whoever reads its case or its visit."""
    return (
        (violation.case is not None and can(user, P.READ_CASE, violation.case))
        or (violation.visit is not None and can(user, P.READ_VISIT, violation.visit))
    )


def can_follow_court(user: User, subject: Case | CourtProceeding) -> bool:
    """Record and update a case's court proceedings: its region's supervisor, and the lawyer
    or caseworker assigned to it."""
    from casework.courts.models import CourtProceeding

    case = subject.case if isinstance(subject, CourtProceeding) else subject
    return in_supervised_region(user, case) or is_assigned(user, case)


CASE_RULES: dict[Permission, Callable[[Any, Any], bool]] = {
    P.READ_CASE: can_read_case,
    P.ADD_NOTE: can_read_case,
    P.UPLOAD_ATTACHMENT: can_read_case,
    P.SEE_IDENTITY: can_see_identity,
    P.EDIT_CASE: can_work_on_case,
    P.CHANGE_STATUS: can_work_on_case,
    P.CLOSE_CASE: in_supervised_region,
    P.REOPEN_CASE: in_supervised_region,
    P.ASSIGN_CASE: in_supervised_region,
    P.EXTEND_DEADLINE: in_supervised_region,
    P.VIEW_CASE_AUDIT: in_supervised_region,
}
# Rules on objects inside a case that need more than the case to decide.
OBJECT_RULES: dict[Permission, Callable[[Any, Any], bool]] = {
    P.DOWNLOAD_ATTACHMENT: can_download_attachment,
    P.READ_RECOMMENDATION: can_read_recommendation,
    P.DRAFT_RECOMMENDATION: can_draft_recommendation,
    P.FOLLOW_UP_RECOMMENDATION: can_follow_up_recommendation,
    P.ISSUE_RECOMMENDATION: supervises_recommendation,
    P.READ_LETTER: can_read_letter,
    P.KEEP_CORRESPONDENCE: can_read_letter,
    P.DRAFT_LETTER: can_draft_letter,
    P.SIGN_LETTER: supervises_letter,
    P.READ_VISIT: can_read_visit,
    P.RECORD_VISIT: can_record_visit,
    P.SEE_INTERVIEWEES: can_see_interviewees,
    P.RECORD_VIOLATION: can_record_violation,
    P.FOLLOW_COURT: can_follow_court,
}


def can(user: User, permission: Permission, obj: Any = None) -> bool:
    """Whether `user` may exercise `permission`, on `obj` when one is given."""
    if not has_permission(user, permission):
        return False
    if obj is None:
        return True
    rule = CASE_RULES.get(permission) or OBJECT_RULES.get(permission)
    if rule is None:
        raise LookupError(f"no object rule for {permission}")
    return rule(user, obj)


def authorize(allowed: bool) -> None:
    """Stop the request with 403 unless the check passed."""
    if not allowed:
        abort(403)


def requires(permission: Permission) -> Callable:
    """Declare the permission a view needs; the route meta-test reads it from the view."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            authorize(has_permission(current_user, permission))
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


def visible_cases_clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of can_read_case, for lists and counts."""
    from casework.cases.models import Case

    if not has_permission(user, P.READ_CASE):
        return sa.false()
    # IN, not a correlated EXISTS: the planners then read the user's few assignments once
    # instead of probing them for every case (bench/README.md).
    return sa.or_(Case.id.in_(_assigned_case_ids(user)), *_other_case_reasons(user))


def _assigned_case_ids(user: User) -> sa.Select[int]:
    from casework.cases.models import CaseAssignment

    return sa.select(CaseAssignment.case_id).where(CaseAssignment.user_id == user.id)


def _other_case_reasons(user: User) -> list[sa.ColumnElement[bool]]:
    """Why else a user reads a case, besides being assigned to it: one condition each."""
    from casework.cases.lifecycle import OPEN_STATUSES
    from casework.cases.models import Case

    clauses: list[sa.ColumnElement[bool]] = []
    if user.has_role(Role.SUPERVISOR):
        clauses.append(sa.true() if user.region is None else Case.region == user.region)
    if user.has_role(Role.CASEWORKER):
        unit = sa.true() if user.region is None else Case.region == user.region
        clauses.append(sa.and_(Case.status.in_(OPEN_STATUSES), unit))
    if user.has_role(Role.MONITOR):
        clauses.append(Case.created_by_id == user.id)
        clauses.append(Case.visit_id.in_(team_visit_ids(user)))
    return clauses


def team_visit_ids(user: User) -> sa.Select[int]:
    from casework.visits.models import VisitMember

    return sa.select(VisitMember.visit_id).where(VisitMember.user_id == user.id)


def recordable_visits_clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of can_record_visit: the region's supervisor, or a monitor on the
    team."""
    from casework.visits.models import Visit

    if not has_permission(user, P.RECORD_VISIT):
        return sa.false()
    clauses: list[sa.ColumnElement[bool]] = [sa.false()]
    if user.has_role(Role.SUPERVISOR):
        clauses.append(sa.true() if user.region is None else Visit.region == user.region)
    if user.has_role(Role.MONITOR):
        clauses.append(Visit.id.in_(team_visit_ids(user)))
    return sa.or_(*clauses)


def visible_visits_clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of can_read_visit, for lists, the calendar and counts."""
    from casework.visits.models import Visit

    if not has_permission(user, P.READ_VISIT):
        return sa.false()
    clauses: list[sa.ColumnElement[bool]] = [Visit.id.in_(team_visit_ids(user))]
    if any(user.has_role(role) for role in (Role.SUPERVISOR, Role.MONITOR, Role.CASEWORKER)):
        clauses.append(sa.true() if user.region is None else Visit.region == user.region)
    return sa.or_(*clauses)


def identity_cases_clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of can(user, SEE_IDENTITY, case), for queries on cases."""
    from casework.cases.models import Case, CaseAssignment

    if not has_permission(user, P.SEE_IDENTITY):
        return sa.false()
    clauses: list[sa.ColumnElement[bool]] = [sa.false()]
    if user.has_role(Role.SUPERVISOR):
        clauses.append(sa.true() if user.region is None else Case.region == user.region)
    if user.has_role(Role.CASEWORKER) or user.has_role(Role.LAWYER):
        clauses.append(
            sa.exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.user_id == user.id)
        )
    return sa.or_(*clauses)


def identifiable_people_clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of can_identify_person, for queries on people."""
    from sqlalchemy.orm import aliased

    from casework.cases.models import Case, CaseParty
    from casework.people.models import Person

    if not has_permission(user, P.READ_CASE):
        return sa.false()
    # An alias, so the clause keeps its meaning in a query that itself joins case parties.
    party = aliased(CaseParty)
    seen_in_case = sa.exists().where(Case.id == party.case_id, identity_cases_clause(user))
    consented_in_readable_case = sa.and_(
        party.consents_to_disclosure,
        sa.exists().where(Case.id == party.case_id, visible_cases_clause(user)),
    )
    return sa.exists().where(
        party.person_id == Person.id, sa.or_(seen_in_case, consented_in_readable_case)
    )


def visible_recommendations_clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of can_read_recommendation, for the register and the dashboard."""
    from casework.cases.models import Case
    from casework.recommendations.models import Recommendation
    from casework.visits.models import Visit

    if not has_permission(user, P.READ_RECOMMENDATION):
        return sa.false()
    if user.has_role(Role.SUPERVISOR) and user.region is None:
        return sa.true()  # the whole country: skip the case subquery below
    # One IN per reason the case is visible: an OR inside a single case subquery made
    # PostgreSQL scan every case for each statement of the dashboard (bench/README.md).
    clauses: list[sa.ColumnElement[bool]] = [
        Recommendation.owner_id == user.id,
        Recommendation.case_id.in_(_assigned_case_ids(user)),
        *(Recommendation.case_id.in_(sa.select(Case.id).where(reason))
          for reason in _other_case_reasons(user)),
    ]
    if user.has_role(Role.SUPERVISOR):
        clauses.append(Recommendation.region == user.region)
    if has_permission(user, P.READ_VISIT):
        clauses.append(Recommendation.visit_id.in_(
            sa.select(Visit.id).where(visible_visits_clause(user))
        ))
    return sa.or_(*clauses)


def visible_violations_clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL counterpart of can_read_violation, for lists and counts."""
    from casework.cases.models import Case
    from casework.violations.models import Violation
    from casework.visits.models import Visit

    return sa.or_(
        Violation.case_id.in_(sa.select(Case.id).where(visible_cases_clause(user))),
        Violation.visit_id.in_(sa.select(Visit.id).where(visible_visits_clause(user))),
    )
