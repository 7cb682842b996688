"""The demo year beyond the complaints: the NPM's visits and what they found, and the court
proceedings the office's lawyers follow.

It runs in two halves around the case recommendations. Before them, cases are reshaped
(parole follow-ups, reprisals reported at a check-in) so that their recommendations fit, and
the visits with their findings are made. After them, the visits' own recommendations join the
register's numbering, and the court proceedings and every audit entry are written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from casework.demo import courts, findings, interviewees, visit_recommendations, visits
from casework.demo.cases import Office, Story
from casework.demo.register_order import number_together
from casework.extensions import db
from casework.recommendations.models import Recommendation
from casework.reference.models import Facility


@dataclass
class Year:
    petitions: list[courts.Petition]
    visits: visits.VisitYear | None = None
    made: Counter[str] = field(default_factory=Counter)


def begin_year(office: Office, stories: list[Story], facilities: list[Facility],
               visit_count: int) -> Year:
    """Court petitions planned on the cases, `visit_count` visits to `facilities` with their
    interviewees, check-ins and violations, and violations on complaint cases. Without visits
    (the tests' small demos) no case is reshaped: court proceedings follow the parole cases
    the demo has."""
    petitions = courts.convert_parole_cases(office, stories, facilities,
                                            reshape=visit_count > 0)
    petitions += courts.other_petitions(office, stories)
    courts.decide(office, petitions)
    year = Year(petitions)
    if visit_count:
        reprisals = interviewees.choose_cases(office, stories, visit_count)
        year.visits = visits.make_visits(office, stories, facilities, reprisals, visit_count)
        year.made["check-ins"] = interviewees.make_interviewees(office, year.visits)
        year.made["violations on visits"] = len(findings.make_visit_violations(
            office, year.visits, visit_count))
        year.made["NPM findings from visits"] = findings.link_finding_cases(office,
                                                                            year.visits)
        findings.write_summaries(office, year.visits)
    year.made["violations on cases"] = len(findings.make_case_violations(office, stories))
    return year


def finish_year(office: Office, year: Year, stories: list[Story],
                recommendations: list[Recommendation]) -> Counter[str]:
    """The visits' recommendations and the court proceedings; what the year holds."""
    made = Counter({"visits": len(year.visits.visits) if year.visits else 0})
    made.update(year.made)
    if year.visits is not None:
        # The new records join the session numbered, in one flush.
        with db.session.no_autoflush:
            plans = visit_recommendations.plan_visit_recommendations(office, year.visits)
            if plans:
                number_together(stories, recommendations, plans)
        db.session.add_all(plan.recommendation for plan in plans)
        db.session.flush()
        visit_recommendations.audit_visit_recommendations(year.visits, plans)
        visits.audit_visits(office, year.visits)
        year.visits.audit.write()
        made["recommendations from visits"] = len(plans)
    made.update(courts.make_proceedings(office, year.petitions))
    return made
