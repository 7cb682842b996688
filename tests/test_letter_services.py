"""Letter rules: drafts filled from the case under the consent rule, editing, signing with its
number, PDF and hash, the name check at signing, corrections, dispatch, and the incoming
register."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from casework.accounts.roles import Role
from casework.attachments import storage
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import PartyRole
from casework.database import office_today
from casework.extensions import db
from casework.intake.services import earliest_received_on
from casework.letters import services
from casework.letters.consent import Addressee, mentions_without_consent
from casework.letters.models import IncomingKind, LetterKind, LetterStatus
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.models import AuthorityType, Language
from casework.reference.regions import Region
from casework.refusals import NotAllowed, Refusal
from tests import factories


@pytest.fixture
def people():
    supervisor = factories.make_user(Role.SUPERVISOR, region=Region.ASTANA)
    caseworker = factories.make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = factories.make_case(status=CaseStatus.INVESTIGATION, assignees=(caseworker,),
                               summary="Beating on arrival")
    prosecutor = factories.make_authority(name="Prosecutor of Astana",
                                          type=AuthorityType.PROSECUTOR, address="Astana, 1")
    return supervisor, caseworker, case, prosecutor


def referral(people, **kw):
    _supervisor, caseworker, case, prosecutor = people
    return services.start_letter(LetterKind.REFERRAL, actor=caseworker, language=Language.EN,
                                 case=case, authority=prosecutor, **kw)


def pdf_text(letter) -> str:
    path = storage.verified_path(letter.pdf_storage_name, letter.pdf_sha256)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_a_draft_names_only_people_whose_consent_covers_the_addressee(people):
    _supervisor, _caseworker, case, _prosecutor = people
    factories.add_party(case, factories.make_person(full_name="Serikbayev Arman"),
                        role=PartyRole.COMPLAINANT, consents_to_disclosure=True,
                        consent_addressees=["prosecutor"])
    letter = referral(people)
    assert "Serikbayev Arman" in letter.body
    assert letter.addressee_block == "Prosecutor of Astana\nAstana, 1"
    assert letter.status is LetterStatus.DRAFT
    assert letter.number is None


def test_without_consent_to_this_addressee_the_draft_uses_the_pseudonym(people):
    _supervisor, _caseworker, case, _prosecutor = people
    factories.add_party(case, factories.make_person(full_name="Serikbayev Arman"),
                        role=PartyRole.COMPLAINANT, consents_to_disclosure=True,
                        consent_addressees=["court"])
    letter = referral(people)
    assert "Serikbayev" not in letter.body
    assert "Applicant A." in letter.body


def test_signing_numbers_renders_stores_and_freezes(people):
    supervisor, _caseworker, case, _prosecutor = people
    letter = referral(people)
    services.sign(letter, actor=supervisor, expected_version=letter.version)
    db.session.commit()
    assert letter.status is LetterStatus.SIGNED
    assert letter.number == f"00001-{office_today().year}"
    assert letter.dated == office_today()
    assert letter.signed_by == supervisor
    assert letter.response_due is not None
    assert letter.response_due > letter.dated
    text = pdf_text(letter)
    assert letter.number in text
    assert case.reference in text
    assert "Prosecutor of Astana" in text
    with pytest.raises(Refusal):
        services.edit_letter(letter, actor=supervisor, expected_version=letter.version,
                             body="Changed")


def test_a_caseworker_cannot_sign(people):
    _supervisor, caseworker, _case, _prosecutor = people
    letter = referral(people)
    with pytest.raises(NotAllowed):
        services.sign(letter, actor=caseworker, expected_version=letter.version)


def test_a_name_typed_by_hand_without_consent_needs_the_signers_confirmation(people):
    supervisor, caseworker, case, _prosecutor = people
    factories.add_party(case, factories.make_person(full_name="Serikbayev Arman"),
                        role=PartyRole.VICTIM)
    letter = referral(people)
    services.edit_letter(letter, actor=caseworker, expected_version=letter.version,
                         body=letter.body + "\n\nMr SERIKBAYEV was beaten.")
    with pytest.raises(Refusal) as refused:
        services.sign(letter, actor=supervisor, expected_version=letter.version)
    assert refused.value.field == "confirm_names"
    assert "Victim A." in refused.value.message
    assert letter.number is None
    services.sign(letter, actor=supervisor, expected_version=letter.version, confirm_names=True)
    assert letter.names_confirmed


def test_a_correction_supersedes_the_signed_letter_and_keeps_its_pdf(people):
    supervisor, caseworker, _case, _prosecutor = people
    old = referral(people)
    services.sign(old, actor=supervisor, expected_version=old.version)
    correction = services.start_correction(old, actor=caseworker)
    services.sign(correction, actor=supervisor, expected_version=correction.version)
    db.session.commit()  # the two letters point at each other: both must be storable
    assert old.superseded_by == correction
    assert old.pdf_sha256
    assert f"replaces letter No. {old.number}" in pdf_text(correction)
    with pytest.raises(Refusal):
        services.start_correction(old, actor=caseworker)


def test_reminder_and_escalation_go_to_the_addressee_and_its_parent(people):
    _supervisor, caseworker, case, _prosecutor = people
    parent = factories.make_authority(name="Committee")
    authority = factories.make_authority(name="Colony No. 1", parent=parent)
    recommendation = factories.make_recommendation(
        case, record_status=RecordStatus.ISSUED, authority=authority, owner=caseworker)
    reminder = services.start_letter(LetterKind.REMINDER, actor=caseworker,
                                     language=Language.EN, recommendation=recommendation)
    escalation = services.start_letter(LetterKind.ESCALATION, actor=caseworker,
                                       language=Language.EN, recommendation=recommendation)
    assert reminder.authority == authority
    assert escalation.authority == parent
    assert recommendation.number in reminder.body
    assert recommendation.text in escalation.body


def test_an_incoming_reply_gets_its_number_and_marks_the_letter_answered(people):
    supervisor, caseworker, case, prosecutor = people
    letter = referral(people)
    services.sign(letter, actor=supervisor, expected_version=letter.version)
    document = services.register_incoming(
        actor=caseworker, received_on=office_today(), kind=IncomingKind.AUTHORITY_REPLY,
        authority=prosecutor, letter=letter, summary="Investigation opened")
    assert document.number == f"IN-00001-{office_today().year}"
    assert letter.response_received_on == office_today()
    assert document.case == case
    with pytest.raises(Refusal) as refused:
        services.register_incoming(actor=caseworker, received_on=office_today() + timedelta(1),
                                   kind=IncomingKind.OTHER, sender="X", case=case)
    assert refused.value.field == "received_on"
    actions = {e.action for e in db.session.query(AuditEntry)}
    assert {AuditAction.LETTER_DRAFTED, AuditAction.LETTER_SIGNED,
            AuditAction.INCOMING_REGISTERED} <= actions


def test_mark_sent_checks_the_date(people):
    supervisor, caseworker, _case, _prosecutor = people
    letter = referral(people)
    services.sign(letter, actor=supervisor, expected_version=letter.version)
    with pytest.raises(Refusal):
        services.mark_sent(letter, actor=caseworker, sent_on=date(2000, 1, 1))
    services.mark_sent(letter, actor=caseworker, sent_on=office_today())
    assert letter.status is LetterStatus.SENT


@pytest.mark.parametrize(("full_name", "iin", "text"), [
    ("Иванов Иван Петрович", None, "Обеспечить осуждённому Иванову медицинскую помощь."),
    ("Иванова Мария", None, "Жалоба Ивановой рассмотрена."),
    ("Серикбаев Арман", None, "Серикбаевтың шағымы бойынша"),
    ("Ким Виктор", None, "Письмо Кима получено."),
    ("Arman Serikbayev", None, "Mr Serikbayev's complaint"),
    ("Ким Виктор", "850201300126", "ИИН 850201 300126"),
])
def test_the_name_check_finds_declined_names_short_surnames_and_spaced_iins(
        full_name, iin, text):
    case = factories.make_case()
    factories.add_party(case, factories.make_person(full_name=full_name, iin=iin))
    found = mentions_without_consent(case.parties, Addressee(AuthorityType.PROSECUTOR), [text])
    assert [m.party.person.full_name for m in found] == [full_name]


@pytest.mark.parametrize("text", ["Пакет документов направлен.", "Обеспечить видеофиксацию."])
def test_the_name_check_leaves_ordinary_words_alone(text):
    case = factories.make_case()
    factories.add_party(case, factories.make_person(full_name="Пак Ольга Сергеевна"))
    assert not mentions_without_consent(case.parties, Addressee(AuthorityType.PROSECUTOR),
                                        [text])


# -- what an incoming document may be linked to -----------------------------------------------


def incoming(actor, **links):
    return services.register_incoming(actor=actor, received_on=office_today(),
                                      kind=IncomingKind.AUTHORITY_REPLY, sender="Colony No. 1",
                                      **links)


@pytest.fixture
def followed(people):
    """An issued recommendation of the case followed up by a caseworker who does not work on
    the case, and the reminder about it: they read the reminder but write nothing about the
    case."""
    supervisor, _caseworker, case, _prosecutor = people
    follower = factories.make_user(Role.CASEWORKER, region=Region.ASTANA)
    recommendation = factories.make_recommendation(case, record_status=RecordStatus.ISSUED,
                                                   owner=follower)
    reminder = services.start_letter(LetterKind.REMINDER, actor=supervisor,
                                     language=Language.EN, recommendation=recommendation)
    return follower, recommendation, reminder


def test_every_link_given_is_checked_not_only_the_first(people, followed):
    _supervisor, _caseworker, case, _prosecutor = people
    follower, recommendation, reminder = followed
    assert incoming(follower, letter=reminder).case == case  # reading the letter suffices
    assert incoming(follower, recommendation=recommendation).case == case
    for links in ({"letter": reminder, "case": case},
                  {"recommendation": recommendation, "case": case},
                  {"letter": referral(people), "recommendation": recommendation}):
        with pytest.raises(NotAllowed):
            incoming(follower, **links)


def test_the_letter_recommendation_and_case_given_must_agree(people, followed):
    supervisor, _caseworker, case, _prosecutor = people
    _follower, recommendation, reminder = followed
    other_case = factories.make_case(status=CaseStatus.INVESTIGATION)
    other = factories.make_recommendation(case, record_status=RecordStatus.ISSUED)
    elsewhere = factories.make_recommendation(other_case, record_status=RecordStatus.ISSUED)
    refusals = [
        ({"letter": reminder, "recommendation": other}, "recommendation",
         f"{reminder.label} is about recommendation {recommendation.label}."),
        ({"letter": reminder, "case": other_case}, "case",
         f"{reminder.label} is about case {case.reference}."),
        ({"recommendation": elsewhere, "case": case}, "case",
         f"{elsewhere.label} is about case {other_case.reference}."),
        ({"letter": referral(people), "recommendation": elsewhere}, "recommendation",
         f"{elsewhere.label} is about case {other_case.reference}."),
    ]
    for links, field, message in refusals:
        with pytest.raises(Refusal) as refused:
            incoming(supervisor, **links)
        assert (refused.value.field, refused.value.message) == (field, message), links
    document = incoming(supervisor, letter=reminder, recommendation=recommendation, case=case)
    assert (document.letter, document.recommendation, document.case) == (
        reminder, recommendation, case)


def test_a_document_received_more_than_ten_years_ago_is_refused_by_its_date(people):
    _supervisor, caseworker, case, _prosecutor = people
    today = office_today()
    oldest = earliest_received_on(today)
    for received_on in (date(1, 1, 1), oldest - timedelta(days=1)):
        with pytest.raises(Refusal) as refused:
            services.register_incoming(actor=caseworker, received_on=received_on,
                                       kind=IncomingKind.OTHER, sender="X", case=case)
        assert refused.value.field == "received_on"
        assert refused.value.message == "The date is more than ten years ago."
    document = services.register_incoming(actor=caseworker, received_on=oldest,
                                          kind=IncomingKind.OTHER, sender="X", case=case)
    assert document.received_on == oldest


@pytest.mark.parametrize(("field", "text"), [
    ("body", "a\n\n" * 400),  # 400 paragraphs: WeasyPrint would take seconds
    ("body", "x" * 30_001),
    ("enclosures", "copy\n" * 41),
    ("addressee_block", "line\n" * 13),
])
def test_a_letter_stays_a_few_pages_long(people, field, text):
    _supervisor, caseworker, _case, _prosecutor = people
    letter = referral(people)
    body = letter.body
    with pytest.raises(Refusal) as refused:
        services.edit_letter(letter, actor=caseworker, expected_version=letter.version,
                             **{field: text})
    assert refused.value.field == field
    assert letter.body == body
