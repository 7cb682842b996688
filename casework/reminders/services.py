"""Reminder digests: what each person should hear about on an office day, as one mail each.

- an assignee (the owner of live recommendations) hears of their deadlines that passed or fall
  within RECOMMENDATION_DUE_SOON_DAYS;
- a supervisor hears of every passed deadline of their region (all regions without one),
  grouped by addressee authority.

"Overdue" and "due soon" are asked of recommendations.deadlines, like the register and the
dashboard do. A mail leaves the office's control, so a digest holds numbers, authorities,
deadlines and links only: never a recommendation's text or anything of its case.

Nothing here commits: `flask casework send-reminders` commits once per recipient, right after
the mail server accepted that recipient's digest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from typing import cast
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from casework.accounts.models import User, UserRole
from casework.accounts.roles import Role
from casework.audit import AuditAction, record
from casework.extensions import db
from casework.permissions import covers_region
from casework.recommendations.deadlines import (
    DEADLINES,
    DeadlineOnDay,
    TrackedDeadline,
    due_soon_days,
)
from casework.recommendations.display import recommendation_label
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority
from casework.reference.regions import Region
from casework.reminders import mail
from casework.reminders.models import DigestKind, SentDigest

LinkBuilder = Callable[[int], str]


@dataclass(frozen=True)
class ItemHead:
    """What a mail may say about a recommendation: never its text, case or anyone in it."""

    recommendation_id: int
    number: str
    region: Region
    owner_id: int
    owner: str
    authority_id: int
    authority: str


@dataclass(frozen=True)
class DigestItem(ItemHead):
    """A live recommendation with the deadlines the digest warns of (overdue or due soon)."""

    deadlines: tuple[DeadlineOnDay, ...]  # earliest first
    link: str

    @property
    def is_overdue(self) -> bool:
        return any(deadline.is_overdue for deadline in self.deadlines)

    @property
    def days_left(self) -> int:
        """Of its most pressing deadline (negative: overdue)."""
        return min(deadline.days_left for deadline in self.deadlines)


@dataclass
class Digest:
    """One mail to one person: their items of one kind on one office day."""

    recipient: User
    kind: DigestKind
    day: date
    items: list[DigestItem]

    def __post_init__(self) -> None:
        # Longest overdue first, then the soonest due.
        self.items.sort(key=lambda item: (item.days_left, item.number))

    @property
    def overdue(self) -> list[DigestItem]:
        return [item for item in self.items if item.is_overdue]

    @property
    def due_soon(self) -> list[DigestItem]:
        return [item for item in self.items if not item.is_overdue]

    @property
    def region_name(self) -> str:
        """The recipient's region, as a supervisor's digest is scoped."""
        region = self.recipient.region
        return region.label if region else _("All regions")

    def about(self, item: DigestItem) -> str:
        """What follows the number: the authority for an assignee; for a supervisor, whose
        mail groups by authority, who follows it up (and where, across the country)."""
        if self.kind is DigestKind.ASSIGNEE:
            return item.authority
        owner = _("followed up by %(name)s", name=item.owner)
        return owner if self.recipient.region else f"{item.region.label} · {owner}"

    def overdue_by_authority(self) -> list[tuple[str, list[DigestItem]]]:
        """The overdue items per addressee authority, the authority with most first."""
        groups: dict[int, list[DigestItem]] = {}
        for item in self.overdue:
            groups.setdefault(item.authority_id, []).append(item)
        return sorted(
            ((items[0].authority, items) for items in groups.values()),
            key=lambda group: (-len(group[1]), group[0]),
        )


# -- who gets what ------------------------------------------------------------------------

Rows = list[tuple[ItemHead, DeadlineOnDay]]


def pending_digests(today: date) -> list[Digest]:
    """Every digest due on `today` that was not sent yet: assignees first, then supervisors."""
    overdue = _deadline_rows(today, TrackedDeadline.overdue)
    due_soon = _deadline_rows(today, TrackedDeadline.due_soon)
    link = mail_links()
    digests = (_assignee_digests(today, _items(overdue + due_soon, link))
               + _supervisor_digests(today, _items(overdue, link)))
    sent = {
        (recipient_id, kind)
        for recipient_id, kind in db.session.execute(
            sa.select(SentDigest.recipient_id, SentDigest.kind).where(SentDigest.day == today)
        )
    }
    return [digest for digest in digests if (digest.recipient.id, digest.kind) not in sent]


def _deadline_rows(
    today: date, condition: Callable[[TrackedDeadline, date], sa.ColumnElement[bool]]
) -> Rows:
    """Each deadline (of both kinds) meeting the condition, e.g. overdue, with its item."""
    rows: Rows = []
    for deadline in DEADLINES:
        result = db.session.execute(
            sa.select(
                Recommendation.id, Recommendation.number, Recommendation.region,
                Recommendation.owner_id, User.full_name, Authority.id, Authority.name,
                deadline.column,
            )
            .join(Authority, Recommendation.authority_id == Authority.id)
            .join(User, Recommendation.owner_id == User.id)
            .where(condition(deadline, today))
        )
        for rec_id, number, region, owner_id, owner, authority_id, authority, due in result:
            head = ItemHead(rec_id, recommendation_label(number, rec_id), region, owner_id, owner,
                         authority_id, authority)
            due = cast(date, due)  # never NULL: the condition compared it with a date
            rows.append((head, DeadlineOnDay(deadline.kind, due, (due - today).days)))
    return rows


def _items(rows: Rows, link: LinkBuilder) -> list[DigestItem]:
    """One item per recommendation, with all its deadlines among the rows."""
    deadlines: dict[ItemHead, list[DeadlineOnDay]] = {}
    for head, due_date in rows:
        deadlines.setdefault(head, []).append(due_date)
    return [
        DigestItem(
            **vars(head),
            deadlines=tuple(sorted(dues, key=lambda due_date: due_date.due)),
            link=link(head.recommendation_id),
        )
        for head, dues in deadlines.items()
    ]


def _assignee_digests(today: date, items: list[DigestItem]) -> list[Digest]:
    """Each active owner's own items; a deactivated owner's items reach the supervisors only."""
    by_owner: dict[int, list[DigestItem]] = {}
    for item in items:
        by_owner.setdefault(item.owner_id, []).append(item)
    owners = db.session.scalars(
        sa.select(User).where(User.id.in_(by_owner), User.is_active_account).order_by(User.id)
    )
    return [Digest(owner, DigestKind.ASSIGNEE, today, by_owner[owner.id]) for owner in owners]


def _supervisor_digests(today: date, overdue: list[DigestItem]) -> list[Digest]:
    supervisors = db.session.scalars(
        sa.select(User)
        .where(User.is_active_account, User.role_rows.any(UserRole.role == Role.SUPERVISOR))
        .order_by(User.id)
    )
    digests = [
        Digest(supervisor, DigestKind.SUPERVISOR, today,
               [item for item in overdue if covers_region(supervisor, item.region)])
        for supervisor in supervisors
    ]
    return [digest for digest in digests if digest.items]


def mail_links() -> LinkBuilder:
    """Links to a recommendation's page for mails: BASE_URL (which may carry a path prefix)
    joined with the page's path, since a CLI run has no request to take the host from."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )

    def link(recommendation_id: int) -> str:
        return adapter.build(
            "recommendations.show", {"recommendation_id": recommendation_id},
            force_external=True,
        )

    return link


# -- the mail -----------------------------------------------------------------------------


def message_for(digest: Digest) -> EmailMessage:
    """The digest as a mail in the recipient's language."""
    with force_locale(_language_of(digest.recipient)):
        template = f"mail/{digest.kind.value}"
        subject = _subject(digest)
        context = {"digest": digest, "subject": subject, "due_soon_days": due_soon_days()}
        return mail.compose(
            to=digest.recipient.email,
            subject=subject,
            text=_tidy(render_template(f"{template}.txt", **context)),
            html=render_template(f"{template}.html", **context),
        )


def _tidy(text: str) -> str:
    """At most one blank line in a row: template tags leave more where a section is empty."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _language_of(user: User) -> str:
    if user.language is not None:
        return user.language.value
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _subject(digest: Digest) -> str:
    """E.g. "Casework: 3 overdue, 2 due within 7 days"."""
    if digest.kind is DigestKind.SUPERVISOR:
        summary = ngettext(
            "%(num)d overdue (%(where)s)", "%(num)d overdue (%(where)s)", len(digest.items),
            where=digest.region_name,
        )
    else:
        parts = []
        if digest.overdue:
            parts.append(ngettext("%(num)d overdue", "%(num)d overdue", len(digest.overdue)))
        if digest.due_soon:
            parts.append(ngettext(
                "%(num)d due within %(days)d days", "%(num)d due within %(days)d days",
                len(digest.due_soon), days=due_soon_days(),
            ))
        summary = ", ".join(parts)
    return _("Casework: %(summary)s", summary=summary)


# -- the record of what was sent ----------------------------------------------------------


def record_sent(digest: Digest) -> SentDigest:
    """Note that the mail server accepted the digest, so no later run sends it again today."""
    sent = SentDigest(
        recipient=digest.recipient, day=digest.day, kind=digest.kind,
        item_count=len(digest.items),
    )
    db.session.add(sent)
    record(
        AuditAction.DIGEST_SENT, actor=None, obj=digest.recipient,
        changes={"kind": digest.kind, "items": len(digest.items), "day": digest.day},
    )
    db.session.flush()
    return sent
