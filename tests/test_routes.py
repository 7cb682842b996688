"""The route meta-tests: every endpoint declares who may use it, and the declaration holds.

The expected answer for each route and role is computed from ROLE_PERMISSIONS and the object
rules in casework.permissions, so the access table lives in exactly one place. A new route
fails here until it has @requires (or is public) and its URL arguments are known below.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.attachments import storage
from casework.attachments.models import Attachment
from casework.audit import AuditAction, AuditEntry
from casework.cases.models import Case, CaseTask, DeadlineExtension, Note, TaskKind
from casework.courts.models import CourtProceeding, Hearing
from casework.database import utcnow
from casework.extensions import db
from casework.letters.models import (
    IncomingDocument,
    IncomingKind,
    Letter,
    LetterKind,
    LetterStatus,
)
from casework.permissions import (
    CASE_RULES,
    OBJECT_RULES,
    PUBLIC_ENDPOINTS,
    Permission,
    can_read_case,
    has_permission,
)
from casework.recommendations.lifecycle import RecordStatus
from casework.recommendations.models import Recommendation
from casework.reference.models import CalendarDay, CalendarDayKind, Language
from casework.reference.regions import Region
from casework.violations.models import Violation
from casework.visits.models import (
    Interviewee,
    NpmParticipant,
    Obstruction,
    ObstructionKind,
    Visit,
    VisitStatus,
)
from tests import factories

# URL arguments that point into a case: access to them follows the case's object rules.
CASE_ARGUMENTS = frozenset(
    {"case_id", "attachment_id", "task_id", "note_id", "party_id", "extension_id",
     "recommendation_id", "letter_id", "document_id", "proceeding_id", "hearing_id",
     "violation_id"}
)
# URL arguments that point into a visit: access follows the visit's object rules.
VISIT_ARGUMENTS = frozenset({"visit_id", "interviewee_id", "obstruction_id"})
# Objects with rules of their own (OBJECT_RULES), by the URL argument naming them; a route
# naming an object inside a case is judged on that object rather than on the case.
ARGUMENT_MODELS = {
    "attachment_id": Attachment, "recommendation_id": Recommendation, "letter_id": Letter,
    "document_id": IncomingDocument, "case_id": Case, "proceeding_id": CourtProceeding,
    "violation_id": Violation,
}
OTHER_ARGUMENTS = frozenset(
    {"user_id", "day_id", "person_id", "facility_id", "authority_id", "category_id",
     "participant_id"}
)
# Arguments that are not database ids: a letter kind, a language, a bundled asset, the secret
# of a calendar feed (an unknown one: the feed answers 404 to everybody).
FIXED_ARGUMENTS = {
    "kind": "reminder", "language": "ru", "filename": "letter.css", "token": "no-such-feed",
}
# Reading a confidential file is itself audited: the only write a GET may make.
READ_AUDITS = frozenset({
    AuditAction.ATTACHMENT_DOWNLOADED, AuditAction.PEOPLE_SEARCHED,
    AuditAction.RECOMMENDATIONS_EXPORTED, AuditAction.LETTER_DOWNLOADED,
    AuditAction.CORRESPONDENCE_EXPORTED, AuditAction.IDENTITY_REVEALED,
    AuditAction.VISIT_REPORT_DOWNLOADED, AuditAction.STATISTICS_EXPORTED,
    AuditAction.ANNUAL_REPORT_BUILT,
})
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class World:
    """One user per role and a case each of them relates to, plus a case nobody may see."""

    users: dict[Role, User]
    case: Case
    foreign_case: Case
    ids: dict[str, Any] = field(default_factory=dict)
    foreign_ids: dict[str, Any] = field(default_factory=dict)


def _case_objects(case: Case, author: User) -> dict[str, int]:
    """A party, an attachment, a task, a note and an extension on `case`, by URL argument."""
    party = factories.add_party(case)
    stored = storage.save(io.BytesIO(MINIMAL_PDF), "letter.pdf")
    attachment = Attachment(
        case_id=case.id, file_name="letter.pdf", media_type=stored.media_type,
        size=stored.size, sha256=stored.sha256, storage_name=stored.storage_name,
        uploaded_by=author,
    )
    task = CaseTask(case_id=case.id, kind=TaskKind.NOTIFY_EXTENSION, due_on=date(2026, 11, 26))
    note = Note(case_id=case.id, author=author, body="Called the complainant.")
    extension = DeadlineExtension(
        case_id=case.id, previous_due=date(2026, 11, 23), new_due=date(2026, 12, 23),
        ground="Waiting for medical records.", extended_by=author,
    )
    db.session.add_all([attachment, task, note, extension])
    db.session.flush()
    # Issued, drafted by the case's caseworker (or the colleague): every follow-up action applies.
    recommendation = factories.make_recommendation(
        case, record_status=RecordStatus.ISSUED, drafted_by=author
    )
    letter, document = _signed_letter_with_reply(case, author)
    proceeding = factories.make_proceeding(case)
    hearing = Hearing(starts_at=utcnow(), recorded_by=author)
    proceeding.hearings.append(hearing)
    violation = factories.make_violation(case=case, recorded_by=author)
    db.session.add(hearing)
    db.session.flush()
    return {
        "proceeding_id": proceeding.id, "hearing_id": hearing.id, "violation_id": violation.id,
        "recommendation_id": recommendation.id,
        "letter_id": letter.id, "document_id": document.id, **FIXED_ARGUMENTS,
        "case_id": case.id, "party_id": party.id, "attachment_id": attachment.id,
        "task_id": task.id, "note_id": note.id, "extension_id": extension.id,
        "person_id": party.person_id,
    }


def _participant() -> NpmParticipant:
    participant = NpmParticipant(
        full_name="Aliya Nurlanovna Seitova", organisation="Public Council",
        declaration_signed_on=date(2026, 1, 15),
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def _visit_objects(visit: Visit) -> dict[str, int]:
    """A named interviewee and an obstruction on `visit`, by URL argument."""
    interviewee = Interviewee(
        visit=visit, number=1, person=factories.make_person(), recorded_by=visit.leader,
        next_check_in_on=date(2026, 11, 20),
    )
    obstruction = Obstruction(
        visit=visit, kind=ObstructionKind.ACCESS_DELAYED, occurred_on=visit.starts_on,
        delay_minutes=40, recorded_by=visit.leader,
    )
    db.session.add_all([interviewee, obstruction])
    db.session.flush()
    return {"visit_id": visit.id, "interviewee_id": interviewee.id,
            "obstruction_id": obstruction.id}


def _signed_letter_with_reply(case: Case, author: User) -> tuple[Letter, IncomingDocument]:
    """A signed letter of the case (its PDF stored), and the reply registered against it."""
    stored = storage.save_generated(MINIMAL_PDF, storage.PDF)
    letter = Letter(
        kind=LetterKind.INFORMATION_REQUEST, status=LetterStatus.SIGNED, case=case,
        region=case.region, authority=factories.make_authority(), language=Language.RU,
        addressee_block="Prosecutor", subject="Request", body="Please reply.",
        number=f"{case.id:05d}-2026", dated=date(2026, 11, 20), signed_by=author,
        pdf_storage_name=stored.storage_name, pdf_sha256=stored.sha256, pdf_size=stored.size,
        drafted_by=author,
    )
    document = IncomingDocument(
        number=f"IN-{case.id:05d}-2026", received_on=date(2026, 11, 24),
        kind=IncomingKind.AUTHORITY_REPLY, region=case.region, sender="Prosecutor",
        case=case, letter=letter, registered_by=author,
    )
    db.session.add_all([letter, document])
    db.session.flush()
    return letter, document


@pytest.fixture
def world(app: Flask) -> World:
    users = {
        role: factories.make_user(
            role, region=Region.ASTANA if role in (Role.SUPERVISOR, Role.CASEWORKER) else None
        )
        for role in Role
    }
    colleague = factories.make_user(Role.CASEWORKER, region=Region.ALMATY_CITY)
    case = factories.make_case(
        created_by=users[Role.MONITOR], region=Region.ASTANA, is_urgent=True,
        assignees=(users[Role.CASEWORKER], users[Role.LAWYER]),
    )
    foreign_case = factories.make_case(created_by=colleague, region=Region.ALMATY_CITY)
    day = CalendarDay(day=date(2026, 12, 28), kind=CalendarDayKind.DAY_OFF, note="Decree")
    db.session.add(day)
    db.session.flush()
    shared = {
        "user_id": colleague.id, "day_id": day.id,
        "facility_id": factories.make_facility().id,
        "authority_id": factories.make_authority().id,
        "category_id": factories.make_category().id,
        "participant_id": _participant().id,
    }
    # A visit the monitor leads in the case's region, and one elsewhere by another team.
    visit = factories.make_visit(
        factories.make_facility(Region.ASTANA), team=(users[Role.MONITOR],),
        status=VisitStatus.CONDUCTED,
    )
    foreign_visit = factories.make_visit(
        factories.make_facility(Region.ALMATY_CITY),
        team=(factories.make_user(Role.MONITOR, region=Region.ALMATY_CITY),),
        status=VisitStatus.CONDUCTED,
    )
    world = World(users=users, case=case, foreign_case=foreign_case)
    world.ids = {**shared, **_case_objects(case, users[Role.CASEWORKER]),
                 **_visit_objects(visit)}
    world.foreign_ids = {**shared, **_case_objects(foreign_case, colleague),
                         **_visit_objects(foreign_visit)}
    db.session.commit()
    return world


def routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    """Every rule except static files, with the method the walk uses for it."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        if "GET" in (rule.methods or ()):
            yield rule, "GET"
        elif "POST" in (rule.methods or ()):
            yield rule, "POST"


def build_url(app: Flask, rule: Rule, ids: dict[str, Any]) -> str:
    unknown = set(rule.arguments) - set(ids)
    assert not unknown, (
        f"{rule.rule}: unknown URL argument(s) {sorted(unknown)}: create such an object in "
        "the `world` fixture of tests/test_routes.py and map the argument to its id"
    )
    adapter = app.url_map.bind(app.config["SERVER_NAME"] or "localhost")
    return adapter.build(rule.endpoint, {name: ids[name] for name in rule.arguments})


def required_permission(app: Flask, rule: Rule) -> Permission | None:
    return getattr(app.view_functions[rule.endpoint], "required_permission", None)


def expected_allowed(
    user: User, permission: Permission, rule: Rule, case: Case, ids: dict[str, Any]
) -> bool:
    """The access table: role permissions, and for case routes the case's object rules (or
    the rule on the object inside the case that the URL names)."""
    if not has_permission(user, permission):
        return False
    if VISIT_ARGUMENTS & set(rule.arguments):
        visit = db.session.get(Visit, ids["visit_id"])
        return OBJECT_RULES[permission](user, visit)
    if not CASE_ARGUMENTS & set(rule.arguments):
        return True
    if permission in OBJECT_RULES:
        names = set(ARGUMENT_MODELS) & set(rule.arguments)
        [name] = names - {"case_id"} or names
        obj = db.session.get(ARGUMENT_MODELS[name], ids[name])
        return can_read_case(user, case) and OBJECT_RULES[permission](user, obj)
    rule_for_object = CASE_RULES.get(permission)
    return can_read_case(user, case) and (rule_for_object is None or rule_for_object(user, case))


def sign_in(app: Flask, user: User):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302, f"cannot sign in as {user.email}"
    return client


def request(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url)


def is_sent_to_login(response) -> bool:
    """The sign-in gate's redirect, which names the page to come back to (signing out does not)."""
    if response.status_code != 302:
        return False
    location = urlparse(response.location)
    return location.path == "/login" and "next=" in location.query


def problem(response, *, allowed: bool, strict: bool) -> str | None:
    """What is wrong with the answer, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if not allowed:
        return None if status == 403 else f"expected 403, got {status}"
    if status == 403:
        return "expected access, got 403"
    if strict and is_sent_to_login(response):
        return "expected access, was sent to sign in"
    return None


def walk(app: Flask, user: User, ids: dict[str, Any], case: Case, *, strict: bool) -> list[str]:
    """Request every route as `user`; GETs share one session, each POST gets a fresh one."""
    failures = []
    get_client = sign_in(app, user)
    for rule, method in sorted(routes(app), key=lambda item: item[1]):  # GETs first
        url = build_url(app, rule, ids)
        permission = required_permission(app, rule)
        # A public page (no permission) lets everyone in.
        allowed = permission is None or expected_allowed(user, permission, rule, case, ids)
        client = get_client if method == "GET" else sign_in(app, user)
        response = request(client, method, url)
        if (issue := problem(response, allowed=allowed, strict=strict)) is not None:
            role = ", ".join(sorted(user.roles))
            failures.append(f"{method} {url} ({rule.endpoint}) as {role}: {issue}")
    return failures


def test_every_route_declares_a_permission_or_is_public(app: Flask):
    undeclared = [
        f"{rule.rule} ({rule.endpoint})"
        for rule, _ in routes(app)
        if rule.endpoint not in PUBLIC_ENDPOINTS and required_permission(app, rule) is None
    ]
    assert not undeclared, f"add @requires(Permission.X) to these views: {undeclared}"


def test_public_endpoints_exist(app: Flask):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_ENDPOINTS, PUBLIC_ENDPOINTS - endpoints


def test_anonymous_visitor_is_sent_to_sign_in_everywhere_but_public_pages(app, world):
    client = app.test_client()
    failures = []
    for rule, method in routes(app):
        url = build_url(app, rule, world.ids)
        response = request(client, method, url)
        public = rule.endpoint in PUBLIC_ENDPOINTS
        if public and (response.status_code >= 500 or response.status_code == 403):
            failures.append(f"{method} {url}: public page answered {response.status_code}")
        elif not public and not is_sent_to_login(response):
            failures.append(f"{method} {url}: expected a redirect to /login, "
                            f"got {response.status_code} {response.location or ''}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_route_answers_each_role_as_the_permission_table_says(app, world, role):
    failures = walk(app, world.users[role], world.ids, world.case, strict=True)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_case_routes_refuse_users_who_may_not_see_the_case(app, world, role):
    failures = walk(app, world.users[role], world.foreign_ids, world.foreign_case, strict=False)
    assert not failures, "\n".join(failures)


def row_counts() -> dict[str, int]:
    counts = {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    counts["audit_entries"] -= db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry)
        .where(AuditEntry.action.in_(READ_AUDITS))
    )
    return counts


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_get_requests_never_write(app, world, role):
    client = sign_in(app, world.users[role])
    db.session.commit()
    before = row_counts()
    for rule, method in routes(app):
        if method == "GET":
            request(client, "GET", build_url(app, rule, world.ids))
            request(client, "GET", build_url(app, rule, world.foreign_ids))
    db.session.rollback()  # see what the requests committed, not this session's cache
    after = row_counts()
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert not changed, f"GET requests as {role} wrote rows (table: before, after): {changed}"
