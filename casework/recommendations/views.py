"""A recommendation's own pages: drafting it from its case or from a visit's findings, its page
with everything about it, editing a draft, and the actions on it (record steps, replies,
verifications, deadlines, reassignment, follow-up).

Views stay thin like the case pages: check the form, call one service, commit, flash, redirect.
A refused action changes nothing and says why, next to the field at fault when there is one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from casework.accounts.models import User
from casework.attachments import storage
from casework.attachments.services import add_attachments, chosen_files
from casework.cases.models import Case
from casework.extensions import db
from casework.forms import show_on_field
from casework.permissions import Permission, authorize, can, requires
from casework.recommendations import lifecycle, queries, services
from casework.recommendations.blueprint import bp
from casework.recommendations.forms import (
    ActionForm,
    DeadlineForm,
    DraftForm,
    EditDraftForm,
    FollowUpForm,
    ReassignForm,
    ReplyForm,
    StepForm,
    VerifyForm,
    VisitDraftForm,
    page_forms,
)
from casework.recommendations.lifecycle import RECORD_STEPS_BY_ACTION, Implementation, RecordStatus
from casework.recommendations.models import (
    DeadlineKind,
    Recommendation,
    Reply,
    Verification,
    VerificationMethod,
)
from casework.refusals import Refusal
from casework.violations.links import visit_or_facility_url
from casework.visits.models import Visit

P = Permission


@bp.app_context_processor
def recommendation_helpers() -> dict[str, Any]:
    """The case page (another blueprint's template) shows each recommendation's next deadline."""
    return {"recommendation_next_deadline": queries.next_deadline}


def _actor() -> User:
    return current_user._get_current_object()


def _load(recommendation_id: int, permission: Permission) -> Recommendation:
    recommendation = queries.load_recommendation(recommendation_id)
    if recommendation is None:
        abort(404)
    authorize(can(current_user, permission, recommendation))
    return recommendation


def _to_page(recommendation: Recommendation) -> Response:
    return redirect(url_for("recommendations.show", recommendation_id=recommendation.id))


def _render_page(
    recommendation: Recommendation, status: int = 200, **failed: Any
) -> tuple[str, int]:
    """The recommendation's page; `failed` replaces a blank form with one that failed. A draft
    names the earlier finding it would repeat once issued, for whoever approves it."""
    is_draft = recommendation.record_status is RecordStatus.DRAFT
    page = render_template(
        "recommendations/show.html",
        recommendation=recommendation,
        deadlines=queries.deadline_views(recommendation),
        would_repeat=services.find_repeat_of(recommendation) if is_draft else None,
        **page_forms(recommendation, _actor(), **failed),
    )
    return page, status


@bp.get("/recommendations/<int:recommendation_id>")
@requires(P.READ_RECOMMENDATION)
def show(recommendation_id: int):
    return _render_page(_load(recommendation_id, P.READ_RECOMMENDATION))


# -- drafting and editing ---------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/recommendations/new", methods=["GET", "POST"])
@requires(P.DRAFT_RECOMMENDATION)
def new(case_id: int):
    case = db.get_or_404(Case, case_id)
    authorize(can(current_user, P.DRAFT_RECOMMENDATION, case))
    form = DraftForm() if request.method == "POST" else DraftForm(data=DraftForm.defaults(case))
    form.prepare(_actor(), case)
    if not form.validate_on_submit():
        return _form_page(form, case, status=400 if form.is_submitted() else 200)
    try:
        recommendation = services.draft(case, actor=_actor(), **form.values())
    except Refusal as error:
        db.session.rollback()
        if not show_on_field(form, error):
            flash(error.message, "error")
            return redirect(url_for("cases.show", case_id=case.id))
        return _form_page(form, case, status=400)
    db.session.commit()
    flash(_("Draft saved. A supervisor other than its author approves and issues it."),
          "success")
    return _to_page(recommendation)


@bp.route("/visits/<int:visit_id>/recommendations/new", methods=["GET", "POST"])
@requires(P.DRAFT_RECOMMENDATION)
def new_for_visit(visit_id: int):
    """A draft from a visit's findings: `?violation=<id>` (repeated) ticks the findings chosen
    on the visit's page."""
    visit = db.get_or_404(Visit, visit_id)
    authorize(can(current_user, P.DRAFT_RECOMMENDATION, visit))
    back = visit_or_facility_url(visit)
    if not visit.has_taken_place:
        flash(_("Recommendations follow a visit that has taken place."), "error")
        return redirect(back)
    if request.method == "POST":
        form = VisitDraftForm()
    else:
        ticked = [int(value) for value in request.args.getlist("violation")
                  if value.isascii() and value.isdigit() and len(value) < 19]
        form = VisitDraftForm(data=VisitDraftForm.visit_defaults(visit, ticked))
    form.prepare_for_visit(_actor(), visit)
    if not form.validate_on_submit():
        return _form_page(form, None, status=400 if form.is_submitted() else 200, visit=visit)
    try:
        recommendation = services.draft(visit, actor=_actor(), **form.values(),
                                        violations=form.chosen_violations(visit))
    except Refusal as error:
        db.session.rollback()
        if not show_on_field(form, error):
            flash(error.message, "error")
            return redirect(back)
        return _form_page(form, None, status=400, visit=visit)
    db.session.commit()
    flash(_("Draft saved. A supervisor other than its author approves and issues it."),
          "success")
    return _to_page(recommendation)


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@requires(P.FOLLOW_UP_RECOMMENDATION)
def edit(recommendation_id: int):
    recommendation = _load(recommendation_id, P.FOLLOW_UP_RECOMMENDATION)
    if recommendation.record_status is not RecordStatus.DRAFT:
        flash(_("Only a draft can be edited; an issued recommendation stays as sent."), "error")
        return _to_page(recommendation)
    form = (EditDraftForm() if request.method == "POST"
            else EditDraftForm(data=_draft_data(recommendation)))
    form.prepare(_actor(), recommendation.case)
    if not form.validate_on_submit():
        return _form_page(form, recommendation.case, recommendation,
                          status=400 if form.is_submitted() else 200)
    try:
        services.edit_draft(recommendation, actor=_actor(),
                            expected_version=form.version.data, **form.values())
        db.session.commit()
    except StaleDataError:  # saved by someone else between the check and the write
        return _stale_draft(recommendation, form)
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            return _form_page(form, recommendation.case, recommendation, status=400)
        if form.version.data != recommendation.version:
            return _stale_draft(recommendation, form)
        flash(error.message, "error")
        return _to_page(recommendation)
    flash(_("Draft saved."), "success")
    return _to_page(recommendation)


def _draft_data(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "text": recommendation.text, "authority": recommendation.authority_id,
        "scope": recommendation.scope.value, "priority": recommendation.priority.value,
        "facility": recommendation.facility_id, "category": recommendation.category_id,
        "version": recommendation.version,
    }


def _stale_draft(recommendation: Recommendation, form: EditDraftForm) -> tuple[str, int]:
    """409: keep the user's text, show the saved one, and accept the next save over it."""
    db.session.rollback()
    current = queries.load_recommendation(recommendation.id)
    if current is None:
        abort(404)
    form.version.data = current.version
    form.version.raw_data = [str(current.version)]
    flash(_("Someone else changed this draft after you opened it. Compare your text with the "
            "saved one; saving again replaces it."), "error")
    return _form_page(form, current.case, current, status=409, saved=current)


def _form_page(
    form: DraftForm,
    case: Case | None,
    recommendation: Recommendation | None = None,
    *,
    status: int,
    saved: Recommendation | None = None,
    visit: Visit | None = None,
) -> tuple[str, int]:
    page = render_template("recommendations/form.html", form=form, case=case,
                           recommendation=recommendation, saved=saved,
                           visit=visit or (recommendation.visit if recommendation else None))
    return page, status


# -- the actions on the page ------------------------------------------------------------------


def _perform(
    recommendation: Recommendation,
    action: Callable[[], object],
    message: str,
    *,
    form: StepForm | ActionForm,
    form_name: str,
) -> Response | tuple[str, int]:
    """One POST from the recommendation's page: check its form, call the service, commit, say
    so. `action` may return a fuller message (a str) than `message`, such as the number given
    at issue. A refusal of a field shows by the field and in the form's error summary only: a
    flash saying the same again would be noise."""
    if not form.validate_on_submit():
        return _render_page(recommendation, 400, **{form_name: form})
    try:
        done = action()
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            reloaded = queries.load_recommendation(recommendation.id)
            return _render_page(reloaded or recommendation, 400, **{form_name: form})
        flash(error.message, "error")
        return _to_page(recommendation)
    except StaleDataError:  # two actions on the same recommendation crossed
        db.session.rollback()
        flash(_("Someone else changed this recommendation at the same moment. Check it and "
                "try again."), "error")
        return _to_page(recommendation)
    flash(done if isinstance(done, str) else message, "success")
    return _to_page(recommendation)


@bp.post("/recommendations/<int:recommendation_id>/step")
@requires(P.FOLLOW_UP_RECOMMENDATION)
def step(recommendation_id: int):
    """Issue, discard, withdraw or close; the service checks the step's own permission."""
    recommendation = _load(recommendation_id, P.FOLLOW_UP_RECOMMENDATION)
    form = StepForm()
    chosen = RECORD_STEPS_BY_ACTION.get(form.action.data or "")
    if chosen is None:
        flash(_("There is no such action."), "error")
        return _to_page(recommendation)
    form.prepare(chosen)

    def take_step() -> str:
        services.apply_step(recommendation, chosen.action, actor=_actor(),
                            expected_version=form.version.data,
                            reason=form.reason.data or "",
                            implementation_months=form.implementation_months.data)
        if chosen.action == "issue":
            return _("Issued as %(number)s.", number=recommendation.number)
        return _("Done: %(action)s.", action=chosen.label)

    return _perform(recommendation, take_step, "", form=form, form_name="step_form")


@bp.post("/recommendations/<int:recommendation_id>/reply")
@requires(P.FOLLOW_UP_RECOMMENDATION)
def reply(recommendation_id: int):
    recommendation = _load(recommendation_id, P.FOLLOW_UP_RECOMMENDATION)
    form = ReplyForm().prepare(recommendation)

    def record() -> None:
        claimed = form.claimed_implementation.data
        recorded = services.record_reply(
            recommendation, actor=_actor(), received_on=form.received_on.data,
            register_number=form.register_number.data, summary=form.summary.data,
            response=lifecycle.Response(form.response.data),
            claimed_implementation=Implementation(claimed) if claimed else None,
        )
        _attach(recommendation, form.files.data, reply=recorded)

    return _perform(recommendation, record, _("Reply recorded."), form=form,
                    form_name="reply_form")


@bp.post("/recommendations/<int:recommendation_id>/verify")
@requires(P.FOLLOW_UP_RECOMMENDATION)
def verify(recommendation_id: int):
    recommendation = _load(recommendation_id, P.FOLLOW_UP_RECOMMENDATION)
    form = VerifyForm().prepare(recommendation)

    def record() -> None:
        verification = services.record_verification(
            recommendation, actor=_actor(), result=Implementation(form.result.data),
            method=VerificationMethod(form.method.data), verified_on=form.verified_on.data,
            evidence=form.evidence.data,
        )
        _attach(recommendation, form.files.data, verification=verification)

    return _perform(recommendation, record, _("Verification recorded."), form=form,
                    form_name="verify_form")


def _attach(
    recommendation: Recommendation,
    files: list[Any] | None,
    *,
    reply: Reply | None = None,
    verification: Verification | None = None,
) -> None:
    """Keep the chosen files in the case's attachments, linked to the reply or verification.

    Whoever may record the reply or verification files its letter or evidence with it, even
    when they no longer read the case (a follow-up owner after the case closed)."""
    chosen = chosen_files(files or [])
    if not chosen:
        return
    case = recommendation.case
    if case is None or not can(current_user, P.FOLLOW_UP_RECOMMENDATION, recommendation):
        raise Refusal(_("You cannot add files to this recommendation's case."),
                                 field="files")
    try:
        add_attachments(case, chosen, actor=_actor(), reply=reply, verification=verification)
    except storage.FileRejected as rejected:
        raise Refusal(str(rejected), field="files") from rejected


@bp.post("/recommendations/<int:recommendation_id>/deadline")
@requires(P.ISSUE_RECOMMENDATION)
def deadline(recommendation_id: int):
    recommendation = _load(recommendation_id, P.ISSUE_RECOMMENDATION)
    form = DeadlineForm().prepare(recommendation)
    return _perform(
        recommendation,
        lambda: services.change_deadline(recommendation, DeadlineKind(form.kind.data),
                                         form.new_due.data, form.reason.data,
                                         actor=_actor()),
        _("Deadline changed."), form=form, form_name="deadline_form",
    )


@bp.post("/recommendations/<int:recommendation_id>/reassign")
@requires(P.ISSUE_RECOMMENDATION)
def reassign(recommendation_id: int):
    recommendation = _load(recommendation_id, P.ISSUE_RECOMMENDATION)
    form = ReassignForm().prepare(recommendation)

    def hand_over() -> str:
        owner = db.session.get(User, form.owner.data)
        if owner is None:  # the id was among the choices a moment ago
            abort(400)
        services.reassign(recommendation, owner, actor=_actor())
        return _("%(name)s now follows it up.", name=owner.full_name)

    return _perform(recommendation, hand_over, "", form=form, form_name="reassign_form")


@bp.post("/recommendations/<int:recommendation_id>/follow-up")
@requires(P.FOLLOW_UP_RECOMMENDATION)
def follow_up(recommendation_id: int):
    recommendation = _load(recommendation_id, P.FOLLOW_UP_RECOMMENDATION)
    form = FollowUpForm().prepare(recommendation)
    return _perform(
        recommendation,
        lambda: services.schedule_follow_up(recommendation, form.on.data, form.note.data,
                                            actor=_actor()),
        _("Follow-up scheduled."), form=form, form_name="follow_up_form",
    )
