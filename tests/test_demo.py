"""The demo office: every stage of the lifecycle, valid IINs, every role, coherent histories."""

from __future__ import annotations

import sqlalchemy as sa

from casework.accounts.models import User
from casework.accounts.passwords import verify_password
from casework.accounts.roles import Role
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case, Event, EventKind
from casework.demo import load_demo_office
from casework.demo.office import COLLEAGUES, DEMO_ACCOUNTS
from casework.extensions import db
from casework.numbering import ReferenceCounter
from casework.people.iin import is_valid_iin
from casework.people.models import Person
from casework.reference.models import Category, Facility, FacilityType


def test_small_demo_has_every_status_outcome_rule_and_role(app):
    load_demo_office(seed=7, case_count=40)
    cases = list(db.session.scalars(sa.select(Case)))
    assert len(cases) == 40
    assert {case.status for case in cases} == set(CaseStatus)
    assert all((case.status is CaseStatus.CLOSED) == (case.outcome is not None) for case in cases)
    roles = {role for user in db.session.scalars(sa.select(User)) for role in user.roles}
    assert roles == set(Role)


def test_demo_people_have_valid_unique_iins(app):
    load_demo_office(seed=7, case_count=30)
    iins = list(db.session.scalars(sa.select(Person.iin).where(Person.iin.is_not(None))))
    assert iins
    assert all(is_valid_iin(iin) for iin in iins)
    assert len(iins) == len(set(iins))


def test_demo_reference_data_covers_every_facility_type_and_category(app):
    load_demo_office(seed=7, case_count=5)
    types = set(db.session.scalars(sa.select(Facility.type)))
    assert types == set(FacilityType)
    codes = set(db.session.scalars(sa.select(Category.code)))
    assert {"torture", "death_in_custody", "other"} <= codes
    assert len(codes) == 11


def test_demo_timeline_walks_from_registration_to_the_current_status(app):
    load_demo_office(seed=11, case_count=40)
    for case in db.session.scalars(sa.select(Case)):
        events = list(
            db.session.scalars(sa.select(Event).where(Event.case_id == case.id).order_by(Event.id))
        )
        assert events[0].kind is EventKind.REGISTERED, case.reference
        assert [e.at for e in events] == sorted(e.at for e in events), case.reference
        status = CaseStatus.REGISTERED
        for event in events:
            if event.kind is EventKind.TRANSITION:
                assert event.data["from"] == status, case.reference
                status = CaseStatus(event.data["to"])
        assert status is case.status, case.reference


def test_demo_numbers_cases_through_the_counter(app):
    load_demo_office(seed=7, case_count=25)
    references = list(db.session.scalars(sa.select(Case.reference)))
    counters = db.session.scalar(sa.select(sa.func.sum(ReferenceCounter.value)))
    assert len(set(references)) == 25
    assert counters == 25


def test_demo_accounts_sign_in_with_the_printed_passwords(app):
    load_demo_office(seed=7, case_count=1)
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        assert verify_password(user.password_hash, account.password), account.email


def test_demo_command_skips_when_users_exist_but_still_prints_the_accounts(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["casework", "demo", "--cases", "5", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demo office loaded" in first.output
    second = runner.invoke(args=["casework", "demo", "--cases", "5", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "not loaded" in second.output
    assert "demo-supervisor-2026" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 5


def test_running_the_demo_again_adds_cases_but_no_duplicate_accounts(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["casework", "demo", "--cases", "3"])
        assert result.exit_code == 0, result.output
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert users == len(DEMO_ACCOUNTS) + len(COLLEAGUES)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 6
