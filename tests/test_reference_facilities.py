"""The admin's facility screens: saving with its rules and audit, CCTV through its history,
the stale-edit check, deactivation, and the list with its filters and paging."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.reference.editing import StaleRecord
from casework.reference.models import CctvChange, CctvCoverage, Facility, FacilityType
from casework.reference.regions import Region
from casework.reference.services import (
    ADMIN_CCTV_NOTE,
    FacilityData,
    save_facility,
    set_facility_active,
)
from casework.refusals import Refusal
from tests.factories import make_authority, make_facility, make_user


def page(response) -> str:
    return response.get_data(as_text=True)


def listed(client, query: str = "") -> set[str]:
    """The facility names the list links to."""
    body = page(client.get(f"/admin/facilities?{query}"))
    return set(re.findall(r'/edit\?next=[^"]*">([^<]+)</a>', body))


def audit_entries(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ))


def data(**changes) -> FacilityData:
    values = {"name": "Colony No. 12", "type": FacilityType.PENAL_COLONY, "region": Region.AKMOLA}
    return FacilityData(**(values | changes))


def form(facility: Facility | None = None, **changes) -> dict[str, str]:
    """The facility form as a browser posts it."""
    values = {
        "name": "Colony No. 12", "type": "penal_colony", "region": "akmola", "authority": "",
        "capacity": "1200", "cctv_coverage": "partial", "address": "Kosshy, 1",
    }
    if facility is not None:
        values["opened_at"] = facility.updated_at.isoformat()
    return values | changes


@pytest.fixture
def admin():
    return make_user(Role.ADMIN)


# -- services ---------------------------------------------------------------------------------


def test_new_facility_is_saved_audited_and_its_cctv_starts_its_history(app, admin):
    authority = make_authority(name="Department of the Penal System")
    facility = save_facility(None, data(name="  Colony   No. 12 ", authority=authority,
                                        capacity=1200, cctv_coverage=CctvCoverage.PARTIAL),
                             actor=admin)
    assert facility.name == "Colony No. 12"
    assert facility.is_active
    assert facility.authority_id == authority.id
    [change] = facility.cctv_changes
    assert change.coverage is CctvCoverage.PARTIAL
    assert change.note == ADMIN_CCTV_NOTE
    [entry] = audit_entries(AuditAction.FACILITY_SAVED)
    assert entry.object_id == facility.id
    assert entry.changes["name"] == [None, "Colony No. 12"]
    assert entry.changes["authority_id"] == [None, authority.id]
    assert entry.at == facility.updated_at


def test_new_facility_with_unknown_cctv_has_no_history_yet(app, admin):
    facility = save_facility(None, data(), actor=admin)
    assert facility.cctv_coverage is CctvCoverage.UNKNOWN
    assert facility.cctv_changes == []


def test_edit_audits_only_the_changed_fields_and_records_the_cctv_change(app, admin):
    facility = make_facility(Region.AKMOLA, name="Colony No. 12", capacity=900)
    save_facility(facility, data(capacity=1000, cctv_coverage=CctvCoverage.FULL), actor=admin)
    [entry] = audit_entries(AuditAction.FACILITY_SAVED)
    assert entry.changes == {"capacity": [900, 1000], "cctv_coverage": ["unknown", "full"]}
    assert [c.coverage for c in facility.cctv_changes] == [CctvCoverage.FULL]


def test_saving_without_a_change_writes_no_audit_and_no_cctv_history(app, admin):
    facility = make_facility(Region.AKMOLA, name="Colony No. 12")
    save_facility(facility, data(), actor=admin)
    assert audit_entries(AuditAction.FACILITY_SAVED) == []
    assert db.session.scalar(sa.select(sa.func.count(CctvChange.id))) == 0


def test_a_second_facility_of_the_same_name_in_the_region_is_refused(app, admin):
    make_facility(Region.AKMOLA, name="Colony No. 12")
    with pytest.raises(Refusal) as refused:
        save_facility(None, data(), actor=admin)
    assert refused.value.field == "name"
    save_facility(None, data(region=Region.PAVLODAR), actor=admin)  # another region is fine


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "   "}, "name"),
    ({"name": "x" * 301}, "name"),
    ({"capacity": -1}, "capacity"),
    ({"capacity": 100_001}, "capacity"),
])
def test_invalid_facility_data_is_refused_on_its_field(app, admin, changes, field):
    with pytest.raises(Refusal) as refused:
        save_facility(None, data(**changes), actor=admin)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Facility.id))) == 0


def test_a_save_after_someone_elses_is_refused_as_stale(app, admin):
    facility = make_facility(Region.AKMOLA, name="Colony No. 12")
    opened = facility.updated_at
    save_facility(facility, data(capacity=10), actor=admin, opened_at=opened)
    with pytest.raises(StaleRecord):
        save_facility(facility, data(capacity=20), actor=admin, opened_at=opened)
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).capacity == 10


def test_deactivation_keeps_the_facility_and_is_audited(app, admin):
    facility = make_facility()
    set_facility_active(facility, False, actor=admin)
    set_facility_active(facility, False, actor=admin)  # already inactive: nothing to record
    set_facility_active(facility, True, actor=admin)
    assert facility.is_active
    assert [e.changes for e in audit_entries(AuditAction.FACILITY_SAVED)] == [
        {"is_active": [True, False]}, {"is_active": [False, True]},
    ]


# -- pages ------------------------------------------------------------------------------------


def test_admin_creates_a_facility_through_the_form(client, login, admin):
    login(admin)
    response = client.post("/admin/facilities/new", data=form())
    assert response.status_code == 302
    facility = db.session.scalar(sa.select(Facility))
    assert (facility.name, facility.capacity, facility.cctv_coverage) == (
        "Colony No. 12", 1200, CctvCoverage.PARTIAL)
    assert "Colony No. 12" in page(client.get(response.location))


def test_a_refused_facility_keeps_the_input_and_says_why_next_to_the_field(client, login, admin):
    make_facility(Region.AKMOLA, name="Colony No. 12")
    db.session.commit()
    login(admin)
    response = client.post("/admin/facilities/new", data=form(address="Typed address"))
    assert response.status_code == 400
    assert "A facility of this name already exists in this region." in page(response)
    assert 'id="name-error"' in page(response)
    assert "Typed address" in page(response)


def test_edit_form_saves_and_returns_to_the_filtered_list(client, login, admin):
    authority = make_authority(name="Penal System Department")
    facility = make_facility(Region.AKMOLA, name="Colony No. 12", authority=authority)
    db.session.commit()
    login(admin)
    edit = page(client.get(f"/admin/facilities/{facility.id}/edit"))
    assert facility.updated_at.isoformat() in edit
    assert re.search(rf'<option selected value="{authority.id}">Penal System Department', edit)
    response = client.post(f"/admin/facilities/{facility.id}/edit",
                           data=form(facility, capacity="50", authority=str(authority.id),
                                     next="/admin/facilities?q=Col"))
    assert response.status_code == 302
    assert response.location.endswith("/admin/facilities?q=Col")
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).capacity == 50


def test_edit_after_someone_elses_save_answers_409_with_the_changes(client, login, admin):
    facility = make_facility(Region.AKMOLA, name="Colony No. 12", capacity=100)
    db.session.commit()
    stale_form = form(facility, capacity="300", address="My address")
    other = make_user(Role.ADMIN, full_name="Other Admin")
    save_facility(facility, data(capacity=200), actor=other, opened_at=facility.updated_at)
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/facilities/{facility.id}/edit", data=stale_form)
    body = page(response)
    assert response.status_code == 409
    assert "What changed since you opened the form" in body
    row = re.search(r"<th scope=\"row\">Capacity</th>(.*?)</tr>", body, re.S).group(1)
    assert re.findall(r"<td[^>]*>([^<]+)</td>", row)[:4] == ["100", "200", "300", "Other Admin"]
    assert "My address" in body  # the input is kept
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).capacity == 200
    # The form now carries the current stamp: saving again goes over the other save.
    stamp = re.search(r'name="opened_at" type="hidden" value="([^"]+)"', body).group(1)
    again = client.post(f"/admin/facilities/{facility.id}/edit",
                        data=stale_form | {"opened_at": stamp})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).capacity == 300


def test_edit_without_the_opened_stamp_is_refused(client, login, admin):
    facility = make_facility(Region.AKMOLA, name="Colony No. 12")
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/facilities/{facility.id}/edit",
                           data=form(opened_at="yesterday"))
    assert response.status_code == 400
    assert "The form is out of date" in page(response)


def test_edit_page_shows_the_cctv_history(client, login, admin):
    facility = save_facility(None, data(cctv_coverage=CctvCoverage.NONE), actor=admin)
    db.session.commit()
    login(admin)
    body = page(client.get(f"/admin/facilities/{facility.id}/edit"))
    assert "CCTV history" in body
    assert ADMIN_CCTV_NOTE in body


def test_deactivate_and_reactivate_through_the_list(client, login, admin):
    facility = make_facility(name="Closed colony")
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/facilities/{facility.id}/deactivate",
                           data={"next": "/admin/facilities?status=all"})
    assert response.location.endswith("/admin/facilities?status=all")
    assert "Closed colony" not in listed(client)
    assert listed(client, "status=inactive") == {"Closed colony"}
    client.post(f"/admin/facilities/{facility.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).is_active


def test_deactivating_leaves_no_way_to_an_outside_site(client, login, admin):
    facility = make_facility()
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/facilities/{facility.id}/deactivate",
                           data={"next": "//evil.example/"})
    assert response.location.endswith("/admin/facilities")


def test_list_filters_by_region_type_and_text(client, login, admin):
    make_facility(Region.AKMOLA, name="Colony Akmola", type=FacilityType.PENAL_COLONY)
    make_facility(Region.PAVLODAR, name="SIZO Pavlodar", type=FacilityType.PRETRIAL_DETENTION,
                  address="Ulitsa Lenina")
    make_facility(Region.PAVLODAR, name="Изолятор временного содержания",
                  type=FacilityType.TEMPORARY_HOLDING)
    db.session.commit()
    login(admin)
    assert listed(client, "region=pavlodar") == {"SIZO Pavlodar", "Изолятор временного содержания"}
    assert listed(client, "type=penal_colony") == {"Colony Akmola"}
    assert listed(client, "q=lenina") == {"SIZO Pavlodar"}
    assert listed(client, "q=ИЗОЛЯТОР") == {"Изолятор временного содержания"}
    assert listed(client, "q=%25") == set()  # % is a character to find, not a wildcard
    assert len(listed(client, "region=nowhere&type=&status=bogus")) == 3


def test_list_pages_through_many_facilities(client, login, admin, app):
    for n in range(app.config["PAGE_SIZE"] + 3):
        make_facility(name=f"Facility {n:03d}")
    db.session.commit()
    login(admin)
    first = page(client.get("/admin/facilities"))
    second = page(client.get("/admin/facilities?page=2"))
    assert "Facility 000" in first
    assert "Facility 027" not in first
    assert "Facility 027" in second
    assert "Page 2 of 2" in second


def test_missing_facility_is_404(client, login, admin):
    login(admin)
    assert client.get("/admin/facilities/999/edit").status_code == 404
    assert client.post("/admin/facilities/999/deactivate").status_code == 404


def test_stale_check_compares_the_exact_instant(app, admin):
    facility = make_facility(Region.AKMOLA, name="Colony No. 12")
    with pytest.raises(StaleRecord):
        save_facility(facility, data(capacity=5), actor=admin,
                      opened_at=facility.updated_at - timedelta(microseconds=1))
