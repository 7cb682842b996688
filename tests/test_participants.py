"""The registry of external NPM participants: the declaration's dates and their rules, the
audit, deactivation, the list's declaration states and filters, and who may keep it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.reference.editing import StaleRecord
from casework.reference.participants import (
    DeclarationState,
    ParticipantData,
    ParticipantFilters,
    list_participants,
    save_participant,
    set_participant_active,
)
from casework.reference.queries import ActiveFilter
from casework.reference.regions import Region
from casework.refusals import Refusal
from casework.visits.models import NpmParticipant
from tests.factories import make_user

TODAY = date(2026, 11, 10)


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    with time_machine.travel(TODAY):
        yield


def page(response) -> str:
    return response.get_data(as_text=True)


def participant(name: str = "Aigerim Sadykova", **kw) -> NpmParticipant:
    return save_participant(None, ParticipantData(full_name=name, **kw),
                            actor=make_user(Role.ADMIN))


def form(record: NpmParticipant | None = None, **changes) -> dict[str, str]:
    values = {
        "full_name": "Aigerim Sadykova", "organisation": "Kadir-Kassiyet",
        "expertise": "Forensic doctor", "region": "akmola", "contact": "+7 701 000 00 00",
        "declaration_number": "D-17", "declaration_signed_on": "2026-01-15",
        "declaration_valid_until": "2027-01-14",
    }
    if record is not None:
        values["opened_at"] = record.updated_at.isoformat()
    return values | changes


# -- services ---------------------------------------------------------------------------------


def test_participant_is_saved_and_audited(app):
    record = participant(organisation=" NGO ", region=Region.AKMOLA,
                         declaration_signed_on=date(2026, 1, 15), declaration_number="D-17")
    assert record.organisation == "NGO"
    assert record.is_active
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action is AuditAction.PARTICIPANT_SAVED
    assert entry.changes["declaration_signed_on"] == [None, "2026-01-15"]


@pytest.mark.parametrize(("dates", "field"), [
    ({"declaration_signed_on": date(2026, 11, 11)}, "declaration_signed_on"),  # tomorrow
    ({"declaration_signed_on": date(2026, 5, 1), "declaration_valid_until": date(2026, 4, 30)},
     "declaration_valid_until"),
    ({"declaration_valid_until": date(2027, 1, 1)}, "declaration_signed_on"),
    ({"declaration_number": "D-1"}, "declaration_signed_on"),
])
def test_declaration_dates_that_make_no_sense_are_refused(app, dates, field):
    with pytest.raises(Refusal) as refused:
        participant(**dates)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(NpmParticipant.id))) == 0


def test_a_declaration_signed_today_and_valid_for_one_day_is_accepted(app):
    record = participant(declaration_signed_on=TODAY, declaration_valid_until=TODAY)
    assert DeclarationState.of(record, TODAY) is DeclarationState.IN_FORCE


def test_a_blank_name_is_refused(app):
    with pytest.raises(Refusal) as refused:
        participant("   ")
    assert refused.value.field == "full_name"


def test_declaration_states_in_python_and_sql_agree(app):
    records = {
        DeclarationState.IN_FORCE: participant("In force",
                                               declaration_signed_on=date(2026, 1, 1)),
        DeclarationState.EXPIRED: participant("Expired", declaration_signed_on=date(2025, 1, 1),
                                              declaration_valid_until=date(2026, 11, 9)),
        DeclarationState.MISSING: participant("Missing"),
    }
    for state, record in records.items():
        assert DeclarationState.of(record, TODAY) is state
        found = list_participants(ParticipantFilters(declaration=state), 1, TODAY).items
        assert found == [record]


def test_deactivation_is_audited_and_filtered(app):
    admin = make_user(Role.ADMIN)
    record = participant("Leaving")
    participant("Staying")
    set_participant_active(record, False, actor=admin)
    actions = list(db.session.scalars(sa.select(AuditEntry.changes).order_by(AuditEntry.id)))
    assert actions[-1] == {"is_active": [True, False]}
    active = list_participants(ParticipantFilters(), 1, TODAY).items
    inactive = list_participants(ParticipantFilters(active=ActiveFilter.INACTIVE), 1, TODAY)
    assert [p.full_name for p in active] == ["Staying"]
    assert inactive.items == [record]


def test_a_save_after_someone_elses_is_refused_as_stale(app):
    admin = make_user(Role.ADMIN)
    record = participant()
    opened = record.updated_at
    save_participant(record, ParticipantData(full_name="First"), actor=admin, opened_at=opened)
    with pytest.raises(StaleRecord):
        save_participant(record, ParticipantData(full_name="Second"), actor=admin,
                         opened_at=opened)


# -- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_admin_and_supervisor_register_a_participant(client, login, role):
    login(make_user(role, region=Region.ASTANA if role is Role.SUPERVISOR else None))
    response = client.post("/participants/new", data=form())
    assert response.status_code == 302
    record = db.session.scalar(sa.select(NpmParticipant))
    assert (record.declaration_number, record.declaration_signed_on) == ("D-17", date(2026, 1, 15))
    body = page(client.get("/participants"))
    assert "Aigerim Sadykova" in body
    assert "In force" in body


def test_a_future_signature_is_refused_next_to_the_field_with_input_kept(client, login):
    login(make_user(Role.ADMIN))
    response = client.post("/participants/new",
                           data=form(declaration_signed_on="2026-12-01"))
    body = page(response)
    assert response.status_code == 400
    assert 'id="declaration_signed_on-error"' in body
    assert "cannot be signed in the future" in body
    assert 'value="Kadir-Kassiyet"' in body
    assert db.session.scalar(sa.select(sa.func.count(NpmParticipant.id))) == 0


def test_an_end_before_the_signature_is_refused(client, login):
    login(make_user(Role.ADMIN))
    response = client.post("/participants/new", data=form(declaration_valid_until="2026-01-14"))
    assert response.status_code == 400
    assert 'id="declaration_valid_until-error"' in page(response)


def test_edit_saves_and_a_stale_edit_answers_409(client, login):
    record = participant()
    db.session.commit()
    stale = form(record, full_name="Mine")
    save_participant(record, ParticipantData(full_name="Theirs"), actor=make_user(Role.ADMIN),
                     opened_at=record.updated_at)
    db.session.commit()
    login(make_user(Role.SUPERVISOR))
    conflict = client.post(f"/participants/{record.id}/edit", data=stale)
    assert conflict.status_code == 409
    assert "Theirs" in page(conflict)
    stamp = re.search(r'name="opened_at" type="hidden" value="([^"]+)"', page(conflict)).group(1)
    saved = client.post(f"/participants/{record.id}/edit", data=stale | {"opened_at": stamp})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(NpmParticipant, record.id).full_name == "Mine"


def test_list_filters_by_declaration_state_text_and_status(client, login):
    participant("Expired One", declaration_signed_on=date(2024, 1, 1),
                declaration_valid_until=date(2025, 1, 1))
    participant("Current One", expertise="Psychiatrist", declaration_signed_on=date(2026, 1, 1))
    gone = participant("Gone One")
    set_participant_active(gone, False, actor=make_user(Role.ADMIN))
    db.session.commit()
    login(make_user(Role.ADMIN))

    def listed(query: str) -> set[str]:
        body = page(client.get(f"/participants?{query}"))
        return set(re.findall(r'/edit\?next=[^"]*">([^<]+)</a>', body))

    assert listed("") == {"Expired One", "Current One"}
    assert listed("declaration=expired") == {"Expired One"}
    assert listed("declaration=in_force") == {"Current One"}
    assert listed("q=psychiatr") == {"Current One"}
    assert listed("status=inactive") == {"Gone One"}
    assert listed("status=all&declaration=missing") == {"Gone One"}


def test_deactivate_and_reactivate(client, login):
    record = participant()
    db.session.commit()
    login(make_user(Role.SUPERVISOR))
    assert client.post(f"/participants/{record.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert not db.session.get(NpmParticipant, record.id).is_active
    client.post(f"/participants/{record.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(NpmParticipant, record.id).is_active


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LAWYER, Role.MONITOR, Role.AUDITOR])
def test_other_roles_may_not_keep_the_registry(client, login, role):
    record = participant()
    db.session.commit()
    login(make_user(role))
    assert client.get("/participants").status_code == 403
    assert client.get("/participants/new").status_code == 403
    assert client.post("/participants/new", data=form()).status_code == 403
    assert client.get(f"/participants/{record.id}/edit").status_code == 403
    assert client.post(f"/participants/{record.id}/deactivate").status_code == 403
    db.session.expire_all()
    assert db.session.get(NpmParticipant, record.id).is_active


def test_missing_participant_is_404(client, login):
    login(make_user(Role.ADMIN))
    assert client.get("/participants/999/edit").status_code == 404
