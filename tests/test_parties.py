"""The people of a case: pseudonyms in the reader's language, their details on the case page,
adding a party and changing consent, reprisal risk and contact after registration."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine
from flask import render_template_string
from flask_babel import force_locale

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case, CaseParty, Event, EventKind, PartyRole
from casework.cases.timeline import describe
from casework.extensions import db
from casework.parties import services
from casework.parties.display import letters_may_name
from casework.parties.pseudonyms import CYRILLIC, pseudonym_letter
from casework.parties.services import Consent, NewParty, PartyChanges, PartyError
from casework.people.models import DetentionStatus, Person, Sex
from casework.people.services import NewPerson
from casework.reference.models import AuthorityType, Language
from casework.reference.regions import Region
from tests.factories import add_party, make_case, make_facility, make_person, make_user, valid_iin

TODAY = date(2026, 11, 10)
CONTACT = "+7 701 555 0101"
pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today():
    with time_machine.travel("2026-11-10 09:00 +05:00", tick=False):
        yield


@dataclass
class Setting:
    case: Case
    hidden: CaseParty  # a complainant who has not consented to disclosure
    open_: CaseParty  # a witness who has
    caseworker: User
    lawyer: User
    monitor: User
    supervisor: User


@pytest.fixture
def setting() -> Setting:
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    lawyer = make_user(Role.LAWYER)
    monitor = make_user(Role.MONITOR)
    supervisor = make_user(Role.SUPERVISOR, region=Region.ASTANA)
    case = make_case(created_by=monitor, status=CaseStatus.INVESTIGATION,
                     facility=make_facility(), assignees=(caseworker, lawyer))
    hidden_person = make_person(full_name="Aigerim Secretova", contact=CONTACT,
                                iin=valid_iin("90010240011"), birth_date=date(1990, 1, 2),
                                sex=Sex.FEMALE, detention_status=DetentionStatus.SENTENCED)
    hidden = add_party(case, hidden_person, role=PartyRole.COMPLAINANT)
    open_ = add_party(case, make_person(full_name="Bolat Openov", contact="bolat@example.org"),
                      role=PartyRole.WITNESS, consents_to_disclosure=True,
                      consent_scope="Prosecutor's office", consent_recorded_on=date(2026, 11, 3))
    db.session.commit()
    return Setting(case, hidden, open_, caseworker, lawyer, monitor, supervisor)


def page(response) -> str:
    return response.get_data(as_text=True)


def party_audits() -> list[AuditEntry]:
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "case_parties")
        .order_by(AuditEntry.id)
    ))


def party_events(case: Case) -> list[Event]:
    return list(db.session.scalars(
        sa.select(Event).where(Event.case_id == case.id).order_by(Event.id)
    ))


def edit_url(s: Setting, party: CaseParty | None = None) -> str:
    return f"/cases/{s.case.id}/parties/{(party or s.hidden).id}/edit"


def new_url(s: Setting) -> str:
    return f"/cases/{s.case.id}/parties/new"


def consent_form(**changes: str) -> dict[str, str]:
    return {"consents_to_disclosure": "y", "consent_scope": "Prosecutor's office",
            "given_on": "2026-11-09", "contact": "", **changes}


# -- pseudonyms -------------------------------------------------------------------------------


def test_pseudonyms_are_drawn_in_the_readers_language(setting):
    victim = add_party(setting.case, role=PartyRole.VICTIM)
    assert victim.pseudonym_index == 3
    with force_locale("en"):
        assert [setting.hidden.pseudonym, setting.open_.pseudonym, victim.pseudonym] == [
            "Applicant A.", "Witness B.", "Victim C.",
        ]
    for language in ("ru", "kk"):
        with force_locale(language):
            assert setting.hidden.pseudonym.endswith(" А.")  # the Cyrillic letter
            assert victim.pseudonym.endswith(" В.")
            assert "C." not in victim.pseudonym


def test_cyrillic_letters_skip_the_letters_that_start_no_name():
    assert [pseudonym_letter(n, CYRILLIC) for n in (1, 6, 7, 9, 10, 28, 29)] == [
        "А", "Е", "Ж", "И", "К", "Я", "АА",
    ]
    assert not set("ЁЙЪЫЬ") & set(CYRILLIC)
    with pytest.raises(ValueError, match="start at 1"):
        pseudonym_letter(0)


def test_a_russian_page_shows_cyrillic_pseudonyms(login, setting):
    setting.caseworker.language = Language.RU
    db.session.commit()
    html = page(login(setting.caseworker).get(f"/cases/{setting.case.id}"))
    assert " А.</strong>" in html
    assert "Applicant A." not in html


# -- the parties card -------------------------------------------------------------------------


def test_details_show_only_where_the_name_is_shown(login, setting):
    html = page(login(setting.caseworker).get(f"/cases/{setting.case.id}"))
    assert "Bolat Openov" in html
    assert "bolat@example.org" in html
    assert "03.11.2026" in html or "3 Nov 2026" in html  # date of the written consent
    assert "Aigerim Secretova" not in html
    assert CONTACT not in html
    assert setting.hidden.person.iin not in html
    assert "No consent to disclosure" in html
    assert "No consent: identity protected" not in html
    assert "Shown to you under audit" not in html


def test_revealed_names_come_with_details_and_say_so(login, setting):
    client = login(setting.caseworker)
    client.post(f"/cases/{setting.case.id}/identity")
    html = page(client.get(f"/cases/{setting.case.id}"))
    assert "Aigerim Secretova" in html
    assert CONTACT in html
    assert setting.hidden.person.iin in html
    assert "2 Jan 1990" in html
    assert "Serving a sentence" in html
    assert "Female" in html
    assert "Shown to you under audit" in html


def test_edit_and_add_buttons_only_for_who_may_change_parties(login, setting):
    edit_link = f'href="{edit_url(setting)}"'
    for user, offered in [(setting.caseworker, True), (setting.supervisor, True),
                          (setting.lawyer, False), (setting.monitor, False)]:
        html = page(login(user).get(f"/cases/{setting.case.id}"))
        assert (edit_link in html) is offered, user.roles
        assert ("Add a party" in html) is offered, user.roles
        login(user).post("/logout")


def test_monitor_never_sees_details_of_a_protected_party(login, setting):
    html = page(login(setting.monitor).get(f"/cases/{setting.case.id}"))
    assert "Aigerim Secretova" not in html
    assert CONTACT not in html
    assert "bolat@example.org" in html  # consented: shown to every reader of the case


# -- who may open the pages -------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("caseworker", 200), ("supervisor", 200), ("lawyer", 403), ("monitor", 403),
])
def test_party_pages_answer_each_role(login, setting, role, status):
    client = login(getattr(setting, role))
    assert client.get(edit_url(setting)).status_code == status
    assert client.get(new_url(setting)).status_code == status
    assert client.post(edit_url(setting), data=consent_form()).status_code in (
        (302,) if status == 200 else (403,)
    )
    assert client.post(new_url(setting), data={"role": "witness", "full_name": "Dana Witness"}
                       ).status_code in ((302,) if status == 200 else (403,))


def test_caseworker_of_another_unit_is_refused(login, setting):
    outsider = make_user(Role.CASEWORKER, region=Region.ALMATY_CITY)
    db.session.commit()
    client = login(outsider)
    assert client.get(edit_url(setting)).status_code == 403
    assert client.post(new_url(setting), data={"full_name": "X"}).status_code == 403
    assert party_audits() == []


def test_a_party_of_another_case_is_not_found(login, setting):
    other = make_case(region=Region.ASTANA, assignees=(setting.caseworker,))
    stranger = add_party(other)
    db.session.commit()
    client = login(setting.caseworker)
    assert client.get(edit_url(setting, stranger)).status_code == 404
    assert client.post(edit_url(setting, stranger), data=consent_form()).status_code == 404
    assert party_audits() == []


def test_the_service_refuses_a_lawyer_too(setting):
    with pytest.raises(PartyError):
        services.edit_party(setting.hidden, PartyChanges(Consent()), actor=setting.lawyer)


# -- editing ----------------------------------------------------------------------------------


def test_recording_consent_writes_an_event_and_an_audit_entry_without_values(login, setting):
    client = login(setting.caseworker)
    response = client.post(edit_url(setting), data=consent_form(
        is_reprisal_risk="y", contact="+7 777 000 1122"))
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{setting.case.id}#parties-heading")
    db.session.expire_all()
    party = db.session.get(CaseParty, setting.hidden.id)
    assert party.consents_to_disclosure
    assert party.is_reprisal_risk
    assert (party.consent_scope, party.consent_recorded_on) == ("Prosecutor's office",
                                                                date(2026, 11, 9))
    assert party.person.contact == "+7 777 000 1122"
    [entry] = party_audits()
    assert entry.action is AuditAction.PARTY_EDITED
    assert entry.object_id == party.id
    assert entry.changes["person_id"] == party.person_id
    assert set(entry.changes["fields"]) == {
        "consents_to_disclosure", "consent_scope", "consent_recorded_on", "is_reprisal_risk",
        "contact",
    }
    stored = json.dumps(entry.changes, ensure_ascii=False)
    assert "+7 777" not in stored
    assert "Prosecutor" not in stored
    assert "Aigerim" not in stored
    [event] = party_events(setting.case)
    assert event.kind is EventKind.PARTY_EDITED
    lines = describe(event)
    assert lines[0] == "Applicant A."
    assert "Consent to disclosure" in lines[1]
    assert "Contact" in lines[1]


def test_a_protected_party_is_edited_under_its_pseudonym(login, setting):
    client = login(setting.caseworker)
    html = page(client.get(edit_url(setting)))
    assert "Applicant A." in html
    assert "Aigerim Secretova" not in html
    assert CONTACT not in html
    # An empty contact box keeps the recorded contact: it was never shown.
    client.post(edit_url(setting), data={"is_reprisal_risk": "y", "contact": ""})
    db.session.expire_all()
    party = db.session.get(CaseParty, setting.hidden.id)
    assert party.is_reprisal_risk
    assert party.person.contact == CONTACT
    assert party_audits()[0].changes["fields"] == ["is_reprisal_risk"]


def test_a_consenting_party_is_edited_with_its_name_and_contact(login, setting):
    html = page(login(setting.caseworker).get(edit_url(setting, setting.open_)))
    assert "Bolat Openov" in html
    assert 'value="bolat@example.org"' in html
    assert 'value="2026-11-03"' in html


def test_withdrawing_consent_clears_its_scope_and_date(setting):
    withdrawn = PartyChanges(Consent(scope="kept?", given_on=TODAY))
    changed = services.edit_party(setting.open_, withdrawn, actor=setting.caseworker)
    assert set(changed) == {"consents_to_disclosure", "consent_scope", "consent_recorded_on"}
    assert (setting.open_.consent_scope, setting.open_.consent_recorded_on) == ("", None)


def test_a_future_consent_date_is_refused_with_the_input_kept(login, setting):
    response = login(setting.caseworker).post(
        edit_url(setting), data=consent_form(given_on="2026-11-11", consent_scope="Ombudsman")
    )
    html = page(response)
    assert response.status_code == 400
    assert "The date cannot be in the future." in html
    assert 'value="Ombudsman"' in html
    assert 'value="2026-11-11"' in html
    db.session.expire_all()
    assert not db.session.get(CaseParty, setting.hidden.id).consents_to_disclosure
    assert party_audits() == []
    assert party_events(setting.case) == []


def test_consent_needs_the_date_it_was_given(login, setting):
    response = login(setting.caseworker).post(edit_url(setting), data=consent_form(given_on=""))
    assert response.status_code == 400
    assert "Enter the date the written consent was given." in page(response)


def test_saving_unchanged_values_records_nothing(login, setting):
    client = login(setting.caseworker)
    client.post(edit_url(setting, setting.open_), data=consent_form(
        given_on="2026-11-03", contact="bolat@example.org"))
    assert party_audits() == []
    assert party_events(setting.case) == []


def test_consent_covers_every_role_of_the_person_in_the_case(setting):
    victim_row = add_party(setting.case, setting.hidden.person, role=PartyRole.VICTIM)
    assert victim_row.pseudonym_index == setting.hidden.pseudonym_index
    services.edit_party(setting.hidden, PartyChanges(Consent(True, "Court", TODAY)),
                        actor=setting.supervisor)
    assert victim_row.consents_to_disclosure
    assert victim_row.consent_scope == "Court"


# -- adding -----------------------------------------------------------------------------------


def new_person_form(**changes: str) -> dict[str, str]:
    return {"role": "victim", "full_name": "Dana Newcomer", "iin": "", "birth_date": "1988-05-04",
            "sex": "female", "detention_status": "pretrial", "contact": "dana@example.org",
            "given_on": "2026-11-10", **changes}


def test_adding_a_new_person_gives_the_next_letter(login, setting):
    response = login(setting.caseworker).post(new_url(setting), data=new_person_form(
        consents_to_disclosure="y", consent_scope="Court"))
    assert response.status_code == 302
    db.session.expire_all()
    party = db.session.get(Case, setting.case.id).parties[-1]
    assert (party.role, party.pseudonym_index, party.pseudonym) == (
        PartyRole.VICTIM, 3, "Victim C.")
    assert party.consents_to_disclosure
    assert party.consent_recorded_on == TODAY
    person = party.person
    assert (person.full_name, person.birth_date, person.contact) == (
        "Dana Newcomer", date(1988, 5, 4), "dana@example.org")
    assert person.facility_id == setting.case.facility_id  # held where the complaint is about
    [entry] = party_audits()
    assert entry.action is AuditAction.PARTY_ADDED
    assert "Dana" not in json.dumps(entry.changes, ensure_ascii=False)
    [event] = party_events(setting.case)
    assert (event.kind, describe(event)) == (EventKind.PARTY_ADDED, ["Victim C."])


def test_a_person_already_in_the_case_keeps_their_letter_and_consent(setting):
    setting.hidden.is_reprisal_risk = True
    added = services.add_party(setting.case, NewParty(
        role=PartyRole.VICTIM, consent=Consent(True, "Everyone", TODAY),
        person_id=setting.hidden.person_id,
    ), actor=setting.caseworker)
    assert added.party.pseudonym_index == setting.hidden.pseudonym_index
    # A name on one row would unmask the letter on the other: the consent stays the person's.
    assert not added.party.consents_to_disclosure
    assert added.party.is_reprisal_risk
    assert added.consent_inherited
    with pytest.raises(PartyError, match="already a party in this role"):
        services.add_party(setting.case, NewParty(
            role=PartyRole.VICTIM, consent=Consent(), person_id=setting.hidden.person_id,
        ), actor=setting.caseworker)


def test_a_complaint_registered_as_anonymous_gets_no_complainant(setting):
    setting.case.is_anonymous = True
    with pytest.raises(PartyError, match="anonymous"):
        services.add_party(setting.case, NewParty(
            role=PartyRole.COMPLAINANT, consent=Consent(), new_person=NewPerson("Late Name"),
        ), actor=setting.caseworker)


def test_invalid_input_is_refused_with_the_input_kept(login, setting):
    response = login(setting.caseworker).post(new_url(setting), data=new_person_form(
        iin="123456789012", birth_date="2027-01-01"))
    html = page(response)
    assert response.status_code == 400
    assert "IIN must be 12 digits with a valid check digit" in html
    assert "The date cannot be in the future." in html
    assert 'value="Dana Newcomer"' in html
    assert 'value="dana@example.org"' in html
    assert len(db.session.get(Case, setting.case.id).parties) == 2
    assert party_audits() == []


def test_a_name_or_a_pick_is_needed(login, setting):
    response = login(setting.caseworker).post(new_url(setting), data=new_person_form(full_name=""))
    assert response.status_code == 400
    assert "Enter the full name, or pick a person." in page(response)


def _registered_elsewhere(consents: bool = False, region: Region = Region.ALMATY_CITY) -> Person:
    """A person in another case: in another unit's, the Astana caseworker may not identify
    them; consent shows them to the readers of that case only."""
    person = make_person(full_name="Registered Elsewhere", iin=valid_iin("80030350022"),
                         contact="elsewhere@example.org")
    add_party(make_case(region=region), person, consents_to_disclosure=consents)
    db.session.commit()
    return person


def test_a_typed_iin_of_a_stranger_links_them_without_consent_and_says_so(login, setting):
    known = _registered_elsewhere()
    response = login(setting.caseworker).post(new_url(setting), data=new_person_form(
        full_name="Typed Differently", iin=known.iin, consents_to_disclosure="y"),
        follow_redirects=True)
    assert "belongs to a person already in the register" in page(response)
    db.session.expire_all()
    party = db.session.get(Case, setting.case.id).parties[-1]
    assert party.person_id == known.id
    assert not party.consents_to_disclosure
    assert party.consent_recorded_on is None
    assert db.session.get(Person, known.id).full_name == "Registered Elsewhere"  # typed not kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 3  # no new one


def test_a_typed_iin_of_an_identifiable_person_keeps_the_consent(setting):
    # Consent in an open case of the caseworker's unit, which the caseworker may read.
    known = _registered_elsewhere(consents=True, region=Region.ASTANA)
    added = services.add_party(setting.case, NewParty(
        role=PartyRole.WITNESS, consent=Consent(True, "Court", TODAY),
        new_person=NewPerson("Whatever", iin=known.iin),
    ), actor=setting.caseworker)
    assert added.party.person == known
    assert added.party.consents_to_disclosure
    assert not added.linked_unidentifiable


def test_search_offers_only_people_the_user_may_identify(login, setting):
    hidden_away = _registered_elsewhere()
    visible = make_person(full_name="Registered Openly")
    add_party(make_case(region=Region.ASTANA), visible, consents_to_disclosure=True)
    db.session.commit()
    html = page(login(setting.caseworker).get(new_url(setting) + "?q=Registered"))
    assert "Registered Openly" in html
    assert hidden_away.full_name not in html
    assert f'value="{visible.id}"' in html


def test_picking_a_person_the_user_may_not_identify_is_refused(login, setting):
    stranger = _registered_elsewhere()
    response = login(setting.caseworker).post(new_url(setting), data={
        "role": "witness", "person_id": str(stranger.id), "given_on": "2026-11-10"})
    html = page(response)
    assert response.status_code == 400
    assert "Pick the person again, or enter their details." in html
    assert stranger.full_name not in html
    assert len(db.session.get(Case, setting.case.id).parties) == 2


def test_picking_a_registered_person_adds_them(login, setting):
    visible = make_person(full_name="Registered Openly")
    add_party(make_case(region=Region.ASTANA), visible, consents_to_disclosure=True)
    db.session.commit()
    response = login(setting.caseworker).post(new_url(setting), data={
        "role": "witness", "person_id": str(visible.id), "given_on": "2026-11-10",
        "full_name": "ignored"})
    assert response.status_code == 302
    db.session.expire_all()
    party = db.session.get(Case, setting.case.id).parties[-1]
    assert (party.person_id, party.pseudonym_index) == (visible.id, 3)


def test_consent_for_a_person_linked_from_unseen_cases_is_left_to_the_supervisor(setting):
    stranger = _registered_elsewhere()
    added = services.add_party(setting.case, NewParty(
        role=PartyRole.WITNESS, consent=Consent(False, "", None),
        new_person=NewPerson("Whatever", iin=stranger.iin),
    ), actor=setting.caseworker)
    wanted = PartyChanges(consent=Consent(True, "Court", TODAY))
    with pytest.raises(services.PartyError, match="supervisor of the region"):
        services.edit_party(added.party, wanted, actor=setting.caseworker)
    assert not added.party.consents_to_disclosure
    services.edit_party(added.party, wanted, actor=setting.supervisor)
    assert added.party.consents_to_disclosure


# -- to whom letters may name them ------------------------------------------------------------


def checked_addressees(html: str, name: str = "consent_addressees") -> list[str]:
    """The ticked boxes of the addressees group, in page order."""
    return re.findall(rf'<input checked id="{name}-\d+" name="{name}" type="checkbox" '
                      r'value="([a-z_]+)">', html)


def test_the_edit_form_shows_and_saves_the_addressees_in_canonical_order(login, setting):
    setting.open_.consent_addressees = ["prosecutor"]
    db.session.commit()
    client = login(setting.caseworker)
    html = page(client.get(edit_url(setting, setting.open_)))
    assert "Letters may name them to" in html
    assert "Local government (akimat)" in html
    assert checked_addressees(html) == ["prosecutor"]
    response = client.post(edit_url(setting, setting.open_), data=consent_form(
        given_on="2026-11-03", contact="bolat@example.org",
        consent_addressees=["court", "police", "court"]))
    assert response.status_code == 302
    db.session.expire_all()
    party = db.session.get(CaseParty, setting.open_.id)
    assert party.consent_addressees == ["police", "court"]  # AuthorityType's order, once each
    assert checked_addressees(page(client.get(edit_url(setting, setting.open_)))) == [
        "police", "court"]
    [entry] = party_audits()
    assert entry.changes["fields"] == ["consent_addressees"]
    [event] = party_events(setting.case)
    assert describe(event) == ["Witness B.", "Letters may name them to"]


def test_a_tampered_addressee_is_refused_with_the_input_kept(login, setting):
    response = login(setting.caseworker).post(edit_url(setting), data=consent_form(
        consent_scope="Ombudsman", consent_addressees=["court", "secret_police"]))
    html = page(response)
    assert response.status_code == 400
    assert "Choose the addressees from the list." in html
    assert "secret_police" not in html  # not echoed back
    assert 'value="Ombudsman"' in html
    db.session.expire_all()
    party = db.session.get(CaseParty, setting.hidden.id)
    assert (party.consents_to_disclosure, party.consent_addressees) == (False, [])
    assert party_audits() == []
    assert party_events(setting.case) == []


def test_the_service_refuses_a_value_that_names_no_kind_of_authority(setting):
    tampered = PartyChanges(Consent(True, "", TODAY, addressees=("court", "nobody")))
    with pytest.raises(PartyError) as refused:
        services.edit_party(setting.hidden, tampered, actor=setting.caseworker)
    assert refused.value.field == "consent_addressees"
    assert not setting.hidden.consents_to_disclosure


def test_addressees_mean_nothing_without_consent():
    consent = Consent(False, "Court", TODAY, addressees=("court", "prosecutor"))
    assert consent.normalised().addressees == ()
    assert Consent(True, " Court ", TODAY, addressees=("court", "ministry", "court")
                   ).normalised() == Consent(True, "Court", TODAY, addressees=("ministry", "court"))


def test_withdrawing_consent_clears_the_addressees(login, setting):
    setting.open_.consent_addressees = ["prosecutor", "court"]
    db.session.commit()
    response = login(setting.caseworker).post(edit_url(setting, setting.open_), data={
        "consent_scope": "kept?", "given_on": "2026-11-03", "contact": "bolat@example.org",
        "consent_addressees": ["court"]})
    assert response.status_code == 302
    db.session.expire_all()
    party = db.session.get(CaseParty, setting.open_.id)
    assert (party.consents_to_disclosure, party.consent_addressees) == (False, [])
    assert "consent_addressees" in party_audits()[0].changes["fields"]


def test_adding_a_party_records_the_addressees(login, setting):
    response = login(setting.caseworker).post(new_url(setting), data=new_person_form(
        consents_to_disclosure="y", consent_addressees=["court", "prosecutor"]))
    assert response.status_code == 302
    db.session.expire_all()
    party = db.session.get(Case, setting.case.id).parties[-1]
    assert party.consent_addressees == ["prosecutor", "court"]
    [entry] = party_audits()
    assert entry.changes["consent_addressees"] == ["prosecutor", "court"]


def test_adding_a_party_without_consent_keeps_no_addressees(login, setting):
    response = login(setting.caseworker).post(new_url(setting), data=new_person_form(
        consent_addressees=["court"]))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, setting.case.id).parties[-1].consent_addressees == []


def test_a_tampered_addressee_is_refused_when_adding(login, setting):
    response = login(setting.caseworker).post(new_url(setting), data=new_person_form(
        consents_to_disclosure="y", consent_addressees=["../etc"]))
    assert response.status_code == 400
    assert "Choose the addressees from the list." in page(response)
    assert 'value="Dana Newcomer"' in page(response)
    assert len(db.session.get(Case, setting.case.id).parties) == 2


def test_a_new_role_takes_the_addressees_the_person_has(setting):
    setting.open_.consent_addressees = ["prosecutor", "court"]
    added = services.add_party(setting.case, NewParty(
        role=PartyRole.VICTIM, consent=Consent(True, "Everyone", TODAY, addressees=("police",)),
        person_id=setting.open_.person_id,
    ), actor=setting.caseworker)
    assert added.consent_inherited
    assert added.party.consent_addressees == ["prosecutor", "court"]


def test_changing_the_addressees_changes_every_role_of_the_person(setting):
    victim_row = add_party(setting.case, setting.open_.person, role=PartyRole.VICTIM,
                           consents_to_disclosure=True, consent_recorded_on=date(2026, 11, 3))
    services.edit_party(setting.open_, PartyChanges(Consent(
        True, "Prosecutor's office", date(2026, 11, 3), addressees=("court",))),
        actor=setting.caseworker)
    assert victim_row.consent_addressees == ["court"]


def test_the_case_page_says_to_whom_letters_may_name_a_party(app, setting):
    setting.open_.consent_addressees = ["court", "prosecutor"]
    no_addressee = add_party(setting.case, consents_to_disclosure=True)
    template = "{{ letters_may_name(party) }}"
    with app.test_request_context():
        said = [render_template_string(template, party=p)
                for p in (setting.open_, no_addressee, setting.hidden)]
    assert said == ["may be named to: Prosecutor&#39;s office, Court", "not in letters",
                    "not in letters"]
    with force_locale("en"):
        setting.open_.consent_addressees = ["ministry", "nobody-any-more"]
        assert letters_may_name(setting.open_) == "may be named to: Ministry"
        setting.open_.consent_addressees = [kind.value for kind in AuthorityType]
        assert letters_may_name(setting.open_) == "may be named to any addressee"


def test_the_case_page_says_to_whom_letters_may_name_a_consenting_party(login, setting):
    setting.open_.consent_addressees = ["prosecutor", "court"]
    db.session.commit()
    html = page(login(setting.caseworker).get(f"/cases/{setting.case.id}"))
    assert "may be named to: Prosecutor&#39;s office, Court" in html
