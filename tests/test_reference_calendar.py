"""The admin's working-day calendar: transferred days off and working Saturdays."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.reference.models import CalendarDay, CalendarDayKind
from casework.reference.services import (
    CalendarDayError,
    delete_calendar_day,
    public_holidays,
    save_calendar_day,
)
from casework.workdays import WorkingCalendar
from tests.factories import make_user

MONDAY = date(2026, 12, 28)
SATURDAY = date(2026, 12, 26)


def audit_actions() -> list[AuditAction]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_saved_day_off_changes_the_working_calendar_and_is_audited(app):
    admin = make_user(Role.ADMIN)
    assert WorkingCalendar.load().is_working_day(MONDAY)
    save_calendar_day(MONDAY, CalendarDayKind.DAY_OFF, " Decree no. 5 ", actor=admin)
    assert not WorkingCalendar.load().is_working_day(MONDAY)
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action is AuditAction.CALENDAR_DAY_SAVED
    assert entry.changes == {"day": "2026-12-28", "kind": "day_off", "note": "Decree no. 5"}


def test_working_saturday_counts_as_a_working_day(app):
    save_calendar_day(SATURDAY, CalendarDayKind.WORKING_DAY, "", actor=make_user(Role.ADMIN))
    assert WorkingCalendar.load().is_working_day(SATURDAY)


def test_the_same_date_cannot_be_recorded_twice(app):
    admin = make_user(Role.ADMIN)
    save_calendar_day(MONDAY, CalendarDayKind.DAY_OFF, "", actor=admin)
    with pytest.raises(CalendarDayError) as refused:
        save_calendar_day(MONDAY, CalendarDayKind.DAY_OFF, "again", actor=admin)
    assert refused.value.field == "day"


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (SATURDAY, CalendarDayKind.DAY_OFF),  # already a weekend
        (date(2026, 12, 16), CalendarDayKind.DAY_OFF),  # Independence Day
        (MONDAY, CalendarDayKind.WORKING_DAY),  # already a working day
    ],
)
def test_entries_that_change_nothing_are_refused(app, day, kind):
    with pytest.raises(CalendarDayError):
        save_calendar_day(day, kind, "", actor=make_user(Role.ADMIN))
    assert db.session.scalar(sa.select(CalendarDay)) is None


def test_deleting_a_day_restores_the_calendar_and_is_audited(app):
    admin = make_user(Role.ADMIN)
    entry = save_calendar_day(MONDAY, CalendarDayKind.DAY_OFF, "", actor=admin)
    delete_calendar_day(entry, actor=admin)
    assert WorkingCalendar.load().is_working_day(MONDAY)
    assert audit_actions() == [
        AuditAction.CALENDAR_DAY_SAVED, AuditAction.CALENDAR_DAY_DELETED,
    ]


def test_public_holidays_are_named_in_kazakh_or_english(app):
    english = dict(public_holidays(2026, "en"))
    assert english[date(2026, 12, 16)] == "Independence Day"
    assert dict(public_holidays(2026, "kk"))[date(2026, 12, 16)] != "Independence Day"
    assert dict(public_holidays(2026, "ru")) == english  # no Russian names in the package


def test_admin_adds_a_day_through_the_form(client, login):
    login(make_user(Role.ADMIN))
    response = client.post(
        "/admin/calendar",
        data={"day": "2026-12-28", "kind": "day_off", "note": "Decree"},
    )
    assert response.status_code == 302
    assert response.location.endswith("/admin/calendar?year=2026")
    page = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Decree" in page
    assert "Independence Day" in page


def test_duplicate_date_is_refused_next_to_the_field_with_input_kept(client, login):
    admin = make_user(Role.ADMIN)
    save_calendar_day(MONDAY, CalendarDayKind.DAY_OFF, "first", actor=admin)
    db.session.commit()
    login(admin)
    response = client.post(
        "/admin/calendar", data={"day": "2026-12-28", "kind": "day_off", "note": "second try"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This date is already in the calendar." in body
    assert 'value="second try"' in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == 1


def test_admin_deletes_a_day(client, login):
    admin = make_user(Role.ADMIN)
    entry = save_calendar_day(MONDAY, CalendarDayKind.DAY_OFF, "", actor=admin)
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/calendar/{entry.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CalendarDay, entry.id) is None


def test_deleting_a_missing_day_is_404(client, login):
    login(make_user(Role.ADMIN))
    assert client.post("/admin/calendar/999/delete").status_code == 404


def test_calendar_is_for_admins_only(client, login):
    login(make_user(Role.SUPERVISOR))
    assert client.get("/admin/calendar").status_code == 403
    assert client.post(
        "/admin/calendar", data={"day": "2026-12-28", "kind": "day_off"}
    ).status_code == 403
