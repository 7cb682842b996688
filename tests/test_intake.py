"""Registering a complaint: the form over HTTP, the duplicate check and register_case()."""

from __future__ import annotations

import html
import io
import json
import re
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
from casework.intake.services import (
    IntakeData,
    IntakeError,
    PartyInput,
    earliest_received_on,
    register_case,
    unidentifiable_typed_people,
)
from casework.parties.pseudonyms import pseudonym_letter
from casework.people.models import Person
from casework.people.services import SEARCH_LIMIT, NewPerson, mask_iin
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
    assert "Choose at least one category." in response.get_data(as_text=True)
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
    assert "Select these files again" in page
    assert '<li><a href="#attachments">Attachments</a></li>' in error_summary(page)
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
    assert case_link(earlier) in page
    assert 'name="confirm_duplicates" value="1"' in page
    assert count(Case) == 1

    saved = client.post("/cases/new", data={**data, "confirm_duplicates": "1"})

    assert saved.status_code == 302
    assert count(Case) == 2
    assert count(Person) == 2  # the victim was linked to the existing person, not copied
    new_case = db.session.scalar(sa.select(Case).where(Case.id != earlier.id))
    assert new_case.parties[1].person.iin == iin


def case_link(case: Case) -> str:
    """A duplicate's link: it opens in a new tab, so that the filled-in form is kept."""
    return (f'<a href="/cases/{case.id}" target="_blank" rel="noopener">{case.reference}'
            '<span class="visually-hidden"> (opens in a new tab)</span></a>')


def error_summary(page: str) -> str:
    match = re.search(r'<div class="[^"]*error-summary".*?</div>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_duplicate_the_user_cannot_read_is_only_counted(client, login, setting):
    _facility, _torture, _conditions, caseworker = setting
    iin = valid_iin("88050550012")
    elsewhere = make_case(region=Region.ABAI, status=CaseStatus.INVESTIGATION)
    add_party(elsewhere, make_person(full_name="Ерлан Сапаров", iin=iin))
    caseworker.region = Region.KARAGANDA  # another unit: the ABAI case is not theirs to read
    db.session.commit()
    login(caseworker)

    response = client.post("/cases/new", data=form_data(setting, **{"victims-0-iin": iin}))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A possible duplicate exists in a case you cannot open" in page
    assert elsewhere.reference not in page
    assert f"/cases/{elsewhere.id}" not in page
    assert "Investigation" not in page  # no status
    assert "Same person" not in page  # no reason: it would say the person has an open case
    assert elsewhere.summary not in page
    assert 'name="confirm_duplicates" value="1"' in page
    assert count(Case) == 1


def test_readable_and_unreadable_duplicates_are_shown_apart(client, login, setting):
    facility, torture, _conditions, caseworker = setting
    caseworker.region = Region.KARAGANDA
    mine = make_case(region=Region.KARAGANDA, facility=facility, categories=[torture],
                     received_on=date(2026, 11, 1), assignees=(caseworker,))
    for _ in range(2):  # same place and category, in cases of another unit
        make_case(region=Region.ABAI, facility=facility, categories=[torture],
                  received_on=date(2026, 11, 2))
    db.session.commit()
    login(caseworker)

    page = client.post("/cases/new", data=form_data(setting)).get_data(as_text=True)

    assert case_link(mine) in page
    assert "2 possible duplicates exist in cases you cannot open" in page


def test_duplicate_table_shows_summary_and_facility_and_keeps_files_named(
    client, login, setting
):
    facility, torture, _conditions, caseworker = setting
    facility.name = "Colony No. 7"
    earlier = make_case(region=Region.KARAGANDA, facility=facility, categories=[torture],
                        summary="Beaten in the yard", assignees=(caseworker,))
    db.session.commit()
    login(caseworker)
    data = form_data(setting, attachments=[(io.BytesIO(PDF), "medical report.pdf")])

    page = client.post("/cases/new", data=data).get_data(as_text=True)

    panel = re.search(r'<section class="duplicates.*?</section>', page, re.S).group(0)
    assert case_link(earlier) in panel
    assert "<td>Colony No. 7</td>" in panel
    assert "<td>Beaten in the yard</td>" in panel
    assert 'href="#attachments">Select these files again</a>: medical report.pdf' in panel
    # The panel's confirmation is its primary action; plain "Register" checks again.
    assert re.search(r'<button type="submit" form="intake-form" class="button primary" '
                     r'name="confirm_duplicates" value="1">Register anyway</button>', panel)
    actions = page[page.rindex('<div class="actions">'):]
    assert '<button type="submit" class="button">Register</button>' in actions
    # Enter in a text box presses the page's first submit button: it must not confirm.
    first_submit = re.search(r'<button type="submit"[^>]*>', page).group(0)
    assert "confirm_duplicates" not in first_submit
    assert 'data-focus-on-load' in panel
    assert count(Case) == 1


def test_files_chosen_before_an_error_are_named_next_to_the_field(client, login, setting):
    login(setting[3])
    files = [(io.BytesIO(PDF), "letter.pdf"), (io.BytesIO(PDF), "<img src=x>.pdf")]
    data = form_data(setting, summary="", attachments=files)

    page = client.post("/cases/new", data=data).get_data(as_text=True)

    note = re.search(r'<div class="files-again" id="files-again">.*?</div>', page, re.S).group(0)
    assert "Select these files again" in note
    assert "<li>letter.pdf</li>" in note
    assert "<li>&lt;img src=x&gt;.pdf</li>" in note  # a file name is text, never markup
    file_input = re.search(r'<input[^>]*name="attachments"[^>]*>', page).group(0)
    assert 'aria-describedby="attachments-hint files-again"' in file_input
    assert '<li><a href="#attachments">Attachments</a></li>' in error_summary(page)
    assert count(Case) == 0


def test_form_shown_for_the_first_time_names_no_files(client, login, setting):
    login(setting[3])
    page = client.get("/cases/new").get_data(as_text=True)
    assert "files-again" not in page
    assert "error-summary" not in page


def test_error_summary_links_to_each_field_in_error(client, login, setting):
    login(setting[3])
    data = form_data(setting, summary="", category_ids=[], **{
        "complainant-full_name": "", "complainant-iin": "",
        "victims-0-iin": "123456789012", "victims-1-person_id": "abc",
    })

    page = client.post("/cases/new", data=data).get_data(as_text=True)

    summary = error_summary(page)
    assert 'role="alert" tabindex="-1" data-focus-on-load' in summary
    assert "Please correct:" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [
        ("complainant-full_name", "Complainant: Full name"),
        ("victims-0-iin", "Victim 1: IIN"),
        ("victims-1-person_id-error", "Victim 2: Registered person"),
        ("victims-1-full_name", "Victim 2: Full name"),
        ("category_ids-0", "Categories"),
        ("summary", "Summary"),
    ]
    for target, _label in links:  # every link lands on something on the page
        assert f'id="{target}"' in page
    assert "Choose at least one category." in page


def test_a_field_in_error_is_described_by_its_hint_and_its_message(client, login, setting):
    login(setting[3])
    page = client.post("/cases/new", data=form_data(setting, summary="")).get_data(as_text=True)
    summary_input = re.search(r'<input[^>]*name="summary"[^>]*>', page).group(0)
    assert 'aria-describedby="summary-hint summary-error"' in summary_input
    assert 'aria-invalid="true"' in summary_input
    assert '<p class="error" id="summary-error">This field is required.</p>' in page


def test_required_fields_are_marked_and_optional_ones_are_not(client, login, setting):
    login(setting[3])
    page = client.get("/cases/new").get_data(as_text=True)
    for name in ("channel", "received_on", "summary", "complainant-full_name"):
        assert f'<label class="required" for="{name}">' in page, name
    assert re.search(r'<legend class="required">Categories</legend>', page)
    for name in ("description", "victims-0-full_name", "complainant-iin", "region"):
        assert f'<label class="" for="{name}">' in page, name


def test_person_search_is_a_combobox_with_translated_announcements(client, login, setting):
    login(setting[3])
    page = client.get("/cases/new").get_data(as_text=True)
    search = re.search(r'<input type="text" id="victims-0-person_id-search"[^>]*>', page).group(0)
    assert 'role="combobox"' in search
    assert 'aria-expanded="false"' in search
    assert 'aria-controls="victims-0-person_id-options"' in search
    assert '<ul id="victims-0-person_id-options" class="suggestions" role="listbox"' in page
    assert 'id="victims-0-person_id-search-hint" role="status" aria-live="polite"' in page
    said = json.loads(html.unescape(
        re.search(r"data-search-announcements='([^']*)'", page).group(1)))
    assert said["0"] == "No registered person matches. Enter the details below."
    assert (said["1"], said["2"]) == ("1 person found", "2 people found")
    assert said[str(SEARCH_LIMIT)].endswith("Type more to narrow the search.")
    assert "<script>" not in page  # the page keeps to the CSP: scripts come from files


# -- people the user may not identify ----------------------------------------------------------


def stranger(iin_prefix: str = "75050550012") -> Person:
    """A registered person in another unit's case, without consent: a pseudonym to outsiders."""
    person = make_person(full_name="Секретов Тайный", iin=valid_iin(iin_prefix))
    add_party(make_case(region=Region.ABAI, created_by=make_user(Role.SUPERVISOR)), person)
    return person


def person_id_input(page: str, prefix: str) -> str:
    match = re.search(rf'<input[^>]*name="{prefix}-person_id"[^>]*>', page)
    assert match, f"no {prefix}-person_id input"
    return match.group(0)


@pytest.mark.parametrize("picked", ["stranger", "missing"])
def test_picked_person_the_user_may_not_identify_is_refused_unnamed(
    client, login, setting, picked
):
    caseworker = setting[3]
    caseworker.region = Region.KARAGANDA
    person_id = stranger().id if picked == "stranger" else 987654
    db.session.commit()
    login(caseworker)
    data = form_data(setting, **{
        "victims-0-full_name": "", "victims-0-birth_date": "",
        "victims-0-person_id": str(person_id), "victims-0-consents_to_disclosure": "y",
    })

    response = client.post("/cases/new", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Pick the person again" in page  # the same words whether or not the id exists
    assert "Секретов" not in page
    assert 'value=""' in person_id_input(page, "victims-0")  # the id is not sent back
    assert count(Case) == 1 if picked == "stranger" else count(Case) == 0


def test_picked_person_the_user_may_identify_is_named_and_registered(client, login, setting):
    caseworker = setting[3]
    person = make_person(full_name="Known Client", iin=valid_iin("81010150012"))
    add_party(make_case(region=Region.KARAGANDA, assignees=(caseworker,)), person)
    db.session.commit()
    login(caseworker)
    data = form_data(setting, **{
        "victims-0-full_name": "", "victims-0-birth_date": "",
        "victims-0-person_id": str(person.id), "victims-0-consents_to_disclosure": "y",
    })

    warning = client.post("/cases/new", data=data).get_data(as_text=True)  # a duplicate
    saved = client.post("/cases/new", data={**data, "confirm_duplicates": "1"})

    assert f"Known Client {mask_iin(person.iin)}" in warning
    assert f'value="{person.id}"' in person_id_input(warning, "victims-0")
    assert saved.status_code == 302
    new_case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    victim = new_case.parties[1]
    assert (victim.person, victim.consents_to_disclosure) == (person, True)


@pytest.mark.parametrize(("role", "offered"), [(Role.MONITOR, False), (Role.CASEWORKER, True)])
def test_person_search_is_offered_only_to_those_who_may_search(client, login, role, offered):
    user = make_user(role)
    db.session.commit()
    login(user)
    assert ("/people/search" in client.get("/cases/new").get_data(as_text=True)) is offered


@pytest.mark.parametrize("role", [Role.MONITOR, Role.CASEWORKER])
def test_typed_iin_of_a_registered_stranger_links_them_without_consent_or_name(
    client, login, setting, role
):
    person = stranger()
    actor = make_user(role, region=Region.KARAGANDA)
    db.session.commit()
    login(actor)
    data = form_data(setting, **{
        "complainant-full_name": "Typed Name", "complainant-iin": person.iin,
        "complainant-consents_to_disclosure": "y", "confirm_duplicates": "1",
    })

    response = client.post("/cases/new", data=data)

    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    complainant = case.parties[0]
    assert complainant.person == person  # one record per IIN
    assert not complainant.consents_to_disclosure  # whatever the box said
    assert (complainant.consent_scope, complainant.consent_recorded_on) == ("", None)
    assert person.full_name == "Секретов Тайный"  # the typed name is not stored over it
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Applicant A." in page
    assert "Секретов" not in page
    assert "Typed Name" not in page
    assert "already in the register" in page
    assert "recorded later by the assigned caseworker or a supervisor" in page


def test_typed_iin_of_a_person_the_user_may_identify_keeps_the_consent(setting):
    caseworker = setting[3]
    person = make_person(full_name="Known Client", iin=valid_iin("81010150012"))
    add_party(make_case(assignees=(caseworker,)), person)
    victim = PartyInput(new_person=NewPerson(full_name="Typed", iin=person.iin),
                        consents_to_disclosure=True)
    data = intake(setting, victims=[victim])

    assert unidentifiable_typed_people(data, actor=caseworker) == 0
    case = register_case(data, actor=caseworker)

    assert (case.parties[1].person, case.parties[1].consents_to_disclosure) == (person, True)


def test_service_counts_and_refuses_strangers(setting):
    caseworker = setting[3]
    caseworker.region = Region.KARAGANDA
    person = stranger()
    typed = PartyInput(new_person=NewPerson(full_name="Typed", iin=person.iin))
    assert unidentifiable_typed_people(intake(setting, victims=[typed]), actor=caseworker) == 1
    with pytest.raises(IntakeError):
        register_case(intake(setting, victims=[PartyInput(person_id=person.id)]), actor=caseworker)


# -- limits --------------------------------------------------------------------------------------


def test_description_is_limited_like_the_edit_form(client, login, setting):
    login(setting[3])
    response = client.post("/cases/new", data=form_data(setting, description="x" * 20001))
    assert "Field cannot be longer than 20000 characters." in response.get_data(as_text=True)
    assert count(Case) == 0
    longest = form_data(setting, description="x" * 20000)
    assert client.post("/cases/new", data=longest).status_code == 302


@pytest.mark.parametrize("received_on", ["2016-11-09", "0001-01-01"])
def test_received_date_more_than_ten_years_ago_is_refused(client, login, setting, received_on):
    login(setting[3])
    response = client.post("/cases/new", data=form_data(setting, received_on=received_on))
    page = response.get_data(as_text=True)
    assert "The date received cannot be earlier than 10 Nov 2016." in page
    assert count(Case) == 0


def test_received_date_exactly_ten_years_ago_is_accepted(client, login, setting):
    login(setting[3])
    data = form_data(setting, received_on="2016-11-10")
    assert client.post("/cases/new", data=data).status_code == 302


@pytest.mark.parametrize("birth_date", ["1899-12-31", "0001-01-01"])
def test_birth_date_before_1900_is_refused(client, login, setting, birth_date):
    login(setting[3])
    data = form_data(setting, **{"victims-0-birth_date": birth_date})
    page = client.post("/cases/new", data=data).get_data(as_text=True)
    assert "The date of birth cannot be earlier than 1 Jan 1900." in page
    assert count(Case) == 0
    data["victims-0-birth_date"] = "1900-01-01"
    assert client.post("/cases/new", data=data).status_code == 302


def test_service_refuses_a_received_date_more_than_ten_years_ago(setting):
    with pytest.raises(IntakeError):
        register_case(intake(setting, received_on=date(2016, 11, 9)), actor=setting[3])
    assert earliest_received_on(date(2028, 2, 29)) == date(2018, 2, 28)


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
    assert [pseudonym_letter(n) for n in (1, 26, 27, 28)] == ["A", "Z", "AA", "AB"]


def test_registration_date_is_the_office_date_not_utc(setting):
    # 23:30 UTC on the 9th is already the 10th in Almaty.
    with time_machine.travel(datetime(2026, 11, 9, 23, 30, tzinfo=UTC)):
        case = register_case(intake(setting), actor=setting[3])
    assert case.registered_on == TODAY


def test_party_rows_are_unique_per_person_and_role(setting):
    person = make_person()
    add_party(make_case(assignees=(setting[3],)), person)  # a person the caseworker may identify
    twice = [PartyInput(person_id=person.id), PartyInput(person_id=person.id)]
    case = register_case(intake(setting, complainant=None, victims=twice), actor=setting[3])
    rows = db.session.scalars(sa.select(CaseParty).where(CaseParty.case_id == case.id)).all()
    assert [(r.person_id, r.role) for r in rows] == [(person.id, PartyRole.VICTIM)]



@pytest.mark.parametrize("posted", ["abc", "0", "-3", str(2**70)])
def test_tampered_person_id_is_refused_politely(client, login, setting, posted):
    login(setting[3])
    data = form_data(setting, **{"victims-0-person_id": posted})
    response = client.post("/cases/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Pick the person again" in page
    assert "invalid literal" not in page
    assert count(Case) == 0


# -- to whom letters may name the people -------------------------------------------------------


def test_form_offers_the_addressees_for_every_person(client, login, setting):
    login(setting[3])
    page = client.get("/cases/new").get_data(as_text=True)
    for prefix in ("complainant", "victims-0", "victims-2"):
        assert f'name="{prefix}-consent_addressees" type="checkbox" value="prosecutor"' in page
    assert "Letters may name them to" in page
    assert "Prosecutor&#39;s office" in page
    assert "<input checked" not in page  # nothing ticked for the user


def test_addressees_are_recorded_in_canonical_order_and_only_with_consent(client, login, setting):
    login(setting[3])
    data = form_data(setting, **{
        "complainant-consent_addressees": ["court", "prosecutor", "court"],
        "victims-0-consent_addressees": ["court"],  # the victim does not consent
    })

    response = client.post("/cases/new", data=data)

    assert response.status_code == 302
    complainant, victim = db.session.scalar(sa.select(Case)).parties
    assert complainant.consent_addressees == ["prosecutor", "court"]
    assert (victim.consents_to_disclosure, victim.consent_addressees) == (False, [])


def test_a_tampered_addressee_is_refused_with_the_input_kept(client, login, setting):
    login(setting[3])
    data = form_data(setting, **{"complainant-consent_addressees": ["court", "kgb"]})

    response = client.post("/cases/new", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose the addressees from the list." in page
    assert "kgb" not in page
    assert 'value="Айгерим Сапарова"' in page
    assert count(Case) == 0
    assert intake_audit_actions() == []


def test_the_service_refuses_an_addressee_that_names_no_authority(setting):
    tampered = PartyInput(new_person=NewPerson(full_name="Complainant One"),
                          consents_to_disclosure=True, consent_addressees=("court", "kgb"))
    with pytest.raises(IntakeError, match="Choose the addressees"):
        register_case(intake(setting, complainant=tampered), actor=setting[3])


def test_the_complainant_who_is_also_the_victim_has_one_consent(setting):
    complainant = PartyInput(new_person=NewPerson(full_name="Complainant One"),
                             consents_to_disclosure=True, consent_scope="Court",
                             consent_addressees=("court",))
    case = register_case(intake(setting, complainant=complainant, complainant_is_victim=True),
                         actor=setting[3])
    assert [(p.role, p.consent_addressees) for p in case.parties] == [
        (PartyRole.COMPLAINANT, ["court"]), (PartyRole.VICTIM, ["court"])]


def test_a_person_entered_twice_keeps_the_consent_of_the_first_row(setting):
    person = make_person()
    add_party(make_case(assignees=(setting[3],)), person)  # a person the caseworker may identify
    first = PartyInput(person_id=person.id, consents_to_disclosure=True,
                       consent_addressees=("prosecutor",))
    again = PartyInput(person_id=person.id, consents_to_disclosure=False)
    case = register_case(intake(setting, complainant=first, victims=[again]), actor=setting[3])
    assert [(p.role, p.consents_to_disclosure, p.consent_addressees) for p in case.parties] == [
        (PartyRole.COMPLAINANT, True, ["prosecutor"]), (PartyRole.VICTIM, True, ["prosecutor"])]
