"""Registering a complaint: the form over HTTP, the duplicate check and register_case()."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.attachments.models import Attachment
from casework.audit import AuditAction, AuditEntry
from casework.cases import deadlines
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import (
    AssignmentRole,
    Case,
    CaseParty,
    Channel,
    Event,
    EventKind,
    PartyRole,
)
from casework.database import OFFICE_TZ
from casework.extensions import db
from casework.intake.duplicates import find_possible_duplicates
from casework.intake.services import IntakeData, PartyInput, pseudonym_letter, register_case
from casework.people.models import Person
from casework.people.services import NewPerson
from casework.reference.regions import Region
from casework.workdays import WorkingCalendar
from tests.factories import (
    add_party,
    make_case,
    make_category,
    make_facility,
    make_person,
    make_user,
    valid_iin,
)

TODAY = date(2026, 11, 10)  # a Tuesday
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _office_date():
    """Registration dates and references depend on the office's today."""
    with time_machine.travel(datetime(2026, 11, 10, 10, 0, tzinfo=OFFICE_TZ)):
        yield


@pytest.fixture
def setting():
    facility = make_facility(Region.KARAGANDA)
    torture, conditions = make_category("torture"), make_category("conditions")
    caseworker = make_user(Role.CASEWORKER)
    db.session.commit()
    return facility, torture, conditions, caseworker


def form_data(setting, **overrides) -> dict:
    facility, torture, _conditions, _user = setting
    data = {
        "kind": "complaint",
        "channel": "letter",
        "received_on": "2026-11-09",
        "complainant-full_name": "Айгерим Сапарова",
        "complainant-iin": valid_iin("90010140012"),
        "complainant-contact": "+7 701 000 0000",
        "complainant-consents_to_disclosure": "y",
        "complainant-consent_scope": "Prosecutor's office",
        "victims-0-full_name": "Ерлан Сапаров",
        "victims-0-birth_date": "1988-03-04",
        "victims-0-sex": "male",
        "victims-0-detention_status": "sentenced",
        "victims-0-is_reprisal_risk": "y",
        "victims-1-full_name": "",
        "victims-2-full_name": "",
        "facility_id": str(facility.id),
        "region": "",
        "category_ids": [str(torture.id)],
        "is_urgent": "y",
        "summary": "Beaten by guards after a transfer",
        "description": "Details from the letter.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def intake_audit_actions() -> list[AuditAction]:
    """Audit actions other than signing in."""
    statement = sa.select(AuditEntry.action).where(AuditEntry.action != AuditAction.SIGN_IN)
    return list(db.session.scalars(statement.order_by(AuditEntry.id)))


def test_form_offers_three_victim_rows_and_sensible_defaults(client, login, setting):
    login(setting[3])
    page = client.get("/cases/new").get_data(as_text=True)
    assert 'name="victims-2-full_name"' in page
    assert 'name="victims-3-full_name"' not in page
    assert '<option selected value="complaint">' in page
    assert 'value="2026-11-10"' in page  # received today, in the office's time zone


def test_caseworker_registers_a_complaint(client, login, setting):
    facility, torture, _conditions, caseworker = setting
    login(caseworker)

    response = client.post("/cases/new", data=form_data(setting))

    case = db.session.scalar(sa.select(Case))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.reference == "2026-00001"
    assert case.status is CaseStatus.REGISTERED
    assert (case.received_on, case.registered_on) == (date(2026, 11, 9), TODAY)
    assert case.region is Region.KARAGANDA  # taken from the facility
    assert case.categories == [torture]
    calendar = WorkingCalendar.load()
    assert case.decision_due == deadlines.decision_due(TODAY, calendar)
    assert case.first_action_due == date(2026, 11, 11)
    assert [(p.role, p.pseudonym) for p in case.parties] == [
        (PartyRole.COMPLAINANT, "Applicant A."),
        (PartyRole.VICTIM, "Victim B."),
    ]
    complainant, victim = case.parties
    assert complainant.consents_to_disclosure
    assert complainant.consent_recorded_on == TODAY
    assert complainant.consent_scope == "Prosecutor's office"
    assert victim.is_reprisal_risk
    assert not victim.consents_to_disclosure
    assert victim.person.facility_id == facility.id  # held where the complaint is about
    assert [(a.user_id, a.role) for a in case.assignments] == [
        (caseworker.id, AssignmentRole.CASEWORKER)
    ]
    events = db.session.scalars(sa.select(Event).where(Event.case_id == case.id)).all()
    assert [e.kind for e in events] == [EventKind.REGISTERED]
    assert intake_audit_actions() == [
        AuditAction.PERSON_CREATED, AuditAction.PERSON_CREATED, AuditAction.CASE_REGISTERED,
    ]


def test_new_case_appears_on_the_creators_case_page(client, login, setting):
    login(setting[3])
    response = client.post("/cases/new", data=form_data(setting), follow_redirects=True)
    assert response.status_code == 200
    assert "2026-00001" in response.get_data(as_text=True)


def test_anonymous_complaint_records_no_complainant(client, login, setting):
    login(setting[3])
    data = form_data(setting, **{"is_anonymous": "y", "complainant-full_name": "",
                                 "complainant-iin": "12345"})  # ignored when anonymous

    assert client.post("/cases/new", data=data).status_code == 302

    case = db.session.scalar(sa.select(Case))
    assert case.is_anonymous
    assert [(p.role, p.pseudonym) for p in case.parties] == [(PartyRole.VICTIM, "Victim A.")]


def test_complaint_needs_a_named_complainant_unless_anonymous(client, login, setting):
    login(setting[3])
    data = form_data(setting, **{"complainant-full_name": "", "complainant-iin": ""})
    response = client.post("/cases/new", data=data)
    assert response.status_code == 200
    assert "tick “Anonymous complaint”" in response.get_data(as_text=True)
    assert count(Case) == 0


def test_future_received_date_is_refused(client, login, setting):
    login(setting[3])
    response = client.post("/cases/new", data=form_data(setting, received_on="2026-11-11"))
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.get_data(as_text=True)
    assert count(Case) == 0


def test_bad_iin_is_refused_with_input_kept_and_nothing_saved(client, login, setting):
    login(setting[3])
    data = form_data(setting, **{"victims-0-iin": "123456789012"})
    response = client.post("/cases/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "IIN must be 12 digits with a valid check digit" in page
    assert 'value="Ерлан Сапаров"' in page
    assert 'value="123456789012"' in page
    assert (count(Case), count(Person)) == (0, 0)
    assert intake_audit_actions() == []


def test_blank_victim_rows_are_ignored_but_one_victim_is_needed(client, login, setting):
    login(setting[3])
    data = form_data(setting, **{"victims-0-full_name": "", "victims-0-birth_date": ""})
    response = client.post("/cases/new", data=data)
    assert "Add at least one victim" in response.get_data(as_text=True)
    data["complainant_is_victim"] = "y"
    assert client.post("/cases/new", data=data).status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert [(p.role, p.pseudonym) for p in case.parties] == [
        (PartyRole.COMPLAINANT, "Applicant A."),
        (PartyRole.VICTIM, "Victim A."),  # the same person keeps their letter
    ]


def test_region_is_required_without_a_facility(client, login, setting):
    login(setting[3])
    data = form_data(setting, facility_id="")
    response = client.post("/cases/new", data=data)
    assert "Choose the region, or a facility." in response.get_data(as_text=True)
    data["region"] = "shymkent"
    assert client.post("/cases/new", data=data).status_code == 302
    assert db.session.scalar(sa.select(Case.region)) is Region.SHYMKENT


def test_at_least_one_category_is_required(client, login, setting):
    login(setting[3])
    response = client.post("/cases/new", data=form_data(setting, category_ids=[]))
    assert "Choose at least one." in response.get_data(as_text=True)
    assert count(Case) == 0


def test_files_sent_with_the_complaint_are_attached(client, login, setting):
    login(setting[3])
    data = form_data(setting, attachments=[(io.BytesIO(PDF), "letter.pdf")])
    assert client.post("/cases/new", data=data).status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    assert (attachment.file_name, attachment.media_type) == ("letter.pdf", "application/pdf")


def test_disguised_file_at_intake_is_refused_and_nothing_saved(client, login, setting):
    login(setting[3])
    html = b"<!doctype html><html><script>alert(1)</script></html>"
    data = form_data(setting, attachments=[(io.BytesIO(html), "letter.pdf")])
    response = client.post("/cases/new", data=data)
    page = response.get_data(as_text=True)
    assert "letter.pdf was refused" in page
    assert "choose them again" in page
    assert count(Case) == 0


def test_possible_duplicate_is_shown_then_saved_anyway(client, login, setting):
    _facility, _torture, _conditions, caseworker = setting
    iin = valid_iin("88050550012")
    earlier = make_case(region=Region.KARAGANDA, assignees=(caseworker,))
    add_party(earlier, make_person(full_name="Ерлан Сапаров", iin=iin))
    db.session.commit()
    login(caseworker)
    data = form_data(setting, **{"victims-0-iin": iin})

    warning = client.post("/cases/new", data=data)

    page = warning.get_data(as_text=True)
    assert warning.status_code == 200
    assert "Possible duplicates" in page
    assert f'href="/cases/{earlier.id}">{earlier.reference}</a>' in page
    assert 'name="confirm_duplicates" value="1"' in page
    assert count(Case) == 1

    saved = client.post("/cases/new", data={**data, "confirm_duplicates": "1"})

    assert saved.status_code == 302
    assert count(Case) == 2
    assert count(Person) == 2  # the victim was linked to the existing person, not copied
    new_case = db.session.scalar(sa.select(Case).where(Case.id != earlier.id))
    assert new_case.parties[1].person.iin == iin


def test_duplicate_the_user_cannot_read_shows_reference_and_status_only(client, login, setting):
    _facility, _torture, _conditions, caseworker = setting
    person = make_person()
    elsewhere = make_case(region=Region.ABAI)  # another unit; caseworker has a region below
    add_party(elsewhere, person)
    caseworker.region = Region.KARAGANDA
    db.session.commit()
    login(caseworker)
    data = form_data(setting, **{"victims-0-person_id": str(person.id)})

    page = client.post("/cases/new", data=data).get_data(as_text=True)

    assert elsewhere.reference in page
    assert f"/cases/{elsewhere.id}" not in page


def test_recent_case_at_same_facility_with_shared_category_is_a_possible_duplicate(setting):
    facility, torture, conditions, _user = setting
    recent = make_case(facility=facility, categories=[torture], received_on=date(2026, 10, 20))
    make_case(facility=facility, categories=[torture], received_on=date(2026, 9, 1))  # too old
    make_case(facility=facility, categories=[conditions], received_on=date(2026, 11, 2))
    make_case(categories=[torture], received_on=date(2026, 11, 2))  # no facility

    found = find_possible_duplicates(facility_id=facility.id, category_ids={torture.id})

    assert [(d.case, d.same_place, d.same_person) for d in found] == [(recent, True, False)]


def test_closed_cases_about_the_same_person_are_not_duplicates(setting):
    person = make_person(iin=valid_iin("77010150012"))
    add_party(make_case(status=CaseStatus.CLOSED), person)
    open_case = make_case()
    add_party(open_case, person)
    assert [d.case for d in find_possible_duplicates(iins={person.iin})] == [open_case]
    assert [d.case for d in find_possible_duplicates(person_ids={person.id})] == [open_case]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LAWYER, Role.AUDITOR])
def test_roles_without_register_permission_are_refused(client, login, setting, role):
    login(make_user(role))
    db.session.commit()
    assert client.get("/cases/new").status_code == 403
    assert client.post("/cases/new", data=form_data(setting)).status_code == 403
    assert count(Case) == 0


# -- the service on its own --------------------------------------------------------------------


def intake(setting, **overrides) -> IntakeData:
    facility, torture, _conditions, _user = setting
    values = {
        "channel": Channel.HOTLINE,
        "received_on": TODAY,
        "summary": "No medical care",
        "category_ids": [torture.id],
        "facility_id": facility.id,
        "complainant": PartyInput(new_person=NewPerson(full_name="Complainant One")),
    }
    values.update(overrides)
    return IntakeData(**values)


def test_references_count_up_per_year(setting):
    actor = make_user(Role.SUPERVISOR)
    first = register_case(intake(setting), actor=actor)
    second = register_case(intake(setting), actor=actor)
    assert (first.reference, second.reference) == ("2026-00001", "2026-00002")
    assert first.first_action_due is None  # not urgent
    assert first.assignments == []  # a supervisor registering is not made the caseworker


def test_new_person_with_a_known_iin_is_linked_not_duplicated(setting):
    known = make_person(full_name="Known Person", iin=valid_iin("66030350012"))
    victim = PartyInput(new_person=NewPerson(full_name="Typed Differently", iin=known.iin))
    case = register_case(intake(setting, victims=[victim]), actor=setting[3])
    assert case.parties[1].person == known
    assert count(Person) == 2


def test_pseudonyms_follow_the_order_of_parties(setting):
    victims = [PartyInput(new_person=NewPerson(full_name=f"Victim {n}")) for n in range(3)]
    case = register_case(intake(setting, victims=victims), actor=setting[3])
    assert [p.pseudonym for p in case.parties] == [
        "Applicant A.", "Victim B.", "Victim C.", "Victim D.",
    ]
    assert [pseudonym_letter(n) for n in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def test_registration_date_is_the_office_date_not_utc(setting):
    # 23:30 UTC on the 9th is already the 10th in Almaty.
    with time_machine.travel(datetime(2026, 11, 9, 23, 30, tzinfo=UTC)):
        case = register_case(intake(setting), actor=setting[3])
    assert case.registered_on == TODAY


def test_party_rows_are_unique_per_person_and_role(setting):
    person = make_person()
    twice = [PartyInput(person_id=person.id), PartyInput(person_id=person.id)]
    case = register_case(intake(setting, complainant=None, victims=twice), actor=setting[3])
    rows = db.session.scalars(sa.select(CaseParty).where(CaseParty.case_id == case.id)).all()
    assert [(r.person_id, r.role) for r in rows] == [(person.id, PartyRole.VICTIM)]

