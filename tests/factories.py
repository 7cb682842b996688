"""Plain factories with sensible defaults; each returns a flushed object."""

from __future__ import annotations

import itertools
from datetime import date

from casework.accounts.models import User
from casework.accounts.passwords import hash_password
from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus, Outcome
from casework.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseParty,
    Channel,
    PartyRole,
)
from casework.courts.models import CourtProceeding, ProceedingKind
from casework.extensions import db
from casework.people.iin import iin_check_digit
from casework.people.models import Person
from casework.recommendations.lifecycle import (
    Implementation,
    Priority,
    RecordStatus,
    Response,
    Scope,
)
from casework.recommendations.models import Recommendation
from casework.reference.models import (
    Authority,
    AuthorityType,
    Category,
    Facility,
    FacilityType,
)
from casework.reference.regions import Region
from casework.violations.models import Violation, ViolationStatus
from casework.visits.models import Visit, VisitMember, VisitStatus, VisitType

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_user(role: Role | None = Role.CASEWORKER, *, region: Region | None = None, **kw) -> User:
    n = next(_sequence)
    user = User(
        email=kw.pop("email", f"user{n}@example.org"),
        full_name=kw.pop("full_name", f"{(role or 'user').title()} {n}"),
        password_hash=hash_password(kw.pop("password", PASSWORD)),
        region=region,
        session_token=f"token{n}",
        **kw,
    )
    user.roles = {role} if role else set()
    db.session.add(user)
    db.session.flush()
    return user


def valid_iin(prefix: str = "85020130012") -> str:
    """A valid IIN from an 11-digit prefix (the prefix is bumped until a check digit exists)."""
    number = int(prefix)
    while (check := iin_check_digit(f"{number:011d}")) is None:
        number += 1
    return f"{number:011d}{check}"


def make_person(**kw) -> Person:
    n = next(_sequence)
    person = Person(full_name=kw.pop("full_name", f"Person Number{n}"), **kw)
    db.session.add(person)
    db.session.flush()
    return person


def make_authority(**kw) -> Authority:
    n = next(_sequence)
    authority = Authority(
        name=kw.pop("name", f"Authority {n}"), type=kw.pop("type", AuthorityType.MINISTRY), **kw
    )
    db.session.add(authority)
    db.session.flush()
    return authority


def make_facility(region: Region = Region.ASTANA, **kw) -> Facility:
    n = next(_sequence)
    facility = Facility(
        name=kw.pop("name", f"Facility {n}"),
        type=kw.pop("type", FacilityType.PENAL_COLONY),
        region=region,
        **kw,
    )
    db.session.add(facility)
    db.session.flush()
    return facility


def make_category(code: str | None = None) -> Category:
    code = code or f"cat{next(_sequence)}"
    category = Category(code=code, name_en=code.title(), name_ru=code, name_kk=code)
    db.session.add(category)
    db.session.flush()
    return category


def make_case(
    *,
    created_by: User | None = None,
    region: Region = Region.ASTANA,
    status: CaseStatus = CaseStatus.REGISTERED,
    assignees: tuple[User, ...] = (),
    **kw,
) -> Case:
    """A case row as the database would hold it; business rules are tested via services."""
    n = next(_sequence)
    created_by = created_by or make_user(Role.CASEWORKER)
    received = kw.pop("received_on", date(2026, 11, 2))
    case = Case(
        reference=kw.pop("reference", f"2026-{n:05d}"),
        channel=kw.pop("channel", Channel.LETTER),
        received_on=received,
        registered_on=kw.pop("registered_on", received),
        summary=kw.pop("summary", f"Complaint number {n}"),
        region=region,
        status=status,
        outcome=kw.pop("outcome", Outcome.RESOLVED if status is CaseStatus.CLOSED else None),
        decision_due=kw.pop("decision_due", date(2026, 11, 23)),
        created_by=created_by,
        **kw,
    )
    for user in assignees:
        role = AssignmentRole.LAWYER if user.has_role(Role.LAWYER) else AssignmentRole.CASEWORKER
        case.assignments.append(CaseAssignment(user=user, role=role))
    db.session.add(case)
    db.session.flush()
    return case


def add_party(case: Case, person: Person | None = None, **kw) -> CaseParty:
    """A party; a new person gets the case's next pseudonym number, as the services do."""
    person = person or make_person()
    numbers = {p.person_id: p.pseudonym_index for p in case.parties}
    party = CaseParty(
        case=case,
        person=person,
        role=kw.pop("role", PartyRole.VICTIM),
        pseudonym_index=kw.pop(
            "pseudonym_index", numbers.get(person.id, max(numbers.values(), default=0) + 1)
        ),
        **kw,
    )
    db.session.add(party)
    db.session.flush()
    return party


def make_recommendation(
    case: Case | None = None,
    *,
    record_status: RecordStatus = RecordStatus.DRAFT,
    issued_on: date = date(2026, 10, 1),
    drafted_by: User | None = None,
    **kw,
) -> Recommendation:
    """A recommendation row as the database would hold it; an issued one (or closed) gets a
    number, its issue date and both deadlines. Business rules are tested via the services."""
    n = next(_sequence)
    case = case or make_case(status=CaseStatus.RECOMMENDATION)
    drafted_by = drafted_by or make_user(Role.CASEWORKER, region=case.region)
    issued = record_status in (RecordStatus.ISSUED, RecordStatus.CLOSED)
    recommendation = Recommendation(
        case=case,
        region=kw.pop("region", case.region),
        authority=kw.pop("authority", None) or make_authority(),
        facility=kw.pop("facility", case.facility),
        text=kw.pop("text", f"Recommendation number {n}"),
        scope=kw.pop("scope", Scope.STRUCTURAL),
        priority=kw.pop("priority", Priority.MEDIUM),
        record_status=record_status,
        response=kw.pop("response", Response.AWAITING),
        implementation=kw.pop("implementation", Implementation.NOT_STARTED),
        drafted_by=drafted_by,
        owner=kw.pop("owner", drafted_by),
        number=kw.pop("number", f"R-2026-{n:05d}" if issued else None),
        issued_on=issued_on if issued else None,
        reply_due=kw.pop("reply_due", date(2026, 10, 22) if issued else None),
        implementation_due=kw.pop("implementation_due", date(2027, 1, 1) if issued else None),
        **kw,
    )
    db.session.add(recommendation)
    db.session.flush()
    return recommendation


def make_visit(
    facility: Facility | None = None,
    *,
    team: tuple[User, ...] = (),
    status: VisitStatus = VisitStatus.PLANNED,
    starts_on: date = date(2026, 11, 10),
    **kw,
) -> Visit:
    """A visit row; its leader (the first of `team`, or a new monitor) is on the team."""
    n = next(_sequence)
    facility = facility or make_facility(kw.pop("region", Region.ASTANA))
    team = team or (make_user(Role.MONITOR, region=facility.region),)
    visit = Visit(
        reference=kw.pop("reference", f"NPM-2026-{n:04d}"),
        facility=facility,
        region=facility.region,
        type=kw.pop("type", VisitType.PLANNED),
        status=status,
        starts_on=starts_on,
        ends_on=kw.pop("ends_on", starts_on),
        leader=team[0],
        created_by=kw.pop("created_by", team[0]),
        **kw,
    )
    visit.members = [VisitMember(user=user) for user in team]
    db.session.add(visit)
    db.session.flush()
    return visit


def make_violation(
    *, case: Case | None = None, visit: Visit | None = None, **kw
) -> Violation:
    """A violation row found in `case` or on `visit` (a new visit when neither is given)."""
    if case is None and visit is None:
        visit = make_visit()
    where = visit if visit is not None else case
    assert where is not None
    facility = kw.pop("facility", where.facility)
    violation = Violation(
        case=case,
        visit=visit,
        facility=facility,
        region=kw.pop("region", where.region),
        category=kw.pop("category", None) or make_category(),
        legal_basis=kw.pop("legal_basis", "UNCAT art. 16"),
        description=kw.pop("description", "Cells without daylight."),
        found_on=kw.pop("found_on", visit.starts_on if visit is not None else date(2026, 11, 2)),
        people_affected=kw.pop("people_affected", 4),
        status=kw.pop("status", ViolationStatus.ALLEGED),
        recorded_by=kw.pop("recorded_by", None) or make_user(Role.MONITOR),
        **kw,
    )
    db.session.add(violation)
    db.session.flush()
    return violation


def make_proceeding(case: Case | None = None, **kw) -> CourtProceeding:
    """A court proceeding row of `case` (a new parole follow-up case when none is given)."""
    case = case or make_case()
    proceeding = CourtProceeding(
        case=case,
        region=case.region,
        court=kw.pop("court", None) or make_authority(type=AuthorityType.COURT),
        kind=kw.pop("kind", ProceedingKind.PAROLE),
        petition_on=kw.pop("petition_on", date(2026, 10, 1)),
        recorded_by=kw.pop("recorded_by", None) or case.created_by,
        **kw,
    )
    db.session.add(proceeding)
    db.session.flush()
    return proceeding
