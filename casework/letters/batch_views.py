"""Reminders to one authority for all its overdue recommendations (letters.batch): the page
that lists them, the JSON endpoint its script calls once per reminder, the same run in one
request without JavaScript, and the signed reminders bound into one PDF.

Every reminder is committed on its own, so a refusal (or a crash) at one keeps those before it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug import Response
from wtforms import IntegerField, SelectField
from wtforms.fields import Field
from wtforms.validators import InputRequired, NumberRange, ValidationError

from casework.accounts.models import User
from casework.database import office_today
from casework.errors import render_error
from casework.extensions import db
from casework.forms import MultiCheckboxField
from casework.letters import batch
from casework.letters.blueprint import bp
from casework.letters.models import Letter, LetterKind
from casework.letters.wording import WordingError
from casework.permissions import Permission, authorize, can, requires
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, Language
from casework.refusals import Refusal
from casework.routing import MAX_DATABASE_ID

P = Permission
FAILURES_FLASHED = 5  # more would not fit in the session cookie; the count says the rest
# Reminders one request makes without JavaScript: at 60-300 ms each (bench/README.md) they stay
# inside a worker's timeout (gunicorn's default is 30 s); the page then offers the rest.
PER_REQUEST_WITHOUT_SCRIPT = 50


def _actor() -> User:
    return current_user._get_current_object()


class BatchForm(FlaskForm):
    """The page's form: the letters' language and which recommendations to remind."""

    language = SelectField(_l("Language of the letters"))
    # Not DataRequired: its `required` flag would make the browser demand every checkbox.
    recommendation_id = MultiCheckboxField(_l("Recommendations to remind"), coerce=int)

    def validate_recommendation_id(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one recommendation."))

    def prepare(self, authority: Authority, candidates: list[batch.Candidate]) -> BatchForm:
        """Offer the listed recommendations only: an id from elsewhere is refused."""
        self.language.choices = Language.choices()
        self.recommendation_id.choices = [
            (c.recommendation.id, c.recommendation.label) for c in candidates
        ]
        if not self.is_submitted():
            self.language.data = authority.letter_language.value
            self.recommendation_id.data = [
                c.recommendation.id for c in candidates if c.chosen_by_default
            ]
        return self


class RemindForm(FlaskForm):
    """One reminder, posted by the page's script."""

    # An id beyond the database's integers would fail in the driver, not simply find nothing.
    recommendation_id = IntegerField(validators=[InputRequired(),
                                                 NumberRange(min=1, max=MAX_DATABASE_ID)])
    language = SelectField(choices=[language.value for language in Language])


@dataclass(frozen=True)
class Reminded:
    """What became of one recommendation, as plain values: the session was committed or
    rolled back since, which expires the objects."""

    recommendation: str  # its label
    letter_id: int | None = None
    number: str | None = None  # None with a letter: kept as a draft to sign on its own page
    error: str = ""
    stop: bool = False  # the next reminders would fail the same way (a broken wording)

    @property
    def kept_as_draft(self) -> bool:
        return self.letter_id is not None and self.number is None

    def as_json(self) -> dict[str, Any]:
        if self.letter_id is None:
            return {"recommendation": self.recommendation, "error": self.error,
                    "stop": self.stop}
        answer = {"recommendation": self.recommendation, "letter_id": self.letter_id,
                  "number": self.number,
                  "url": url_for("letters.show", letter_id=self.letter_id)}
        if self.kept_as_draft:
            answer["draft"] = True
            answer["message"] = _kept_as_draft_message()
        return answer


def _kept_as_draft_message() -> str:
    return _("Kept as a draft: its text names someone whose consent does not cover this "
             "addressee. Read it and sign it on its own page.")


def _remind_one(recommendation: Recommendation, language: Language) -> Reminded:
    label = recommendation.label
    try:
        letter = batch.remind(recommendation, actor=_actor(), language=language)
        done = Reminded(label, letter.id, letter.number)
        db.session.commit()
    except Refusal as refused:
        db.session.rollback()
        return Reminded(label, error=refused.message, stop=isinstance(refused, WordingError))
    return done


# -- loading what the request names ---------------------------------------------------------


def _authority() -> Authority:
    authority_id = request.args.get("authority_id", type=int)
    if authority_id is None or not 0 < authority_id <= MAX_DATABASE_ID:
        abort(400)
    return db.get_or_404(Authority, authority_id)


def _letter_ids(value: str) -> list[int] | None:
    """Comma-separated ids, each once, in their order; None when malformed."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and len(part) <= 18 for part in parts):
        return None
    return list(dict.fromkeys(int(part) for part in parts))


def _done_letters() -> list[Letter]:
    """The reminders a run just made (`done=` after the run without JavaScript), those the
    reader may read; anything else in the argument is ignored."""
    ids = _letter_ids(request.args.get("done", ""))
    if not ids:
        return []
    letters = batch.letters_in_order(ids[: batch.MAX_BATCH]) or []
    return [letter for letter in letters
            if letter.kind is LetterKind.REMINDER and can(current_user, P.READ_LETTER, letter)]


# -- the page -------------------------------------------------------------------------------


def _page(authority: Authority, candidates: list[batch.Candidate], form: BatchForm,
          *, done: list[Letter] | None = None) -> str:
    signed_ids = [letter.id for letter in done or [] if letter.is_frozen]
    return render_template(
        "letters/batch.html", authority=authority, candidates=candidates, form=form,
        done=done or [], combined_ids=",".join(map(str, signed_ids)),
        today=office_today(), reminded_within_days=batch.REMINDED_WITHIN_DAYS,
        max_batch=batch.MAX_BATCH, script_texts=_script_texts(len(candidates)),
        button_label=_button_label(len(form.recommendation_id.data or [])),
    )


def _button_label(count: int) -> str:
    return ngettext("Create and sign %(num)d reminder", "Create and sign %(num)d reminders",
                    count)


def _script_texts(candidates: int) -> dict[str, Any]:
    """What letter-batch.js says, in the reader's language; {done} and {total} are filled in
    by the script."""
    return {
        "buttons": [_button_label(n) for n in range(candidates + 1)],
        "progress": _("%(done)s of %(total)s signed.", done="{done}", total="{total}"),
        "finished": _("Finished."),
        "leftovers": _("Kept as drafts: %(drafts)s. Refused: %(failed)s.",
                       drafts="{drafts}", failed="{failed}"),
        "stopped": _("Stopped: the reminders that follow would be refused the same way."),
        "draft": _("Open the draft"),
        "failed": _("Refused"),
        "unreachable": _("Something went wrong (%(status)s). Reload the page to see what was "
                         "signed.", status="{status}"),
        "download": _("Download the signed reminders as one PDF (%(num)s)", num="{num}"),
    }


@bp.get("/letters/batch", endpoint="batch")
@requires(P.SIGN_LETTER)
def batch_page() -> str:
    authority = _authority()
    found = batch.candidates(authority, _actor())
    return _page(authority, found, BatchForm().prepare(authority, found), done=_done_letters())


@bp.post("/letters/batch")
@requires(P.SIGN_LETTER)
def batch_run() -> Response | tuple[str, int]:
    """The whole run in one request, for a browser without JavaScript."""
    authority = _authority()
    found = batch.candidates(authority, _actor())
    form = BatchForm().prepare(authority, found)
    if not form.validate_on_submit():
        return _page(authority, found, form), 400
    chosen = set(form.recommendation_id.data or [])
    queue = [c.recommendation for c in found if c.recommendation.id in chosen]
    language = Language(form.language.data)
    results: list[Reminded] = []
    for recommendation in queue[:PER_REQUEST_WITHOUT_SCRIPT]:
        results.append(_remind_one(recommendation, language))
        if results[-1].stop:
            break
    _flash_outcome(results)
    if len(queue) > PER_REQUEST_WITHOUT_SCRIPT and not results[-1].stop:
        flash(_("%(num)d more still to remind: they are ticked again below, press the button "
                "once more.", num=len(queue) - PER_REQUEST_WITHOUT_SCRIPT), "info")
    done = ",".join(str(r.letter_id) for r in results if r.letter_id is not None)
    return redirect(url_for("letters.batch", authority_id=authority.id, done=done or None))


def _flash_outcome(results: list[Reminded]) -> None:
    signed = sum(1 for r in results if r.number is not None)
    drafts = sum(1 for r in results if r.kept_as_draft)
    failed = [r for r in results if r.letter_id is None]
    if signed:
        flash(ngettext("%(num)d reminder signed.", "%(num)d reminders signed.", signed),
              "success")
    if drafts:
        flash(ngettext(
            "%(num)d reminder kept as a draft: it names someone whose consent does not cover "
            "the addressee. Read it and sign it on its own page.",
            "%(num)d reminders kept as drafts: they name someone whose consent does not cover "
            "the addressee. Read them and sign them on their own pages.", drafts), "warning")
    for result in failed[:FAILURES_FLASHED]:
        flash(f"{result.recommendation}: {result.error}", "error")
    if len(failed) > FAILURES_FLASHED:
        flash(_("%(num)d more refused.", num=len(failed) - FAILURES_FLASHED), "error")
    if failed and failed[-1].stop:
        flash(_("Stopped: the reminders that follow would be refused the same way."), "error")


@bp.post("/letters/batch/remind")
@requires(P.SIGN_LETTER)
def batch_remind() -> tuple[Response, int]:
    """One reminder for letter-batch.js: its letter as JSON, or why it was refused."""
    form = RemindForm()
    if not form.validate_on_submit():
        return jsonify(error=_("The request was incomplete. Reload the page.")), 400
    recommendation = db.get_or_404(Recommendation, form.recommendation_id.data)
    authorize(batch.may_remind(current_user, recommendation))
    result = _remind_one(recommendation, Language(form.language.data))
    return jsonify(result.as_json()), 422 if result.letter_id is None else 200


# -- the combined PDF -----------------------------------------------------------------------


@bp.get("/letters/batch/combined.pdf")
@requires(P.SIGN_LETTER)
def batch_pdf() -> Response | tuple[str, int]:
    ids = _letter_ids(request.args.get("ids", ""))
    if not ids:
        abort(400)
    if len(ids) > batch.MAX_BATCH:
        return render_error(400, _("At most %(num)d letters go into one PDF.",
                                   num=batch.MAX_BATCH))
    letters = batch.letters_in_order(ids)
    if letters is None:
        abort(404)
    authorize(all(letter.is_frozen and can(current_user, P.READ_LETTER, letter)
                  for letter in letters))
    try:
        content = batch.combined_pdf(letters, actor=_actor())
    except batch.DamagedPdf as damaged:
        db.session.rollback()
        current_app.logger.error("integrity failure in a combined PDF: %s", damaged.message)
        return render_error(500, damaged.message)
    db.session.commit()  # the download's audit entries
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"reminders-{office_today().isoformat()}.pdf")
