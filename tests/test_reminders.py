"""Reminder digests (`flask casework send-reminders`): who hears of what, the mail itself,
idempotency, failures, dry runs. The mail is captured at the smtplib boundary."""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.recommendations import services as recommendation_services
from casework.recommendations.lifecycle import Implementation, RecordStatus, Response
from casework.reference.models import CalendarDay, CalendarDayKind, Language
from casework.reference.regions import Region
from casework.reminders import services as reminder_services
from casework.reminders.models import DigestKind, SentDigest
from tests.factories import add_party, make_authority, make_case, make_recommendation, make_user

TODAY = date(2026, 11, 16)  # a Monday


# -- capturing the mail -------------------------------------------------------------------


@dataclass
class Outbox:
    """What the fake SMTP server saw; `refuse` makes it reject mail to those addresses."""

    sent: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    unreachable: bool = False
    connections: list[dict] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.sent if message["To"] == address]

    @property
    def recipients(self) -> list[str]:
        return sorted(message["To"] for message in self.sent)


@pytest.fixture
def outbox(monkeypatch) -> Outbox:
    box = Outbox()

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            if box.unreachable:
                raise ConnectionRefusedError("connection refused")
            self.connection = {"host": host, "port": port, "timeout": timeout,
                               "starttls": False, "login": None, "quit": False, "closed": False}
            box.connections.append(self.connection)

        def starttls(self, context=None) -> None:
            self.connection["starttls"] = True

        def login(self, user: str, password: str) -> None:
            self.connection["login"] = (user, password)

        def send_message(self, message: EmailMessage) -> None:
            if message["To"] in box.refuse:
                raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"mailbox unavailable")})
            box.sent.append(message)

        def quit(self) -> None:
            self.connection["quit"] = True

        def close(self) -> None:
            self.connection["closed"] = True

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return box


def send_reminders(app, *args: str, day: date | None = TODAY):
    """Run the command as cron would, on `day` (the office's clock frozen at 7:00)."""
    runner = app.test_cli_runner()
    if day is None:
        return runner.invoke(args=["casework", "send-reminders", *args])
    with time_machine.travel(datetime(day.year, day.month, day.day, 7, tzinfo=OFFICE_TZ),
                             tick=False):
        return runner.invoke(args=["casework", "send-reminders", *args])


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def listed_ids(message: EmailMessage) -> list[int]:
    """The recommendations the mail links to, in order (one link per recommendation)."""
    return [int(n) for n in re.findall(r"/recommendations/(\d+)\b", text_of(message))]


def sent_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SentDigest))


def issued(owner, *, reply_in: int | None = None, implementation_in: int = 200, **kw):
    """An issued recommendation whose deadlines fall `n` days from TODAY (negative: passed)."""
    return make_recommendation(
        record_status=RecordStatus.ISSUED, owner=owner,
        reply_due=TODAY + timedelta(days=reply_in if reply_in is not None else 100),
        implementation_due=TODAY + timedelta(days=implementation_in), **kw,
    )


# -- the assignee's digest ----------------------------------------------------------------


def test_assignee_digest_lists_exactly_their_overdue_and_due_soon_deadlines(app, outbox):
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    reply_overdue = issued(worker, reply_in=-3)
    due_in_seven = issued(worker, implementation_in=7)
    due_today = issued(worker, reply_in=0)
    both_overdue = issued(worker, reply_in=-40, implementation_in=-10)
    # Not listed: due in 8 days, answered, implemented, a draft, closed, somebody else's.
    issued(worker, reply_in=8)
    issued(worker, reply_in=-5, response=Response.ACCEPTED)
    issued(worker, implementation_in=-5, implementation=Implementation.IMPLEMENTED,
           response=Response.ACCEPTED)
    make_recommendation(owner=worker)
    make_recommendation(record_status=RecordStatus.CLOSED, owner=worker, response=Response.ACCEPTED,
                        implementation=Implementation.IMPLEMENTED, reply_due=TODAY)
    colleague = make_user(Role.CASEWORKER, region=Region.ASTANA)
    theirs = issued(colleague, reply_in=-1)
    db.session.commit()

    result = send_reminders(app)

    assert result.exit_code == 0, result.output
    assert outbox.recipients == sorted([worker.email, colleague.email])
    [mail] = outbox.to(worker.email)
    # Each recommendation once, however many of its deadlines are listed.
    assert mail["Subject"] == "Casework: 2 overdue, 2 due within 7 days"
    # Longest overdue first, then the soonest due.
    assert listed_ids(mail) == [both_overdue.id, reply_overdue.id, due_today.id, due_in_seven.id]
    text = text_of(mail)
    assert f"{both_overdue.number} · {both_overdue.authority.name}" in text
    assert ("Reply deadline: 7 Oct 2026, 40 days overdue\n"
            "  Implementation deadline: 6 Nov 2026, 10 days overdue\n") in text
    assert "Reply deadline: 16 Nov 2026, due today" in text
    assert "Implementation deadline: 23 Nov 2026, in 7 days" in text
    assert f"http://127.0.0.1:5000/recommendations/{due_in_seven.id}" in text
    assert listed_ids(outbox.to(colleague.email)[0]) == [theirs.id]


def test_reply_deadline_across_a_public_holiday(app, outbox):
    """Issued Tue 1 Dec 2026 with 15 working days to reply: Independence Day (Wed 16 Dec) is
    no working day, so the reply is due Wed 23 Dec, not 22 Dec."""
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    recommendation = make_recommendation(drafted_by=caseworker)
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=OFFICE_TZ), tick=False):
        recommendation_services.apply_step(recommendation, "issue", actor=supervisor,
                                           implementation_months=12)
    db.session.commit()
    assert recommendation.reply_due == date(2026, 12, 23)

    def reminded_on(day: date) -> str | None:
        outbox.sent.clear()
        assert send_reminders(app, day=day).exit_code == 0
        mails = outbox.to(caseworker.email)
        return text_of(mails[0]) if mails else None

    assert reminded_on(date(2026, 12, 15)) is None  # due in 8 days
    assert "Reply deadline: 23 Dec 2026, in 7 days" in reminded_on(date(2026, 12, 16))
    assert "Reply deadline: 23 Dec 2026, due today" in reminded_on(date(2026, 12, 23))
    assert outbox.to(supervisor.email) == []  # nothing overdue yet
    assert "Reply deadline: 23 Dec 2026, 1 day overdue" in reminded_on(date(2026, 12, 24))
    assert listed_ids(outbox.to(supervisor.email)[0]) == [recommendation.id]


def test_mail_carries_no_case_content(app, outbox):
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    make_user(Role.SUPERVISOR, region=Region.ASTANA)  # gets the overdue item too
    case = make_case(summary="Beaten in cell 4 by guard Serikov",
                     status=CaseStatus.RECOMMENDATION)
    complainant = add_party(case).person
    authority = make_authority(name="Police & Prisons <Department>")
    recommendation = issued(worker, reply_in=-2, case=case, authority=authority,
                            text="Dismiss guard Serikov and repair cell 4")
    db.session.commit()

    result = send_reminders(app)

    assert result.exit_code == 0, result.output
    assert len(outbox.sent) == 2
    for mail in outbox.sent:
        whole = mail.as_string() + text_of(mail) + html_of(mail)
        for secret in ("Serikov", "cell 4", complainant.full_name, case.reference):
            assert secret not in whole
        assert recommendation.number in text_of(mail)
    assert "Police & Prisons <Department>" in text_of(outbox.to(worker.email)[0])
    # The HTML alternative escapes what it shows and links to the page.
    html = html_of(outbox.to(worker.email)[0])
    assert "Police &amp; Prisons &lt;Department&gt;" in html
    assert f'<a href="http://127.0.0.1:5000/recommendations/{recommendation.id}">' in html


def test_links_join_the_base_url_with_the_page_path(app, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://casework.example.kz/office/")
    worker = make_user(Role.CASEWORKER)
    recommendation = issued(worker, reply_in=-1)
    db.session.commit()

    send_reminders(app)

    assert (f"https://casework.example.kz/office/recommendations/{recommendation.id}\n"
            in text_of(outbox.sent[0]))


def test_russian_user_gets_a_russian_digest(app, outbox):
    russian = make_user(Role.CASEWORKER, language=Language.RU)
    english = make_user(Role.CASEWORKER)  # no language: the app default (English in tests)
    issued(russian, reply_in=-3, implementation_in=5)
    issued(english, reply_in=-3)
    db.session.commit()

    send_reminders(app)

    russian_text = text_of(outbox.to(russian.email)[0])
    assert "13.11.2026, просрочено на 3 дня" in russian_text
    assert "21.11.2026, через 5 дней" in russian_text
    assert outbox.to(russian.email)[0]["Subject"].startswith("Casework")
    assert "13 Nov 2026, 3 days overdue" in text_of(outbox.to(english.email)[0])


# -- the supervisor's digest --------------------------------------------------------------


def test_supervisor_digest_holds_the_overdue_items_of_their_region_by_authority(app, outbox):
    astana = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    almaty = make_user(Role.SUPERVISOR, region=Region.ALMATY_CITY)
    country = make_user(Role.SUPERVISOR)  # no region: the whole country
    make_user(Role.SUPERVISOR, region=Region.PAVLODAR)  # nothing overdue there: no mail
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA, full_name="Aigerim Worker")
    prisons, police = make_authority(name="Prison Service"), make_authority(name="Police")
    in_astana = [issued(worker, reply_in=-days, authority=prisons) for days in (1, 30)]
    in_astana.append(issued(worker, implementation_in=-2, authority=police))
    issued(worker, reply_in=3, authority=police)  # due soon: assignees only
    almaty_case = make_case(region=Region.ALMATY_CITY, status=CaseStatus.RECOMMENDATION)
    in_almaty = issued(worker, reply_in=-4, case=almaty_case, authority=police)
    db.session.commit()

    result = send_reminders(app)

    assert result.exit_code == 0, result.output
    assert outbox.recipients == sorted([astana.email, almaty.email, country.email, worker.email])
    [astana_mail] = outbox.to(astana.email)
    assert astana_mail["Subject"] == "Casework: 3 overdue (Astana)"
    assert sorted(listed_ids(astana_mail)) == sorted(r.id for r in in_astana)
    text = text_of(astana_mail)
    # The authority with most overdue first, each with its count.
    assert text.index("Prison Service (2)") < text.index("Police (1)")
    assert "followed up by Aigerim Worker" in text
    assert listed_ids(outbox.to(almaty.email)[0]) == [in_almaty.id]
    [country_mail] = outbox.to(country.email)
    assert country_mail["Subject"] == "Casework: 4 overdue (All regions)"
    country_text = text_of(country_mail)
    assert "Police (2)" in country_text
    # Across the country each item also says where it is.
    assert f"{in_almaty.number} · Almaty (city) · followed up by Aigerim Worker" in country_text


def test_inactive_users_get_nothing_but_their_items_still_reach_the_supervisor(app, outbox):
    gone = make_user(Role.CASEWORKER, region=Region.ASTANA, is_active_account=False)
    make_user(Role.SUPERVISOR, region=Region.ASTANA, is_active_account=False)
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    orphan = issued(gone, reply_in=-2)
    db.session.commit()

    result = send_reminders(app)

    assert result.exit_code == 0, result.output
    assert outbox.recipients == [supervisor.email]
    assert listed_ids(outbox.sent[0]) == [orphan.id]


# -- sending, recording, retrying ---------------------------------------------------------


def test_second_run_on_the_same_day_sends_nothing_and_a_new_day_sends_again(app, outbox):
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    issued(worker, reply_in=-2, implementation_in=3)
    db.session.commit()

    first = send_reminders(app)
    assert first.exit_code == 0, first.output
    assert len(outbox.sent) == 2
    assert len(outbox.connections) == 1  # one connection for the whole run

    second = send_reminders(app)
    assert second.exit_code == 0, second.output
    assert len(outbox.sent) == 2
    assert "2026-11-16: nothing to send." in second.output

    next_day = send_reminders(app, day=TODAY + timedelta(days=1))
    assert next_day.exit_code == 0, next_day.output
    assert len(outbox.sent) == 4

    digests = db.session.execute(
        sa.select(SentDigest.recipient_id, SentDigest.day, SentDigest.kind, SentDigest.item_count)
        .order_by(SentDigest.day, SentDigest.kind)
    ).all()
    tomorrow = TODAY + timedelta(days=1)
    assert digests == [
        (worker.id, TODAY, DigestKind.ASSIGNEE, 1),
        (supervisor.id, TODAY, DigestKind.SUPERVISOR, 1),
        (worker.id, tomorrow, DigestKind.ASSIGNEE, 1),
        (supervisor.id, tomorrow, DigestKind.SUPERVISOR, 1),
    ]
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.DIGEST_SENT)
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in audit[:2]] == [
        (None, "users", worker.id), (None, "users", supervisor.id)
    ]
    assert audit[0].changes == {"kind": "assignee", "items": 1, "day": "2026-11-16"}


def test_a_refused_recipient_does_not_stop_the_others_and_is_retried_next_run(app, outbox):
    refused = make_user(Role.CASEWORKER, region=Region.ASTANA)
    fine = make_user(Role.CASEWORKER, region=Region.ASTANA)
    issued(refused, reply_in=-1)
    issued(fine, reply_in=2)
    db.session.commit()
    outbox.refuse = {refused.email}

    failed_run = send_reminders(app)

    assert failed_run.exit_code == 1
    assert f"FAILED {refused.email}" in failed_run.output
    assert outbox.recipients == [fine.email]
    assert db.session.scalars(sa.select(SentDigest.recipient_id)).all() == [fine.id]

    outbox.refuse = set()
    retry = send_reminders(app)

    assert retry.exit_code == 0, retry.output
    assert outbox.recipients == sorted([refused.email, fine.email])
    assert sent_count() == 2


def test_a_digest_recorded_meanwhile_by_another_run_stays_recorded_once(app, outbox,
                                                                        monkeypatch):
    first = make_user(Role.CASEWORKER)
    second = make_user(Role.CASEWORKER)
    issued(first, reply_in=-1)
    issued(second, reply_in=-1)
    db.session.commit()
    gather = reminder_services.pending_digests

    def gathered_while_another_run_finishes(today):
        digests = gather(today)
        db.session.add(SentDigest(recipient=first, day=today, kind=DigestKind.ASSIGNEE,
                                  item_count=1))
        db.session.commit()
        return digests

    monkeypatch.setattr(reminder_services, "pending_digests", gathered_while_another_run_finishes)
    result = send_reminders(app)

    assert result.exit_code == 0, result.output
    assert "already recorded by another run" in result.output
    assert outbox.recipients == sorted([first.email, second.email])
    assert sorted(db.session.scalars(sa.select(SentDigest.recipient_id))) == [first.id, second.id]


def test_unreachable_mail_server_fails_the_run_and_records_nothing(app, outbox):
    issued(make_user(Role.CASEWORKER), reply_in=-1)
    db.session.commit()
    outbox.unreachable = True

    result = send_reminders(app)

    assert result.exit_code == 1
    assert "connection refused" in result.output
    assert sent_count() == 0


def test_smtp_settings_come_from_the_configuration(app, outbox, monkeypatch):
    for key, value in {"MAIL_SERVER": "smtp.example.kz", "MAIL_PORT": 587,
                       "MAIL_USE_STARTTLS": True, "MAIL_USERNAME": "casework",
                       "MAIL_PASSWORD": "secret", "MAIL_SENDER": "noreply@example.kz"}.items():
        monkeypatch.setitem(app.config, key, value)
    issued(make_user(Role.CASEWORKER), reply_in=-1)
    db.session.commit()

    send_reminders(app)

    [connection] = outbox.connections
    assert (connection["host"], connection["port"]) == ("smtp.example.kz", 587)
    assert connection["starttls"]
    assert connection["quit"]
    assert connection["login"] == ("casework", "secret")
    assert 0 < connection["timeout"] <= 60
    assert outbox.sent[0]["From"] == "noreply@example.kz"


def test_no_login_without_a_username(app, outbox):
    issued(make_user(Role.CASEWORKER), reply_in=-1)
    db.session.commit()

    send_reminders(app)

    assert outbox.connections[0]["login"] is None
    assert outbox.connections[0]["starttls"] is False


# -- dry run and dates --------------------------------------------------------------------


def test_dry_run_prints_the_digests_and_writes_nothing(app, outbox):
    worker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    recommendation = issued(worker, reply_in=-2)
    db.session.commit()
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))

    result = send_reminders(app, "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"To: {worker.email}\nKind: assignee\nSubject: Casework: 1 overdue" in result.output
    assert f"To: {supervisor.email}\nKind: supervisor" in result.output
    assert f"{recommendation.number} · {recommendation.authority.name}" in result.output
    assert "Reply deadline: 14 Nov 2026, 2 days overdue" in result.output
    assert outbox.connections == []
    assert outbox.sent == []
    assert sent_count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audit_before


def test_date_option_chooses_the_office_day(app, outbox):
    worker = make_user(Role.CASEWORKER)
    issued(worker, reply_in=10)
    db.session.commit()

    assert send_reminders(app, "--date", "2026-11-16", day=None).exit_code == 0
    assert outbox.sent == []  # ten days ahead: not yet due soon
    result = send_reminders(app, "--date", "2026-11-20", day=None)
    assert result.exit_code == 0, result.output
    assert "Reply deadline: 26 Nov 2026, in 6 days" in text_of(outbox.sent[0])
    assert db.session.scalar(sa.select(SentDigest.day)) == date(2026, 11, 20)


def test_bad_date_is_refused(app, outbox):
    result = send_reminders(app, "--date", "20.11.2026", day=None)
    assert result.exit_code == 2
    assert "20.11.2026" in result.output


def test_working_days_only_skips_holidays_and_days_off(app, outbox):
    db.session.add(CalendarDay(day=date(2026, 11, 17), kind=CalendarDayKind.DAY_OFF))
    issued(make_user(Role.CASEWORKER), reply_in=-1)
    db.session.commit()

    for holiday in (date(2026, 12, 16), date(2026, 11, 17), date(2026, 11, 21)):
        result = send_reminders(app, "--working-days-only", day=holiday)
        assert "not a working day" in result.output
    assert outbox.sent == []
    assert send_reminders(app, "--working-days-only").exit_code == 0  # Monday
    assert len(outbox.sent) == 1
