"""The report of a visit as a PDF with the office's letterhead, built on demand in the
reader's language (or the one asked for).

It names the team (staff and external NPM members act as public officials) but never a person
the team interviewed: those are counted, as are the people at risk of reprisals it follows
up. Findings found not substantiated are left out; the rest are grouped by category, with
their repeat marks. WeasyPrint reads only the bundled letter assets (casework/letters/pdf.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import joinedload

from casework.database import office_today
from casework.extensions import db
from casework.letters.pdf import render_pdf
from casework.recommendations.lifecycle import ISSUED_RECORDS
from casework.recommendations.models import Recommendation
from casework.reference.models import Category, Language
from casework.violations.models import ViolationStatus
from casework.violations.queries import Finding, findings_of
from casework.visits.models import Visit


@dataclass(frozen=True)
class FindingGroup:
    category: Category
    findings: list[Finding]

    @property
    def people_affected(self) -> int:
        return sum(f.violation.people_affected for f in self.findings)


def report_language(requested: str | None) -> Language:
    """The language asked for, else the reader's UI language."""
    for candidate in (requested, str(get_locale() or "")):
        if candidate in {language.value for language in Language}:
            return Language(candidate)
    return Language(current_app.config["BABEL_DEFAULT_LOCALE"])


def finding_groups(visit: Visit) -> list[FindingGroup]:
    """The visit's findings by category (in the categories' order), without those found not
    substantiated."""
    groups: dict[int, FindingGroup] = {}
    for finding in findings_of(visit):
        violation = finding.violation
        if violation.status is ViolationStatus.NOT_SUBSTANTIATED:
            continue
        group = groups.setdefault(violation.category_id,
                                  FindingGroup(violation.category, []))
        group.findings.append(finding)
    return sorted(groups.values(), key=lambda g: (g.category.position, g.category.id))


def issued_recommendations(visit: Visit) -> list[Recommendation]:
    return list(db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.visit_id == visit.id,
               Recommendation.record_status.in_(ISSUED_RECORDS))
        .options(joinedload(Recommendation.authority))
        .order_by(Recommendation.issued_on, Recommendation.number)
    ))


def visit_report_html(visit: Visit, language: Language) -> str:
    at_risk = sum(1 for interviewee in visit.interviewees if interviewee.is_reprisal_risk)
    with force_locale(language.value):
        return render_template(
            "violations/report.html", visit=visit, language=language,
            groups=finding_groups(visit), recommendations=issued_recommendations(visit),
            at_risk=at_risk, built_on=office_today(),
            office_name=current_app.config["OFFICE_NAME"][language.value],
            office_address=current_app.config["OFFICE_ADDRESS"][language.value],
        )


def visit_report_pdf(visit: Visit, language: Language) -> bytes:
    return render_pdf(visit_report_html(visit, language))
