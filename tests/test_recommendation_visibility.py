"""Who sees and acts on which recommendation (DESIGN.md §5): the predicate every page asks
(can) and the SQL the register and dashboard filter with (visible_recommendations_clause)
must agree, role by role, on recommendations spread over regions, cases and assignments."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.extensions import db
from casework.permissions import Permission, can, visible_recommendations_clause
from casework.recommendations.lifecycle import RecordStatus
from casework.recommendations.models import Recommendation
from casework.reference.regions import Region
from tests.factories import make_case, make_recommendation, make_user

A, P = Region.ASTANA, Region.PAVLODAR
USERS = {  # name: (role, region)
    "admin": (Role.ADMIN, None),
    "auditor": (Role.AUDITOR, None),
    "national supervisor": (Role.SUPERVISOR, None),
    "astana supervisor": (Role.SUPERVISOR, A),
    "pavlodar supervisor": (Role.SUPERVISOR, P),
    "astana caseworker": (Role.CASEWORKER, A),
    "pavlodar caseworker": (Role.CASEWORKER, P),
    "central caseworker": (Role.CASEWORKER, None),
    "lawyer": (Role.LAWYER, A),
    "monitor": (Role.MONITOR, A),
}


@dataclass
class World:
    users: dict[str, User]
    recommendations: dict[str, Recommendation]

    def names(self, recommendations) -> set[str]:
        ids = {r.id for r in recommendations}
        return {name for name, r in self.recommendations.items() if r.id in ids}


@pytest.fixture
def world() -> World:
    """Recommendations whose names say why someone might see them."""
    users = {name: make_user(role, region=region) for name, (role, region) in USERS.items()}
    drafter = make_user(Role.CASEWORKER, region=P)  # drafts and follows up all but one

    def recommendation(case, **kw) -> Recommendation:
        kw.setdefault("drafted_by", drafter)
        return make_recommendation(case, record_status=kw.pop("status", RecordStatus.ISSUED),
                                   **kw)

    open_astana = make_case(region=A, status=CaseStatus.FOLLOW_UP)
    closed_astana = make_case(region=A, status=CaseStatus.CLOSED)
    lawyers = make_case(region=A, status=CaseStatus.FOLLOW_UP, assignees=(users["lawyer"],))
    pavlodar_assigned = make_case(region=P, status=CaseStatus.FOLLOW_UP,
                                  assignees=(users["astana caseworker"],))
    closed_pavlodar = make_case(region=P, status=CaseStatus.CLOSED)
    monitors = make_case(region=P, status=CaseStatus.RECOMMENDATION,
                         created_by=users["monitor"])
    recommendations = {
        "astana open case": recommendation(open_astana),
        "astana draft": recommendation(open_astana, status=RecordStatus.DRAFT),
        "astana closed case": recommendation(closed_astana, status=RecordStatus.CLOSED),
        "lawyer's case": recommendation(lawyers),
        "pavlodar case assigned to the astana caseworker": recommendation(pavlodar_assigned),
        "pavlodar closed case": recommendation(closed_pavlodar, status=RecordStatus.WITHDRAWN),
        "followed up by the astana caseworker": recommendation(
            closed_pavlodar, owner=users["astana caseworker"]),
        "monitor's case": recommendation(monitors, status=RecordStatus.DRAFT),
        # A facility in Pavlodar, found in a case of the Astana office.
        "pavlodar facility, astana case": recommendation(open_astana, region=P),
        "pavlodar, no case": recommendation(closed_pavlodar),
    }
    recommendations["pavlodar, no case"].case = None  # e.g. from a visit report
    db.session.flush()
    return World(users, recommendations)


EVERYTHING = {
    "astana open case", "astana draft", "astana closed case", "lawyer's case",
    "pavlodar case assigned to the astana caseworker", "pavlodar closed case",
    "followed up by the astana caseworker", "monitor's case", "pavlodar facility, astana case",
    "pavlodar, no case",
}
ASTANA_CASES = {"astana open case", "astana draft", "astana closed case", "lawyer's case",
                "pavlodar facility, astana case"}
VISIBLE = {
    "admin": set(),
    "auditor": set(),
    "national supervisor": EVERYTHING,
    "astana supervisor": ASTANA_CASES,
    # Pavlodar's own, and the one in an Astana case about a Pavlodar facility.
    "pavlodar supervisor": EVERYTHING - ASTANA_CASES | {"pavlodar facility, astana case"},
    # The unit's open cases, the case assigned, and what they follow up.
    "astana caseworker": ASTANA_CASES - {"astana closed case"} | {
        "pavlodar case assigned to the astana caseworker",
        "followed up by the astana caseworker"},
    "pavlodar caseworker": {"pavlodar case assigned to the astana caseworker",
                            "monitor's case"},
    "central caseworker": {  # the central office's unit is every region's open cases
        "astana open case", "astana draft", "lawyer's case", "pavlodar facility, astana case",
        "pavlodar case assigned to the astana caseworker", "monitor's case"},
    "lawyer": {"lawyer's case"},
    "monitor": {"monitor's case"},
}


@pytest.mark.parametrize("user", list(USERS))
def test_each_role_reads_exactly_its_recommendations_in_sql_and_in_the_predicate(world, user):
    actor = world.users[user]
    by_predicate = world.names(
        r for r in world.recommendations.values()
        if can(actor, Permission.READ_RECOMMENDATION, r)
    )
    by_sql = world.names(db.session.scalars(
        sa.select(Recommendation).where(visible_recommendations_clause(actor))
    ))
    assert by_sql == by_predicate
    assert by_predicate == VISIBLE[user]


def test_an_admin_who_also_holds_a_case_role_reads_no_recommendation(world):
    admin = world.users["admin"]
    admin.roles = {Role.ADMIN, Role.SUPERVISOR}
    db.session.flush()
    assert not any(can(admin, Permission.READ_RECOMMENDATION, r)
                   for r in world.recommendations.values())
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))
                             .where(visible_recommendations_clause(admin))) == 0


# -- who follows up, who issues, who drafts ---------------------------------------------------


@dataclass
class Team:
    users: dict[str, User]
    recommendation: Recommendation


@pytest.fixture
def team() -> Team:
    """One Astana recommendation and everyone who might touch it."""
    users = {
        "astana supervisor": make_user(Role.SUPERVISOR, region=A),
        "national supervisor": make_user(Role.SUPERVISOR, region=None),
        "pavlodar supervisor": make_user(Role.SUPERVISOR, region=P),
        "owner": make_user(Role.CASEWORKER, region=A),
        "drafter": make_user(Role.CASEWORKER, region=A),
        "assigned caseworker": make_user(Role.CASEWORKER, region=A),
        "unit caseworker": make_user(Role.CASEWORKER, region=A),
        "assigned lawyer": make_user(Role.LAWYER, region=A),
        "monitor": make_user(Role.MONITOR, region=A),
        "admin": make_user(Role.ADMIN),
        "auditor": make_user(Role.AUDITOR),
    }
    case = make_case(region=A, status=CaseStatus.RECOMMENDATION, created_by=users["monitor"],
                     assignees=(users["assigned caseworker"], users["assigned lawyer"]))
    recommendation = make_recommendation(case, drafted_by=users["drafter"],
                                         owner=users["owner"])
    return Team(users, recommendation)


SUPERVISORS = {"astana supervisor", "national supervisor"}
RIGHTS = {
    # Replies, verifications, follow-ups and editing the draft.
    Permission.FOLLOW_UP_RECOMMENDATION: SUPERVISORS | {"owner", "drafter",
                                                        "assigned caseworker"},
    # Issue, withdraw, close, change deadlines, reassign.
    Permission.ISSUE_RECOMMENDATION: SUPERVISORS,
    Permission.READ_RECOMMENDATION: SUPERVISORS | {
        "owner", "drafter", "assigned caseworker", "unit caseworker", "assigned lawyer",
        "monitor"},
}


@pytest.mark.parametrize("permission", list(RIGHTS), ids=str)
def test_who_may_act_on_a_recommendation(team, permission):
    allowed = {name for name, user in team.users.items()
               if can(user, permission, team.recommendation)}
    assert allowed == RIGHTS[permission]


def test_who_may_draft_recommendations_in_a_case(team):
    case = team.recommendation.case
    allowed = {name for name, user in team.users.items()
               if can(user, Permission.DRAFT_RECOMMENDATION, case)}
    assert allowed == SUPERVISORS | {"assigned caseworker"}


def test_whoever_may_act_on_a_recommendation_may_also_read_it(world):
    """Issuing implies following up, which implies reading: nobody writes on what they
    cannot see. The drafter of most of them is among the users checked."""
    actors = [*world.users.values(), world.recommendations["astana open case"].drafted_by]
    for actor in actors:
        for name, recommendation in world.recommendations.items():
            issues, follows_up, reads = (
                can(actor, permission, recommendation) for permission in (
                    Permission.ISSUE_RECOMMENDATION, Permission.FOLLOW_UP_RECOMMENDATION,
                    Permission.READ_RECOMMENDATION))
            assert reads or not follows_up, (actor.full_name, name)
            assert follows_up or not issues, (actor.full_name, name)


def test_a_drafter_taken_off_the_case_no_longer_follows_it_up():
    """Drafted while assigned to the case; the follow-up then went to a colleague, the drafter
    was unassigned and the case closed: they no longer read it, so they no longer act on it."""
    drafter = make_user(Role.CASEWORKER, region=P)
    case = make_case(region=A, status=CaseStatus.CLOSED)
    recommendation = make_recommendation(case, record_status=RecordStatus.ISSUED,
                                         drafted_by=drafter,
                                         owner=make_user(Role.CASEWORKER, region=A))
    assert can(drafter, Permission.READ_RECOMMENDATION, recommendation) is False
    assert can(drafter, Permission.FOLLOW_UP_RECOMMENDATION, recommendation) is False
