"""The admin's authority screens: saving with its rules (a response period of 1 to 90 working
days, no loop of parents), the audit, the stale-edit check, the parent picker and the list."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.reference.editing import StaleRecord
from casework.reference.models import Authority, AuthorityType, Language
from casework.reference.regions import Region
from casework.reference.services import AuthorityData, descendant_ids, save_authority
from casework.refusals import Refusal
from tests.factories import make_authority, make_user


def page(response) -> str:
    return response.get_data(as_text=True)


def data(**changes) -> AuthorityData:
    values = {"name": "Prosecutor's Office of Akmola Region", "type": AuthorityType.PROSECUTOR}
    return AuthorityData(**(values | changes))


def form(authority: Authority | None = None, **changes) -> dict[str, str]:
    values = {
        "name": "Prosecutor's Office of Akmola Region", "type": "prosecutor", "parent": "",
        "region": "akmola", "address": "Kokshetau", "contact": "+7 7162 00 00 00",
        "response_period_days": "15", "letter_language": "ru",
    }
    if authority is not None:
        values["opened_at"] = authority.updated_at.isoformat()
    return values | changes


@pytest.fixture
def admin():
    return make_user(Role.ADMIN)


@pytest.fixture
def chain():
    """A ministry above a committee above a department."""
    ministry = make_authority(name="Ministry of Internal Affairs")
    committee = make_authority(name="Penal System Committee", parent=ministry,
                               type=AuthorityType.COMMITTEE)
    department = make_authority(name="Penal System Department of Akmola", parent=committee,
                                type=AuthorityType.COMMITTEE)
    return ministry, committee, department


# -- services ---------------------------------------------------------------------------------


def test_new_authority_is_saved_and_audited(app, admin, chain):
    ministry = chain[0]
    authority = save_authority(
        None, data(parent=ministry, region=Region.AKMOLA, response_period_days=30,
                   letter_language=Language.KK), actor=admin,
    )
    assert authority.parent is ministry
    assert authority.letter_language is Language.KK
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action is AuditAction.AUTHORITY_SAVED
    assert entry.changes["parent_id"] == [None, ministry.id]
    assert entry.changes["response_period_days"] == [None, 30]


@pytest.mark.parametrize("days", [0, 91, -5])
def test_response_period_outside_1_to_90_working_days_is_refused(app, admin, days):
    with pytest.raises(Refusal) as refused:
        save_authority(None, data(response_period_days=days), actor=admin)
    assert refused.value.field == "response_period_days"


@pytest.mark.parametrize("days", [1, 90])
def test_response_period_limits_are_accepted(app, admin, days):
    assert save_authority(None, data(response_period_days=days), actor=admin).id


def test_an_authority_cannot_be_its_own_parent_or_ancestor(app, admin, chain):
    ministry, committee, department = chain
    for parent in (ministry, committee, department):
        with pytest.raises(Refusal) as refused:
            save_authority(ministry, data(name=ministry.name, type=AuthorityType.MINISTRY,
                                          parent=parent), actor=admin)
        assert refused.value.field == "parent"
    db.session.expire_all()
    assert db.session.get(Authority, ministry.id).parent_id is None


def test_moving_an_authority_under_a_sibling_branch_is_allowed(app, admin, chain):
    ministry, committee, department = chain
    other = make_authority(name="Prosecutor General's Office", type=AuthorityType.PROSECUTOR)
    save_authority(committee, data(name=committee.name, type=AuthorityType.COMMITTEE,
                                   parent=other), actor=admin)
    assert committee.parent is other
    assert descendant_ids(other.id) == {committee.id, department.id}
    assert descendant_ids(ministry.id) == set()


def test_two_authorities_cannot_share_a_name(app, admin):
    make_authority(name="Ministry of Health")
    with pytest.raises(Refusal) as refused:
        save_authority(None, data(name=" Ministry  of Health"), actor=admin)
    assert refused.value.field == "name"


def test_a_save_after_someone_elses_is_refused_as_stale(app, admin):
    authority = make_authority()
    opened = authority.updated_at
    save_authority(authority, data(name=authority.name, contact="first"), actor=admin,
                   opened_at=opened)
    with pytest.raises(StaleRecord):
        save_authority(authority, data(name=authority.name, contact="second"), actor=admin,
                       opened_at=opened)


# -- pages ------------------------------------------------------------------------------------


def test_admin_creates_an_authority_through_the_form(client, login, admin, chain):
    login(admin)
    response = client.post("/admin/authorities/new", data=form(parent=str(chain[0].id)))
    assert response.status_code == 302
    authority = db.session.scalar(
        sa.select(Authority).where(Authority.name == "Prosecutor's Office of Akmola Region"))
    assert authority.parent_id == chain[0].id
    assert authority.region is Region.AKMOLA


def test_form_refuses_a_response_period_over_90_days(client, login, admin):
    login(admin)
    response = client.post("/admin/authorities/new", data=form(response_period_days="91"))
    assert response.status_code == 400
    assert 'id="response_period_days-error"' in page(response)
    assert db.session.scalar(sa.select(sa.func.count(Authority.id))) == 0


def test_parent_picker_leaves_out_the_authority_and_those_below_it(client, login, admin, chain):
    ministry, committee, _department = chain
    other = make_authority(name="Ministry of Health")
    db.session.commit()
    login(admin)
    body = page(client.get(f"/admin/authorities/{committee.id}/edit"))
    picker = re.search(r'<select[^>]*name="parent".*?</select>', body, re.S).group(0)
    offered = set(re.findall(r'<option[^>]*value="(\d+)"', picker))
    assert offered == {str(ministry.id), str(other.id)}
    assert f'<option selected value="{ministry.id}">' in picker


def test_a_forged_loop_is_refused_next_to_the_parent_field(client, login, admin, chain):
    ministry, _committee, department = chain
    db.session.commit()
    login(admin)
    response = client.post(
        f"/admin/authorities/{ministry.id}/edit",
        data=form(ministry, name=ministry.name, type="ministry", parent=str(department.id)),
    )
    assert response.status_code == 400
    assert "cannot be its own ancestor" in page(response)
    assert 'id="parent-error"' in page(response)
    db.session.expire_all()
    assert db.session.get(Authority, ministry.id).parent_id is None


def test_a_parent_that_does_not_exist_is_refused(client, login, admin):
    login(admin)
    response = client.post("/admin/authorities/new", data=form(parent="999999"))
    assert response.status_code == 400
    assert "This authority no longer exists." in page(response)
    huge = client.post("/admin/authorities/new", data=form(parent=str(2**40)))
    assert huge.status_code == 400


def test_edit_after_someone_elses_save_answers_409(client, login, admin):
    authority = make_authority(name="Ministry of Health", contact="old")
    db.session.commit()
    stale_form = form(authority, name="Ministry of Health", type="ministry", contact="mine")
    save_authority(authority, data(name="Ministry of Health", type=AuthorityType.MINISTRY,
                                   contact="theirs"), actor=admin, opened_at=authority.updated_at)
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/authorities/{authority.id}/edit", data=stale_form)
    assert response.status_code == 409
    body = page(response)
    assert "theirs" in body
    assert 'value="mine"' in body
    db.session.expire_all()
    assert db.session.get(Authority, authority.id).contact == "theirs"


def test_list_filters_by_type_region_and_text(client, login, admin, chain):
    make_authority(name="Прокуратура Павлодарской области", type=AuthorityType.PROSECUTOR,
                   region=Region.PAVLODAR)
    db.session.commit()
    login(admin)

    def listed(query: str) -> set[str]:
        body = page(client.get(f"/admin/authorities?{query}"))
        return set(re.findall(r'/edit\?next=[^"]*">([^<]+)</a>', body))

    assert listed("type=prosecutor") == {"Прокуратура Павлодарской области"}
    assert listed("region=pavlodar") == {"Прокуратура Павлодарской области"}
    assert listed("q=PENAL system") == {"Penal System Committee",
                                        "Penal System Department of Akmola"}
    assert len(listed("")) == 4


def test_missing_authority_is_404(client, login, admin):
    login(admin)
    assert client.get("/admin/authorities/999/edit").status_code == 404
