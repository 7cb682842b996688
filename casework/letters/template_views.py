"""Admins' pages for the wording of each letter kind in each language: the overview, the editor
with its preview (as text and as the sample letter's PDF), and restoring the shipped wording.

Views stay thin: check the form, call one service, commit, flash, redirect. A wording that does
not render is refused next to its field with the admin's text kept, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response

from casework.accounts.models import User
from casework.extensions import db
from casework.forms import show_on_field
from casework.letters.blueprint import bp
from casework.letters.documents import letter_pdf
from casework.letters.models import LetterKind
from casework.letters.template_forms import WordingForm
from casework.letters.templates_admin import (
    LANGUAGES,
    StaleWording,
    check_wording,
    customised_template,
    customised_templates,
    fingerprint,
    restore_shipped_wording,
    sample_letter,
    save_wording,
    variables,
)
from casework.letters.wording import Wording, WordingError, wording_for
from casework.permissions import Permission, requires
from casework.reference.models import Language
from casework.refusals import Refusal

P = Permission


def _actor() -> User:
    return current_user._get_current_object()


def _wording_of(kind: str, language: str) -> tuple[LetterKind, Language]:
    """The kind and language a URL names; 404 for any other."""
    try:
        return LetterKind(kind), Language(language)
    except ValueError:
        abort(404)


def _to_editor(kind: LetterKind, language: Language) -> Response:
    return redirect(url_for(".template_edit", kind=kind.value, language=language.value))


def _editor(
    form: WordingForm, kind: LetterKind, language: Language, *, status: int = 200,
    preview: tuple[str, str] | None = None, saved: Wording | None = None,
) -> tuple[str, int]:
    page = render_template(
        "letters/template_edit.html", form=form, kind=kind, language=language,
        customised=customised_template(kind, language), variables=variables(language),
        preview=preview, saved=saved,
    )
    return page, status


def _show_refusal(form: WordingForm, error: Refusal) -> None:
    """A refusal next to the field it names, or at the top of the form."""
    if not show_on_field(form, error):
        flash(error.message, "error")


@bp.get("/admin/letter-templates")
@requires(P.MANAGE_REFERENCE)
def templates():
    """Every kind in every language: the shipped wording, or who customised it and when."""
    return render_template("letters/templates_index.html", kinds=list(LetterKind),
                           languages=LANGUAGES, customised=customised_templates())


@bp.route("/admin/letter-templates/<kind>/<language>", methods=["GET", "POST"])
@requires(P.MANAGE_REFERENCE)
def template_edit(kind: str, language: str):
    """The editor. "Preview" (also what Enter does) renders the sample letter; "Save" checks
    the wording the same way and keeps it."""
    letter_kind, letter_language = _wording_of(kind, language)
    if request.method == "GET":
        form = WordingForm.opened_on(wording_for(letter_kind, letter_language))
        return _editor(form, letter_kind, letter_language)
    form = WordingForm()
    if not form.validate_on_submit():
        return _editor(form, letter_kind, letter_language, status=400)
    if form.save.data:
        return _save(form, letter_kind, letter_language)
    try:
        preview = check_wording(letter_kind, letter_language, form.wording())
    except WordingError as error:
        _show_refusal(form, error)
        return _editor(form, letter_kind, letter_language, status=400)
    return _editor(form, letter_kind, letter_language, preview=preview)


def _save(form: WordingForm, kind: LetterKind, language: Language) -> Any:
    try:
        saved = save_wording(kind, language, form.wording(), actor=_actor(),
                             based_on=form.based_on.data or "")
    except StaleWording as error:
        db.session.rollback()
        return _stale(form, kind, language, error)
    except Refusal as error:
        db.session.rollback()
        _show_refusal(form, error)
        return _editor(form, kind, language, status=400)
    db.session.commit()
    if saved is None:
        flash(_("Nothing changed: this is the wording in use already."), "info")
    else:
        flash(_("Saved. New letters of this kind in this language use this wording."),
              "success")
    return _to_editor(kind, language)


def _stale(form: WordingForm, kind: LetterKind, language: Language,
           error: Refusal) -> tuple[str, int]:
    """409: keep the admin's text, show the wording saved meanwhile, accept the next save."""
    current = wording_for(kind, language)
    form.based_on.data = fingerprint(current)
    flash(error.message, "error")
    return _editor(form, kind, language, status=409, saved=current)


@bp.post("/admin/letter-templates/<kind>/<language>/preview.pdf")
@requires(P.MANAGE_REFERENCE)
def template_preview_pdf(kind: str, language: str):
    """The sample letter as the PDF a signed letter would be, from the editor's fields."""
    letter_kind, letter_language = _wording_of(kind, language)
    form = WordingForm()
    if not form.validate_on_submit():
        return _editor(form, letter_kind, letter_language, status=400)
    try:
        subject, body = check_wording(letter_kind, letter_language, form.wording())
    except WordingError as error:
        _show_refusal(form, error)
        return _editor(form, letter_kind, letter_language, status=400)
    response = make_response(letter_pdf(sample_letter(letter_language, subject, body)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{letter_kind.value}-{letter_language.value}-sample.pdf"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/admin/letter-templates/<kind>/<language>/reset")
@requires(P.MANAGE_REFERENCE)
def template_reset(kind: str, language: str):
    letter_kind, letter_language = _wording_of(kind, language)
    try:
        restore_shipped_wording(letter_kind, letter_language, actor=_actor())
    except Refusal as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The shipped wording is restored: new letters use it."), "success")
    return _to_editor(letter_kind, letter_language)
