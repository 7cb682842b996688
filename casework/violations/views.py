"""Pages of the violations feature: the list, a violation's page with its status and evidence,
recording one on a case or a visit, editing it, the facility page and the visit report PDF.

Views stay thin: check the form, call one service, commit, redirect. A refused action changes
nothing and says why, next to the field at fault when there is one.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from casework.accounts.models import User
from casework.attachments import storage
from casework.attachments.services import add_violation_evidence, chosen_files
from casework.audit import AuditAction, record
from casework.cases.models import Case
from casework.cases.queries import selectable_facilities
from casework.extensions import db
from casework.forms import show_on_field
from casework.permissions import Permission, authorize, can, can_read_violation, requires
from casework.reference.models import Facility
from casework.refusals import Refusal
from casework.violations import queries, repeats, services
from casework.violations.blueprint import bp
from casework.violations.facility import facility_page
from casework.violations.forms import (
    LEGAL_BASES,
    CaseViolationForm,
    EditViolationForm,
    EvidenceForm,
    StatusForm,
    ViolationFilterForm,
    ViolationForm,
)
from casework.violations.links import visit_or_facility_url, visit_url
from casework.violations.models import Violation, ViolationStatus
from casework.violations.report import report_language, visit_report_pdf
from casework.visits.models import Visit, VisitMember, VisitParticipant

P = Permission


def _actor() -> User:
    return current_user._get_current_object()


@bp.app_context_processor
def violation_helpers() -> dict[str, Any]:
    """The case page and the visit page (other blueprints' templates) list findings with
    these."""
    return {
        "violation_findings": queries.findings_of,
        "can_read_violation": lambda v: can_read_violation(current_user, v),
        "visit_url": visit_url,
    }


def _load(violation_id: int, permission: Permission) -> Violation:
    violation = queries.load_violation(violation_id)
    if violation is None:
        abort(404)
    if permission is P.READ_CASE:
        authorize(can_read_violation(current_user, violation))
    else:
        authorize(can(current_user, permission, violation))
    return violation


def _to_violation(violation: Violation) -> Response:
    return redirect(url_for("violations.show", violation_id=violation.id))


# -- the list and a violation's page ----------------------------------------------------------


@bp.get("/violations")
@requires(P.READ_CASE)
def index():
    """Every violation of the cases and visits the reader may read; readers of either hold
    READ_CASE."""
    form = ViolationFilterForm(request.args)
    form.set_choices(*queries.filter_choices())
    form.validate()
    page = queries.list_violations(_actor(), form.filters(),
                                   request.args.get("page", 1, type=int))
    return render_template("violations/index.html", form=form, page=page)


@bp.get("/violations/<int:violation_id>")
@requires(P.READ_CASE)
def show(violation_id: int):
    return _render_page(_load(violation_id, P.READ_CASE))


def _render_page(
    violation: Violation, status: int = 200, *, status_form: StatusForm | None = None,
    evidence_form: EvidenceForm | None = None,
) -> tuple[str, int]:
    may_record = can(current_user, P.RECORD_VIOLATION, violation)
    if may_record and status_form is None:
        status_form = StatusForm(formdata=None, data={"version": violation.version})
    if status_form is not None:
        status_form.prepare(violation.status)
    page = render_template(
        "violations/show.html", violation=violation, earlier=repeats.earlier_finding(violation),
        may_record=may_record, status_form=status_form,
        evidence_form=evidence_form or (EvidenceForm(formdata=None) if may_record else None),
    )
    return page, status


@bp.post("/violations/<int:violation_id>/status")
@requires(P.RECORD_VIOLATION)
def change_status(violation_id: int):
    violation = _load(violation_id, P.RECORD_VIOLATION)
    form = StatusForm().prepare(violation.status)
    if not form.validate_on_submit():
        return _render_page(violation, 400, status_form=form)
    try:
        services.change_status(violation, ViolationStatus(form.status.data), actor=_actor(),
                               expected_version=form.version.data, reason=form.reason.data)
        db.session.commit()
    except (services.StaleViolation, StaleDataError):
        return _status_conflict(violation, form)
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            return _render_page(violation, 400, status_form=form)
        flash(error.message, "error")
        return _to_violation(violation)
    flash(_("Status changed: %(status)s.", status=violation.status.label), "success")
    return _to_violation(violation)


def _status_conflict(violation: Violation, form: StatusForm) -> tuple[str, int]:
    """409: the page as it is now, the reason typed kept, to decide again."""
    db.session.rollback()
    current = queries.load_violation(violation.id)
    if current is None:
        abort(404)
    flash(_("Someone else changed this violation after you opened the page. Check it and "
            "decide again."), "error")
    form.version.data, form.version.raw_data = current.version, [str(current.version)]
    return _render_page(current, 409, status_form=form)


@bp.post("/violations/<int:violation_id>/evidence")
@requires(P.RECORD_VIOLATION)
def add_evidence(violation_id: int):
    violation = _load(violation_id, P.RECORD_VIOLATION)
    form = EvidenceForm()
    files = chosen_files(form.files.data or [])
    if not form.validate_on_submit() or not files:
        if not files and not form.files.errors:
            form.files.errors = [_("Choose at least one file.")]
        return _render_page(violation, 400, evidence_form=form)
    try:
        added = add_violation_evidence(violation, files, actor=_actor())
        db.session.commit()
    except (storage.FileRejected, Refusal) as rejected:
        db.session.rollback()
        form.files.errors = [str(rejected)]
        return _render_page(violation, 400, evidence_form=form)
    flash(ngettext("%(num)d file added.", "%(num)d files added.", len(added)), "success")
    return _to_violation(violation)


# -- recording --------------------------------------------------------------------------------


def _form_page(form: ViolationForm, status: int, **context: Any) -> tuple[str, int]:
    page = render_template("violations/form.html", form=form, legal_bases=LEGAL_BASES,
                           **context)
    return page, status


@bp.route("/cases/<int:case_id>/violations/new", methods=["GET", "POST"])
@requires(P.RECORD_VIOLATION)
def new_for_case(case_id: int):
    case = db.get_or_404(Case, case_id)
    authorize(can(current_user, P.RECORD_VIOLATION, case))
    back = url_for("cases.show", case_id=case.id, _anchor="violations")
    if not case.is_open:
        flash(_("The case is closed: reopen it to record or change its violations."), "error")
        return redirect(back)
    form = (CaseViolationForm() if request.method == "POST" else CaseViolationForm(
        data={"facility": case.facility_id, "status": ViolationStatus.ALLEGED.value}))
    form.prepare(queries.active_categories())
    form.prepare_facilities(selectable_facilities(_actor(), case))
    context = {"case": case, "back": back}
    if not form.validate_on_submit():
        return _form_page(form, 400 if form.is_submitted() else 200, **context)

    def record_it() -> Violation:
        return services.record_on_case(
            case, actor=_actor(), facility=form.chosen_facility(),
            status=ViolationStatus(form.status.data), **form.facts())

    return _record(form, record_it, back, context)


@bp.route("/visits/<int:visit_id>/violations/new", methods=["GET", "POST"])
@requires(P.RECORD_VIOLATION)
def new_for_visit(visit_id: int):
    visit = db.get_or_404(Visit, visit_id)
    authorize(can(current_user, P.RECORD_VIOLATION, visit))
    back = visit_or_facility_url(visit)
    if not visit.has_taken_place:
        flash(_("Violations are recorded once the visit has taken place."), "error")
        return redirect(back)
    form = (ViolationForm() if request.method == "POST" else ViolationForm(
        data={"status": ViolationStatus.SUBSTANTIATED.value, "found_on": visit.starts_on}))
    form.prepare(queries.active_categories())
    context = {"visit": visit, "back": back}
    if not form.validate_on_submit():
        return _form_page(form, 400 if form.is_submitted() else 200, **context)

    def record_it() -> Violation:
        return services.record_on_visit(
            visit, actor=_actor(), status=ViolationStatus(form.status.data), **form.facts())

    return _record(form, record_it, back, context)


def _record(form: ViolationForm, record_it: Any, back: str, context: dict[str, Any]):
    """Record the violation and file the evidence chosen with it, in one transaction."""
    try:
        violation = record_it()
        if files := chosen_files(form.files.data or []):
            add_violation_evidence(violation, files, actor=_actor())
        db.session.commit()
    except storage.FileRejected as rejected:
        db.session.rollback()
        form.files.errors = [str(rejected)]
        return _form_page(form, 400, **context)
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            return _form_page(form, 400, **context)
        flash(error.message, "error")
        return redirect(back)
    flash(_("Violation recorded."), "success")
    return redirect(back)


# -- editing with optimistic locking ----------------------------------------------------------


@bp.route("/violations/<int:violation_id>/edit", methods=["GET", "POST"])
@requires(P.RECORD_VIOLATION)
def edit(violation_id: int):
    violation = _load(violation_id, P.RECORD_VIOLATION)
    form = (EditViolationForm() if request.method == "POST"
            else EditViolationForm(data=_edit_data(violation)))
    _prepare_edit(form, violation)
    if not form.validate_on_submit():
        return _edit_page(form, violation, 400 if form.is_submitted() else 200)
    try:
        services.edit_violation(violation, actor=_actor(), expected_version=form.version.data,
                                changes=_edit_changes(form, violation),
                                reason=form.reason.data or "")
        db.session.commit()
    except (services.StaleViolation, StaleDataError):
        return _edit_conflict(form, violation)
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            return _edit_page(form, violation, 400)
        flash(error.message, "error")
        return _to_violation(violation)
    flash(_("Changes saved."), "success")
    return _to_violation(violation)


def _prepare_edit(form: EditViolationForm, violation: Violation) -> None:
    form.prepare(queries.active_categories(), current=violation.category)
    form.prepare_status(violation.status)
    if violation.case is not None and violation.visit is None:
        form.prepare_facilities(selectable_facilities(_actor(), violation.case))
    else:
        del form.facility  # a visit's violation is at the visited facility


def _edit_data(violation: Violation) -> dict[str, Any]:
    return {
        "category": violation.category_id, "legal_basis": violation.legal_basis,
        "description": violation.description, "found_on": violation.found_on,
        "people_affected": violation.people_affected, "status": violation.status.value,
        "facility": violation.facility_id, "version": violation.version,
    }


def _edit_changes(form: EditViolationForm, violation: Violation) -> dict[str, Any]:
    changes = {**form.facts(), "status": ViolationStatus(form.status.data)}
    if "facility" in form:
        changes["facility"] = form.chosen_facility()
    return changes


def _edit_page(form: EditViolationForm, violation: Violation, status: int,
               saved: Violation | None = None) -> tuple[str, int]:
    return _form_page(form, status, violation=violation, saved=saved,
                      back=url_for("violations.show", violation_id=violation.id))


def _edit_conflict(form: EditViolationForm, violation: Violation) -> tuple[str, int]:
    """409: keep the user's input, show the violation as saved now, accept the next save."""
    db.session.rollback()
    current = queries.load_violation(violation.id)
    if current is None:
        abort(404)
    form.version.data, form.version.raw_data = current.version, [str(current.version)]
    form.prepare_status(current.status)
    flash(_("Someone else changed this violation after you opened the form. Compare your "
            "input with the saved one; saving again replaces it."), "error")
    return _edit_page(form, current, 409, saved=current)


# -- the facility page and the visit report ---------------------------------------------------


@bp.get("/facilities/<int:facility_id>")
@requires(P.READ_CASE)
def facility(facility_id: int):
    """Facts every case or visit reader may see; visits, violations and recommendations only
    as far as the reader may read them."""
    found = db.session.scalar(
        sa.select(Facility).where(Facility.id == facility_id)
        .options(joinedload(Facility.authority))
    )
    if found is None:
        abort(404)
    return render_template("violations/facility.html", page=facility_page(found, _actor()))


@bp.get("/visits/<int:visit_id>/report.pdf")
@requires(P.READ_VISIT)
def visit_report(visit_id: int) -> Response:
    """Built now, in the reader's language or `?language=kk|ru|en`; the reading is audited."""
    visit = db.session.scalar(
        sa.select(Visit).where(Visit.id == visit_id).options(
            joinedload(Visit.facility).joinedload(Facility.authority),
            selectinload(Visit.members).joinedload(VisitMember.user),
            selectinload(Visit.participants).joinedload(VisitParticipant.participant),
            selectinload(Visit.obstructions), selectinload(Visit.interviewees),
        )
    )
    if visit is None:
        abort(404)
    authorize(can(current_user, P.READ_VISIT, visit))
    language = report_language(request.args.get("language"))
    pdf = visit_report_pdf(visit, language)
    record(AuditAction.VISIT_REPORT_DOWNLOADED, actor=_actor(), obj=visit,
           changes={"language": language.value})
    db.session.commit()
    name = re.sub(r"[^A-Za-z0-9.-]+", "-", visit.reference).strip(".-") or "visit"
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-{language.value}.pdf"')
    response.headers["Cache-Control"] = "no-store"
    return response
