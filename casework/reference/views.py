"""Admin screens for reference data: the index page, the working-day calendar and the list
of categories. Facilities, authorities, the CSV imports and the NPM participants have view
modules of their own, imported at the end so that their routes register on the blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user

from casework.database import office_today
from casework.extensions import db
from casework.permissions import Permission, requires
from casework.reference.blueprint import bp
from casework.reference.forms import CalendarDayForm
from casework.reference.models import CalendarDay, CalendarDayKind
from casework.reference.queries import categories as all_categories
from casework.reference.queries import reference_counts
from casework.reference.services import (
    CalendarDayError,
    calendar_days_of,
    delete_calendar_day,
    public_holidays,
    save_calendar_day,
)

__all__ = ["bp"]

FIRST_YEAR, LAST_YEAR = 2000, 2100


@bp.get("/admin/reference")
@requires(Permission.MANAGE_REFERENCE)
def index():
    """Where the admin finds every list of reference data, with how much each holds."""
    return render_template("reference/index.html", counts=reference_counts())


@bp.get("/admin/categories")
@requires(Permission.MANAGE_REFERENCE)
def categories():
    return render_template("reference/categories.html", categories=all_categories())


def _year() -> int:
    year = request.args.get("year", type=int) or office_today().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


@bp.route("/admin/calendar", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def calendar():
    """The year's transferred days off and working days, with a form to add one."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            entry = save_calendar_day(
                form.day.data, CalendarDayKind(form.kind.data), form.note.data or "",
                actor=current_user,
            )
        except CalendarDayError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(gettext("The day was added to the calendar."), "success")
            return redirect(url_for(".calendar", year=entry.day.year))
    year = form.day.data.year if form.day.data else _year()
    return render_template(
        "reference/calendar.html",
        form=form,
        year=year,
        days=calendar_days_of(year),
        holidays=public_holidays(year, str(get_locale())),
    )


@bp.post("/admin/calendar/<int:day_id>/delete")
@requires(Permission.MANAGE_REFERENCE)
def delete_day(day_id: int):
    entry = db.get_or_404(CalendarDay, day_id)
    year = entry.day.year
    delete_calendar_day(entry, actor=current_user)
    db.session.commit()
    flash(gettext("The day was removed from the calendar."), "success")
    return redirect(url_for(".calendar", year=year))


# The other screens register their routes on `bp` when imported.
from casework.reference import (  # noqa: E402
    authority_views,  # noqa: F401
    facility_views,  # noqa: F401
    import_views,  # noqa: F401
    participant_views,
)

bp.register_blueprint(participant_views.bp)
