"""The visit page: what it shows to whom, and its forms (blank, or one that failed with the
user's input kept). Both view modules render it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import LazyString
from flask_wtf import FlaskForm

from casework.accounts.models import User
from casework.database import office_today
from casework.permissions import Permission, can
from casework.visits import queries
from casework.visits.display import interviewee_label, optional_url
from casework.visits.follow_up import open_recommendations
from casework.visits.forms import (
    ConfirmForm,
    IntervieweeForm,
    ObservationsForm,
    ObstructionForm,
    StepForm,
    VerifyForm,
)
from casework.visits.lifecycle import EDITABLE, VisitStep, steps_from
from casework.visits.models import Visit, VisitStatus
from casework.visits.records import first_check_in_on

P = Permission


@dataclass(frozen=True)
class OfferedStep:
    step: VisitStep
    form: StepForm
    blocker: LazyString | None  # why the button is disabled today


def offered_steps(visit: Visit, user: User, failed: dict[str, StepForm]) -> list[OfferedStep]:
    """The steps of the lifecycle table from the visit's status that are the user's."""
    today = office_today()
    offered = []
    for step in steps_from(visit.status):
        if not step.who(user, visit):
            continue
        form = failed.get(step.action) or StepForm(
            formdata=None, action=step.action, summary=visit.summary,
            interviews_in_private=visit.interviews_in_private,
        )
        offered.append(OfferedStep(step, form.prepare(step), step.blocker(visit, today)))
    return offered


ENTRY_FORMS = ("obstruction_form", "observations_form", "interviewee_form")


def _entry_forms(
    visit: Visit, may_record: bool, overrides: dict[str, Any]
) -> dict[str, FlaskForm | None]:
    """The forms for entries, for who records the visit while it is conducted; else None."""
    if not may_record or visit.status is not VisitStatus.CONDUCTED:
        return dict.fromkeys(ENTRY_FORMS)
    return {
        "obstruction_form": overrides.get("obstruction_form")
        or ObstructionForm(formdata=None, occurred_on=visit.starts_on).prepare(),
        "observations_form": overrides.get("observations_form") or ObservationsForm(
            formdata=None, interviews_in_private=visit.interviews_in_private,
            cctv_seen=visit.cctv_seen.value if visit.cctv_seen else "",
        ).prepare(),
        "interviewee_form": overrides.get("interviewee_form") or IntervieweeForm(
            formdata=None, first_check_in_on=first_check_in_on(visit)).prepare(),
    }


def _follow_up(visit: Visit, user: User, failed: dict[int, VerifyForm]) -> dict[str, Any]:
    """The facility's open recommendations, with a form for each one the team may verify."""
    if visit.status is VisitStatus.CANCELLED or not can(user, P.RECORD_VISIT, visit):
        return {"open_recommendations": None, "verify_forms": {}}
    rows = open_recommendations(visit, user)
    forms: dict[int, VerifyForm] = {}
    if visit.status is VisitStatus.CONDUCTED:
        day = min(visit.ends_on, office_today())
        for row in rows:
            if row.results:
                rec_id = row.recommendation.id
                form = failed.get(rec_id) or VerifyForm.blank(rec_id, day)
                forms[rec_id] = form.prepare(rec_id, row.results)
    return {"open_recommendations": rows, "verify_forms": forms}


def render_visit(visit: Visit, user: User, status: int = 200, **overrides: Any) -> tuple[str, int]:
    """The visit page; `overrides` replaces a blank form with one that failed."""
    may_record = can(user, P.RECORD_VISIT, visit)
    names_visible = can(user, P.SEE_INTERVIEWEES, visit)
    page = render_template(
        "visits/show.html",
        visit=visit,
        may_record=may_record,
        may_edit=may_record and visit.status in EDITABLE,
        names_visible=names_visible,
        label=lambda interviewee: interviewee_label(interviewee, names_visible),
        steps=offered_steps(visit, user, overrides.get("step_forms", {})) if may_record else [],
        recommendations=queries.visit_recommendations(visit),
        facility_url=optional_url("violations.facility", facility_id=visit.facility_id),
        report_url=optional_url("violations.visit_report", visit_id=visit.id),
        remove_form=ConfirmForm(),
        **_entry_forms(visit, may_record, overrides),
        **_follow_up(visit, user, overrides.get("verify_forms", {})),
    )
    return page, status
