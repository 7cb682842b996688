"""The visit report PDF: what it says (read back with pypdf, Kazakh glyphs included), what it
never says (an interviewee's name, a finding not substantiated, a draft), its metadata and
pages, the language it is built in, who may download it, and the audit entry."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from pypdf import PdfReader

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.models import CctvCoverage, Language
from casework.reference.regions import Region
from casework.violations.models import ViolationStatus
from casework.visits.models import (
    Interviewee,
    NpmParticipant,
    Obstruction,
    ObstructionKind,
    Visit,
    VisitParticipant,
    VisitStatus,
    VisitType,
)
from tests.factories import (
    PASSWORD,
    make_authority,
    make_category,
    make_facility,
    make_person,
    make_recommendation,
    make_user,
    make_violation,
    make_visit,
)

TODAY = date(2026, 11, 20)
KAZAKH_LETTERS = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"
S = ViolationStatus


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


def sign_in(app: Flask, user: User):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email,
                                       "password": PASSWORD}).status_code == 302
    return client


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def visit() -> Visit:
    facility = make_facility(name="Қарағанды облысындағы №3 түзеу колониясы", capacity=900,
                             address="Қарағанды қ., Бұқар жырау даңғ., 1",
                             authority=make_authority(name="ҚАЖК департаменті"))
    leader = make_user(Role.MONITOR, region=Region.ASTANA, full_name="Dana Sarsenova")
    member = make_user(Role.MONITOR, region=Region.ASTANA, full_name="Yerlan Abenov")
    visit = make_visit(facility, team=(leader, member), status=VisitStatus.COMPLETED,
                       starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 11),
                       reference="NPM-2026-0042", type=VisitType.REACTIVE,
                       is_announced=False, interviews_in_private=7,
                       cctv_seen=CctvCoverage.PARTIAL,
                       summary="The colony holds 870 people.")
    participant = NpmParticipant(full_name="Aliya Kemelbekova", organisation="Kadir-Kasiet")
    visit.participants.append(VisitParticipant(participant=participant))
    db.session.add(Obstruction(visit=visit, kind=ObstructionKind.ACCESS_DELAYED,
                               occurred_on=date(2026, 11, 10), delay_minutes=45,
                               description="Kept at the gate.", recorded_by_id=leader.id))
    for number, (name, at_risk) in enumerate([("Aigerim Bekova", True),
                                              ("Nurlan Ospanov", True),
                                              ("Timur Kasymov", False)], start=1):
        db.session.add(Interviewee(visit=visit, number=number, is_reprisal_risk=at_risk,
                                   person=make_person(full_name=name),
                                   recorded_by_id=leader.id))
    conditions = make_category("conditions")
    conditions.name_kk = f"Ұстау жағдайлары ({KAZAKH_LETTERS})"
    earlier = make_visit(facility, status=VisitStatus.COMPLETED, starts_on=date(2025, 6, 2))
    make_violation(visit=earlier, category=conditions, status=S.SUBSTANTIATED,
                   found_on=date(2025, 6, 2))
    found = make_violation(visit=visit, category=conditions, status=S.SUBSTANTIATED,
                           legal_basis="Nelson Mandela Rules, r. 13", people_affected=40,
                           found_on=date(2026, 11, 10), description="Cells without daylight.")
    make_violation(visit=visit, category=make_category("medical"),
                   status=S.NOT_SUBSTANTIATED, found_on=date(2026, 11, 11),
                   description="Claimed lack of insulin.")
    issued = make_recommendation(
        None, record_status=RecordStatus.ISSUED, number="R-2026-00150",
        issued_on=date(2026, 11, 15), reply_due=date(2026, 12, 7),
        implementation_due=date(2027, 5, 15), authority=make_authority(name="CCES"),
        text="Install windows in block 2.", region=Region.ASTANA, facility=facility,
    )
    issued.case, issued.visit = None, visit
    issued.violations.append(found)
    draft = make_recommendation(None, text="A draft nobody approved.", region=Region.ASTANA)
    draft.case, draft.visit = None, visit
    db.session.commit()
    return visit


def report(app, user: User, visit: Visit, query: str = ""):
    return sign_in(app, user).get(f"/visits/{visit.id}/report.pdf{query}")


def test_the_report_says_what_the_visit_found_and_names_no_interviewee(app, visit):
    response = report(app, visit.leader, visit, "?language=en")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="NPM-2026-0042-en.pdf"')
    text = pdf_text(response.data)
    for expected in (
        "Report of the visit NPM-2026-0042", "Қарағанды облысындағы №3 түзеу колониясы",
        "Commissioner for Human Rights in the Republic of Kazakhstan",
        "ҚАЖК департаменті", "900", "10 Nov 2026 – 11 Nov 2026", "Special (reactive)",
        "unannounced", "Dana Sarsenova", "Yerlan Abenov", "Aliya Kemelbekova (Kadir-Kasiet)",
        "articles 19 and 20 of the Optional Protocol", "Constitutional Law",
        "Access delayed", "45 minutes", "Kept at the gate.",
        "The team interviewed 7 people in private.",
        "2 people at risk of reprisals are followed up.",
        "Nelson Mandela Rules, r. 13", "40 people affected", "Cells without daylight.",
        "Repeat finding", "R-2026-00150", "CCES", "Install windows in block 2.",
        "reply due 7 Dec 2026", "implementation due 15 May 2027", "Partial",
        "The colony holds 870 people.",
    ):
        assert expected in text, expected
    for never in ("Aigerim", "Bekova", "Nurlan Ospanov", "Timur", "Claimed lack of insulin.",
                  "A draft nobody approved."):
        assert never not in text, never
    assert re.search(r"\b1 / [12]\b", text)


def test_the_metadata_names_the_report_and_the_office(app, visit):
    reader = PdfReader(io.BytesIO(report(app, visit.leader, visit, "?language=en").data))
    assert reader.metadata.title == "Report of the visit NPM-2026-0042"
    assert reader.metadata.author == "Commissioner for Human Rights in the Republic of Kazakhstan"
    assert "NPM-2026-0042" in reader.metadata.get("/Keywords", "")


def test_a_kazakh_report_carries_every_kazakh_letter(app, visit):
    text = pdf_text(report(app, visit.leader, visit, "?language=kk").data)
    assert KAZAKH_LETTERS in text
    assert "Қазақстан Республикасындағы Адам құқықтары жөніндегі уәкіл" in text
    assert "10.11.2026" in text
    assert "Түзеу колониясы" in text


def test_without_a_language_the_readers_ui_language_is_used(app, visit):
    visit.leader.language = Language.RU
    db.session.commit()
    response = report(app, visit.leader, visit)
    assert response.headers["Content-Disposition"].endswith('-ru.pdf"')
    text = pdf_text(response.data)
    assert "Уполномоченный по правам человека в Республике Казахстан" in text
    assert "10.11.2026" in text


def test_a_download_is_audited_with_its_language(app, visit):
    reader = make_user(Role.CASEWORKER, region=Region.ASTANA)
    db.session.commit()
    assert report(app, reader, visit, "?language=ru").status_code == 200
    [entry] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.VISIT_REPORT_DOWNLOADED)).all()
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.changes) == (
        reader.id, "visits", visit.id, {"language": "ru"})


@pytest.mark.parametrize(("role", "region"), [
    (Role.LAWYER, None), (Role.AUDITOR, None), (Role.ADMIN, None),
    (Role.MONITOR, Region.PAVLODAR), (Role.CASEWORKER, Region.PAVLODAR),
])
def test_only_readers_of_the_visit_download_it(app, visit, role, region):
    user = make_user(role, region=region)
    db.session.commit()
    assert report(app, user, visit).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == AuditAction.VISIT_REPORT_DOWNLOADED)) == 0


def test_a_visit_without_findings_says_so(app):
    bare = make_visit(status=VisitStatus.CONDUCTED)
    db.session.commit()
    text = pdf_text(report(app, bare.leader, bare, "?language=en").data)
    assert "No violations were recorded." in text
    assert "No obstruction of the team was recorded." in text
    assert "No recommendations have been issued from this visit yet." in text
    assert "at risk of reprisals" not in text
