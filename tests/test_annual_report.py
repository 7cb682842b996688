"""The annual report: a PDF of the year's figures in Kazakh, Russian or English, read back
with pypdf: its title and language, headings and figures in the chosen language, Kazakh
letters, the charts drawn (their labels are text in the PDF), page numbers, no personal data
or free text, and an audit entry for each report built."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa
import time_machine
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.models import CaseKind, Channel
from casework.courts.models import Decision
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.reference.models import Language
from casework.reference.regions import Region
from casework.reports.annual import annual_report_pdf
from casework.visits.models import VisitStatus, VisitType
from tests import factories
from tests.test_statistics_pages import SECRETS, private_world  # noqa: F401 - a fixture

TODAY = date(2026, 11, 25)
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=OFFICE_TZ), tick=False):
        yield


@pytest.fixture
def year_2026(private_world):  # noqa: F811 - the imported fixture
    """Besides the private world: three hotline complaints and four visits in Karaganda in
    2026, two parole decisions (granted, refused), and a 2025 complaint that must not
    count."""
    for day in (date(2026, 1, 1), date(2026, 7, 9), date(2026, 12, 31)):
        factories.make_case(kind=CaseKind.COMPLAINT, channel=Channel.HOTLINE, received_on=day,
                            region=Region.KARAGANDA)
    factories.make_case(kind=CaseKind.COMPLAINT, channel=Channel.HOTLINE,
                        received_on=date(2025, 12, 31), region=Region.KARAGANDA)
    facility = factories.make_facility(Region.KARAGANDA)
    for _n in range(4):
        factories.make_visit(facility, starts_on=date(2026, 8, 3), type=VisitType.THEMATIC,
                             status=VisitStatus.COMPLETED)
    for decision in (Decision.GRANTED, Decision.REFUSED):
        case = factories.make_case(kind=CaseKind.PAROLE_FOLLOW_UP, received_on=date(2026, 2, 2))
        factories.make_proceeding(case, decision=decision, decided_on=date(2026, 9, 1))
    db.session.commit()


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("language", list(Language), ids=str)
def test_annual_report_in_each_language(app, year_2026, language):
    with app.test_request_context():
        pdf = annual_report_pdf(2026, language, TODAY)
        with force_locale(language.value):
            title = _("Annual report %(year)s", year=2026)
            headings = [_("The year at a glance"), _("Complaints by channel"),
                        _("Monitoring visits (NPM)"), _("Parole decisions by region"),
                        Channel.HOTLINE.label, Region.KARAGANDA.label, VisitType.THEMATIC.label]
    reader, text = text_of(pdf)
    flat = squeeze(text)
    assert reader.metadata.title == title
    assert reader.trailer["/Root"]["/Lang"] == language.value
    assert app.config["OFFICE_NAME"][language.value] in flat
    for heading in headings:
        assert squeeze(heading) in flat, heading
    assert len(reader.pages) >= 4
    assert f"1 / {len(reader.pages)}" in flat
    if language is Language.KK:
        assert KAZAKH_LETTERS & set(text)
        assert "Қарағанды облысы" in flat
    for secret in SECRETS:
        assert secret not in flat


def test_annual_report_figures_and_charts(app, year_2026):
    with app.test_request_context():
        pdf = annual_report_pdf(2026, Language.EN, TODAY)
    _reader, text = text_of(pdf)
    lines = [line.strip() for line in text.splitlines()]
    # The year's complaints: the private one by hotline and three more; not 2025's.
    assert "Complaints received 4" in lines
    assert "Hotline 4" in lines  # the table's row
    assert "Visits 5" in lines
    # Two granted (the private world's and one more), one refused.
    assert "Parole grant rate 66.7%" in lines
    # Each chart draws its labels as text: the label is there once for the chart, once for
    # the table's row.
    assert sum(line == "Thematic" for line in lines) >= 1
    assert text.count("Hotline") >= 2
    assert text.count("Thematic") >= 2


def test_building_the_report_is_audited_and_sent_as_a_download(client, login, year_2026):
    user = factories.make_user(Role.AUDITOR)
    login(user)
    response = client.get("/statistics/annual-report?year=2026&language=kk")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "annual-report-2026-kk.pdf" in response.headers["Content-Disposition"]
    _reader, text = text_of(response.data)
    assert KAZAKH_LETTERS & set(text)
    for secret in SECRETS:
        assert secret not in squeeze(text)
    [entry] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.ANNUAL_REPORT_BUILT)).all()
    assert entry.actor_id == user.id
    assert entry.changes == {"year": 2026, "language": "kk"}


@pytest.mark.parametrize(("query", "message"), [
    ("year=2027&language=ru", "Choose a year from 2000 to 2026."),
    ("year=1999&language=ru", "Choose a year from 2000 to 2026."),
    ("language=ru", "This field is required."),
    ("year=2026&language=de", "Not a valid choice"),
    ("year=twenty&language=ru", "Not a valid integer value."),
])
def test_a_wrong_year_or_language_is_refused_on_the_page(client, login, query, message):
    login(factories.make_user(Role.SUPERVISOR))
    response = client.get(f"/statistics/annual-report?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == AuditAction.ANNUAL_REPORT_BUILT)) == 0
