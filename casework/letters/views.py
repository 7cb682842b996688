"""A letter's own pages: drafting it from its case or from an overdue recommendation, its page
with the draft's editor, the previews, signing, dispatch, corrections, and the stored PDF.

Views stay thin like the recommendation pages: check the form, call one service, commit, flash,
redirect. A refused action changes nothing and says why, next to the field at fault when there
is one, with the user's input kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    send_file,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug import Response

from casework.accounts.models import User
from casework.attachments import storage
from casework.cases.models import Case
from casework.errors import render_error
from casework.extensions import db
from casework.forms import show_on_field
from casework.letters import queries, services
from casework.letters.blueprint import bp
from casework.letters.display import addressee_label, response_deadline
from casework.letters.documents import content_of, letter_html, letter_pdf
from casework.letters.forms import (
    RECOMMENDATION_KINDS,
    EditLetterForm,
    NewLetterForm,
    SentForm,
    SignForm,
    page_forms,
)
from casework.letters.models import Letter, LetterKind
from casework.letters.pdf import ASSETS
from casework.letters.wording import WordingError
from casework.permissions import Permission, authorize, can, requires
from casework.recommendations.models import Recommendation
from casework.refusals import Refusal
from casework.security import CONTENT_SECURITY_POLICY

P = Permission
# The HTML preview's <base> points the page at the letter assets; everything else as strict.
PREVIEW_POLICY = CONTENT_SECURITY_POLICY.replace("base-uri 'none'", "base-uri 'self'")


@bp.app_context_processor
def letter_helpers() -> dict[str, Any]:
    """The case page (another blueprint's template) lists the letters its reader may open."""
    return {
        "case_letters": lambda case: queries.case_letters(case, _actor()),
        "letter_addressee": addressee_label,
        "letter_response_deadline": response_deadline,
    }


def _actor() -> User:
    return current_user._get_current_object()


def _load(letter_id: int, permission: Permission) -> Letter:
    letter = queries.load_letter(letter_id)
    if letter is None:
        abort(404)
    authorize(can(current_user, permission, letter))
    return letter


def _load_to_read(letter_id: int) -> Letter:
    """A letter opened to be read: a name it shows without consent is an audited reveal."""
    letter = _load(letter_id, P.READ_LETTER)
    services.note_reading(letter, actor=_actor())
    db.session.commit()
    return letter


def _to_page(letter: Letter) -> Response:
    return redirect(url_for("letters.show", letter_id=letter.id))


def _render_page(letter: Letter, status: int = 200, *, saved: Letter | None = None,
                 unsaved: str = "", **failed: Any) -> tuple[str, int]:
    """The letter's page; `failed` replaces a blank form with one that failed, and `saved`
    is the letter as someone else saved it while the user was editing."""
    page = render_template(
        "letters/show.html", letter=letter, addressee=addressee_label(letter),
        corrections=queries.corrections_in_draft(letter) if letter.is_frozen else [],
        saved=saved, unsaved=unsaved, **page_forms(letter, _actor(), **failed),
    )
    return page, status


@bp.get("/letters/<int:letter_id>")
@requires(P.READ_LETTER)
def show(letter_id: int):
    return _render_page(_load_to_read(letter_id))


# -- drafting ---------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/letters/new", methods=["GET", "POST"])
@requires(P.DRAFT_LETTER)
def new(case_id: int):
    case = db.get_or_404(Case, case_id)
    authorize(can(current_user, P.DRAFT_LETTER, case))
    form = NewLetterForm().prepare(_actor(), case)
    if not form.validate_on_submit():
        return _new_page(form, case, status=400 if form.is_submitted() else 200)
    values = form.values()
    kind = values.pop("kind")
    try:
        letter = services.start_letter(kind, actor=_actor(), case=case, **values)
    except WordingError as error:  # an admin's template that does not render
        db.session.rollback()
        form.form_errors.append(_(
            "The wording of “%(kind)s” in %(language)s is broken (%(problem)s). An "
            "administrator must fix it in the letter templates.",
            kind=kind.label, language=values["language"].label, problem=error.message))
        return _new_page(form, case, status=400)
    except Refusal as error:
        db.session.rollback()
        if not show_on_field(form, error):
            flash(error.message, "error")
            return redirect(url_for("cases.show", case_id=case.id))
        return _new_page(form, case, status=400)
    db.session.commit()
    flash(_("Draft saved. Check its text, then a supervisor signs it."), "success")
    return _to_page(letter)


def _new_page(form: NewLetterForm, case: Case, *, status: int) -> tuple[str, int]:
    return render_template("letters/new.html", form=form, case=case), status


@bp.post("/recommendations/<int:recommendation_id>/letters/<kind>")
@requires(P.DRAFT_LETTER)
def from_recommendation(recommendation_id: int, kind: str):
    """A reminder to an overdue recommendation's addressee, or an escalation to its parent,
    in the language the addressee reads."""
    recommendation = db.get_or_404(Recommendation, recommendation_id)
    authorize(can(current_user, P.DRAFT_LETTER, recommendation))
    if kind not in RECOMMENDATION_KINDS:
        abort(404)
    letter_kind = LetterKind(kind)
    addressee = recommendation.authority
    if letter_kind is LetterKind.ESCALATION and addressee.parent is not None:
        addressee = addressee.parent
    back = redirect(url_for("recommendations.show", recommendation_id=recommendation.id))
    try:
        letter = services.start_letter(
            letter_kind, actor=_actor(), recommendation=recommendation,
            language=queries.addressee_language(addressee))
    except Refusal as error:  # a broken wording too: its message says where
        db.session.rollback()
        flash(error.message, "error")
        return back
    db.session.commit()
    flash(_("Draft saved. Check its text, then a supervisor signs it."), "success")
    return _to_page(letter)


# -- editing the draft ------------------------------------------------------------------------


@bp.post("/letters/<int:letter_id>/edit")
@requires(P.DRAFT_LETTER)
def edit(letter_id: int):
    letter = _load(letter_id, P.DRAFT_LETTER)
    form = EditLetterForm()
    if not form.validate_on_submit():
        return _render_page(letter, 400, edit_form=form)
    try:
        services.edit_letter(letter, actor=_actor(), expected_version=form.version.data,
                             **form.values())
        db.session.commit()
    except StaleDataError:  # saved by someone else between the check and the write
        return _stale_draft(letter, form)
    except Refusal as error:
        db.session.rollback()
        if show_on_field(form, error):
            return _render_page(letter, 400, edit_form=form)
        if letter.is_draft and form.version.data != letter.version:
            return _stale_draft(letter, form)
        if not letter.is_draft:  # signed or discarded meanwhile: keep what they typed
            flash(error.message, "error")
            return _render_page(letter, 409, unsaved=form.body.data or "")
        flash(error.message, "error")
        return _to_page(letter)
    flash(_("Draft saved."), "success")
    return _to_page(letter)


def _stale_draft(letter: Letter, form: EditLetterForm) -> tuple[str, int]:
    """409: keep the user's text, show the saved one, and accept the next save over it."""
    db.session.rollback()
    current = queries.load_letter(letter.id)
    if current is None:
        abort(404)
    form.version.data = current.version
    form.version.raw_data = [str(current.version)]
    flash(_("Someone else changed this letter after you opened it. Compare your text with "
            "the saved one; saving again replaces it."), "error")
    return _render_page(current, 409, saved=current, edit_form=form)


# -- the actions on the page ------------------------------------------------------------------


def _perform(
    letter: Letter,
    action: Callable[[], object],
    message: str,
    *,
    form: Any = None,
    form_name: str = "",
    then: Callable[[], Response] | None = None,
) -> Response | tuple[str, int]:
    """One POST from the letter's page: check its form (a button alone has none: CSRFProtect
    checked its token), call the service, commit, say so. `action` may return a fuller
    message (a str) than `message`; `then` is where to go after, the letter by default."""
    if form is not None and not form.validate_on_submit():
        return _render_page(letter, 400, **{form_name: form})
    try:
        done = action()
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        if form is not None and show_on_field(form, error):
            reloaded = queries.load_letter(letter.id) or letter
            return _render_page(reloaded, 400, **{form_name: form})
        flash(error.message, "error")
        return _to_page(letter)
    except StaleDataError:  # two actions on the same letter crossed
        db.session.rollback()
        flash(_("Someone else changed this letter at the same moment. Check it and try "
                "again."), "error")
        return _to_page(letter)
    flash(done if isinstance(done, str) else message, "success")
    return then() if then is not None else _to_page(letter)


@bp.post("/letters/<int:letter_id>/sign")
@requires(P.SIGN_LETTER)
def sign(letter_id: int):
    letter = _load(letter_id, P.SIGN_LETTER)
    form = SignForm()

    def sign_it() -> str:
        services.sign(letter, actor=_actor(), expected_version=form.version.data,
                      confirm_names=form.confirm_names.data)
        return _("Signed as %(number)s.", number=letter.number)

    return _perform(letter, sign_it, "", form=form, form_name="sign_form")


@bp.post("/letters/<int:letter_id>/discard")
@requires(P.DRAFT_LETTER)
def discard(letter_id: int):
    letter = _load(letter_id, P.DRAFT_LETTER)
    return _perform(letter, lambda: services.discard(letter, actor=_actor()),
                    _("Draft discarded."), then=lambda: _after_discard(letter))


def _after_discard(letter: Letter) -> Response:
    """Back to what the letter was about: nothing more to do on a discarded draft."""
    if letter.case is not None and can(current_user, P.READ_CASE, letter.case):
        return redirect(url_for("cases.show", case_id=letter.case.id))
    return _to_page(letter)


@bp.post("/letters/<int:letter_id>/sent")
@requires(P.DRAFT_LETTER)
def mark_sent(letter_id: int):
    letter = _load(letter_id, P.DRAFT_LETTER)
    form = SentForm()
    return _perform(letter, lambda: services.mark_sent(letter, actor=_actor(),
                                                       sent_on=form.sent_on.data),
                    _("Marked as sent."), form=form, form_name="sent_form")


@bp.post("/letters/<int:letter_id>/correct")
@requires(P.DRAFT_LETTER)
def correct(letter_id: int):
    letter = _load(letter_id, P.DRAFT_LETTER)
    drafted: list[Letter] = []  # the new draft, to go to once committed

    def draft_correction() -> None:
        drafted.append(services.start_correction(letter, actor=_actor()))

    return _perform(letter, draft_correction,
                    _("A correction was drafted. Once signed, it replaces %(number)s.",
                      number=letter.label),
                    then=lambda: _to_page(drafted[0]))


# -- previews, the stored PDF and the letter assets --------------------------------------------


@bp.get("/letters/<int:letter_id>/preview")
@requires(P.READ_LETTER)
def preview_html(letter_id: int) -> Response:
    """The letter as its PDF lays it out, in the browser, with the bundled assets."""
    letter = _load_to_read(letter_id)
    assets = url_for("letters.asset", filename="letter.css").removesuffix("letter.css")
    response = make_response(letter_html(content_of(letter), asset_base_url=assets))
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@bp.get("/letters/<int:letter_id>/preview.pdf")
@requires(P.READ_LETTER)
def preview_pdf(letter_id: int) -> Response:
    """A draft rendered now; a signed letter is its stored PDF, never a new rendering."""
    letter = _load(letter_id, P.READ_LETTER)
    if letter.is_frozen:
        return redirect(url_for("letters.download", letter_id=letter.id))
    services.note_reading(letter, actor=_actor())
    db.session.commit()
    response = make_response(letter_pdf(content_of(letter)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = "inline; filename=draft.pdf"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/letters/<int:letter_id>/pdf")
@requires(P.READ_LETTER)
def download(letter_id: int) -> Response | tuple[str, int]:
    letter = _load(letter_id, P.READ_LETTER)
    try:
        path = services.stored_pdf_path(letter, actor=_actor())
    except Refusal as error:  # a draft: it has no stored PDF yet
        flash(error.message, "error")
        return _to_page(letter)
    except storage.IntegrityFailure:
        db.session.rollback()
        current_app.logger.error(
            "integrity failure: letter %s's PDF does not match its SHA-256 or is missing",
            letter.id)
        return render_error(500, _(
            "The stored PDF of this letter no longer matches its fingerprint (SHA-256), so it "
            "is not handed out. Tell an administrator."))
    db.session.commit()  # the download's audit entry
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{download_name(letter.number or '')}.pdf", max_age=0)


def download_name(number: str) -> str:
    """A register number as a file name: "04-12/17" must not become a folder."""
    return re.sub(r"[^\w.-]+", "-", number).strip(".-") or "letter"


@bp.get("/letters/assets/<path:filename>")
@requires(P.READ_LETTER)
def asset(filename: str) -> Response:
    """The stylesheet, fonts and emblem of the HTML preview, from the bundled assets only
    (send_from_directory refuses any path leading out of them)."""
    authorize(can(current_user, P.READ_LETTER))
    return send_from_directory(ASSETS, filename, max_age=0)

