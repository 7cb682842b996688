"""Follow-up verification: what a visit saw of the facility's open recommendations.

Any visit to a facility can see whether earlier recommendations were carried out (a
thematic or in-depth visit as much as a follow-up one), so the panel is on every visit that
has taken place. The visit's team records the verification even though monitors do not
otherwise follow recommendations up: the right comes from recording the visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from casework.accounts.models import User
from casework.database import office_today
from casework.permissions import Permission, can
from casework.recommendations.lifecycle import Implementation, Scope, implementations_from
from casework.recommendations.models import Recommendation, Verification, VerificationMethod
from casework.recommendations.services import record_verification_unchecked
from casework.refusals import Refusal
from casework.templating import format_day
from casework.visits.models import Visit
from casework.visits.queries import open_recommendations_for
from casework.visits.records import require_recording


def shows_text(user: User, recommendation: Recommendation) -> bool:
    """A structural recommendation (a practice, a rule, a building) names nobody; an
    individual remedy is read only by those who read the recommendation."""
    return recommendation.scope is Scope.STRUCTURAL or can(
        user, Permission.READ_RECOMMENDATION, recommendation
    )


@dataclass(frozen=True)
class OpenRecommendation:
    recommendation: Recommendation
    text_shown: bool
    results: list[Implementation]  # what a verification may find now; empty: nothing to verify


def open_recommendations(visit: Visit, user: User) -> list[OpenRecommendation]:
    """The panel's rows: the facility's live recommendations, as `user` may see them."""
    return [
        OpenRecommendation(
            recommendation, shown := shows_text(user, recommendation),
            implementations_from(recommendation.implementation) if shown else [],
        )
        for recommendation in open_recommendations_for(visit)
    ]


def verify_on_visit(
    visit: Visit,
    recommendation: Recommendation,
    *,
    actor: User,
    result: Implementation,
    evidence: str,
    verified_on: date | None = None,
) -> Verification:
    """Record what the visit found of `recommendation`: method "seen on a follow-up visit",
    dated the visit's last day (or a chosen day of the visit), the evidence prefixed with
    the visit's reference. The recommendations' own rules (steps of implementation, no date
    before the issue) apply as for any verification."""
    require_recording(visit, actor)
    if recommendation.facility_id != visit.facility_id:
        raise Refusal(_("This recommendation is not about the visited facility."))
    if not recommendation.is_live:
        raise Refusal(_("Only issued recommendations that are not closed are verified."))
    if recommendation.issued_on is None or recommendation.issued_on > visit.ends_on:
        raise Refusal(_("This recommendation was issued after the visit."))
    if not shows_text(actor, recommendation):
        raise Refusal(_("This individual recommendation is verified by the caseworker who "
                        "follows it up."))
    # By default the visit's last day; while a long visit is still going on, today.
    day = verified_on or min(visit.ends_on, office_today())
    if not visit.starts_on <= day <= visit.ends_on:
        raise Refusal(_("Choose a day of the visit: %(start)s to %(end)s.",
                        start=format_day(visit.starts_on), end=format_day(visit.ends_on)),
                      field="verified_on")
    evidence = evidence.strip()
    if not evidence:
        raise Refusal(_("Describe the evidence you saw."), field="evidence")
    return record_verification_unchecked(
        recommendation, actor=actor, result=result, method=VerificationMethod.FOLLOW_UP_VISIT,
        verified_on=day, evidence=f"{visit.reference}: {evidence}",
    )
