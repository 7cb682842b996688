"""The wording that ships for every letter kind in Kazakh, Russian and English: it renders with
the sample data and with a real case, names people only under the consent rule, reads in the
letter's own language, keeps its paragraphs apart, and comes out of signing as a PDF that says
what the draft said."""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.attachments import storage
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import Case, CaseParty, PartyRole
from casework.database import office_today
from casework.extensions import db
from casework.letters import services
from casework.letters.drafting import sample_context
from casework.letters.models import Letter, LetterKind
from casework.letters.wording import default_wording, render
from casework.recommendations.lifecycle import RecordStatus
from casework.recommendations.models import Recommendation
from casework.reference.models import Authority, AuthorityType, Category, Language
from casework.reference.regions import Region
from tests import factories

KINDS = list(LetterKind)
LANGUAGES = list(Language)
EVERY_WORDING = [pytest.param(kind, language, id=f"{kind.value}.{language.value}")
                 for kind in KINDS for language in LANGUAGES]
ABOUT_A_RECOMMENDATION = {LetterKind.REMINDER, LetterKind.ESCALATION}
# The kinds whose wording speaks of the complainant to an authority (so under the pseudonym).
NAMING_THE_COMPLAINANT = {LetterKind.REFERRAL, LetterKind.INFORMATION_REQUEST,
                          LetterKind.COURT_SUBMISSION}

KAZAKH_ONLY = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
CYRILLIC = re.compile("[А-Яа-яЁё]")
REAL_NAME = "Серикбаев Арман Нурланович"


@dataclass
class World:
    """A case as letters meet it: a facility, categories, a complainant who did not consent,
    and an overdue recommendation to an authority that has a parent."""

    supervisor: User
    caseworker: User
    case: Case
    complainant: CaseParty
    recommendation: Recommendation
    prosecutor: Authority
    court: Authority


@pytest.fixture
def world() -> World:
    supervisor = factories.make_user(Role.SUPERVISOR, region=Region.ASTANA)
    caseworker = factories.make_user(Role.CASEWORKER, region=Region.ASTANA)
    facility = factories.make_facility(name="Учреждение ЕЦ-166/1")
    torture = Category(code="torture", name_en="Torture", name_ru="Пытки", name_kk="Азаптау")
    case = factories.make_case(status=CaseStatus.INVESTIGATION, assignees=(caseworker,),
                               facility=facility, summary="Избиение при поступлении",
                               categories=[torture])
    complainant = factories.add_party(case, factories.make_person(full_name=REAL_NAME),
                                      role=PartyRole.COMPLAINANT)
    committee = factories.make_authority(name="Комитет УИС МВД РК", type=AuthorityType.COMMITTEE)
    administration = factories.make_authority(
        name="Администрация учреждения ЕЦ-166/1", parent=committee,
        type=AuthorityType.FACILITY_ADMINISTRATION)
    today = office_today()
    recommendation = factories.make_recommendation(
        case, record_status=RecordStatus.ISSUED, authority=administration, owner=caseworker,
        issued_on=today - timedelta(days=40), reply_due=today - timedelta(days=10),
        implementation_due=today + timedelta(days=60), text="Обеспечить видеозапись приёма.")
    return World(
        supervisor, caseworker, case, complainant, recommendation,
        prosecutor=factories.make_authority(name="Прокуратура г. Астаны",
                                            type=AuthorityType.PROSECUTOR),
        court=factories.make_authority(name="Суд г. Астаны", type=AuthorityType.COURT),
    )


def draft(world: World, kind: LetterKind, language: Language) -> Letter:
    """A new draft of this kind, addressed as the caseworker would address it."""
    if kind in ABOUT_A_RECOMMENDATION:
        return services.start_letter(kind, actor=world.caseworker, language=language,
                                     recommendation=world.recommendation)
    if kind is LetterKind.REPLY_TO_COMPLAINANT:
        return services.start_letter(kind, actor=world.caseworker, language=language,
                                     case=world.case, person=world.complainant.person)
    authority = {LetterKind.REFERRAL: world.prosecutor,
                 LetterKind.COURT_SUBMISSION: world.court}.get(kind, world.recommendation.authority)
    return services.start_letter(kind, actor=world.caseworker, language=language,
                                 case=world.case, authority=authority)


def assert_reads_in(language: Language, *texts: str) -> None:
    for text in texts:
        if language is Language.KK:
            assert KAZAKH_ONLY.search(text), text
        elif language is Language.RU:
            assert CYRILLIC.search(text), text
            assert not KAZAKH_ONLY.search(text), text


def assert_paragraphs_apart(body: str) -> None:
    """Every line break is a paragraph break: a block tag at a line's end (trim_blocks) must
    not have glued two paragraphs together."""
    assert "\n" not in body.strip().replace("\n\n", ""), body


@pytest.mark.parametrize(("kind", "language"), EVERY_WORDING)
def test_the_shipped_wording_renders_with_the_sample_data(kind, language):
    context = sample_context(language)
    subject, body = render(default_wording(kind, language), context, language)
    assert subject.strip()
    about = "R-2026-00012" if kind in ABOUT_A_RECOMMENDATION else "2026-00123"
    assert about in subject + body
    assert_reads_in(language, subject, body)
    assert_paragraphs_apart(body)


@pytest.mark.parametrize(("kind", "language"), EVERY_WORDING)
def test_the_shipped_wording_renders_without_a_case_or_optional_values(kind, language):
    """Reminders and escalations may be about a visit's recommendation, and any letter may
    lack a complainant or a reply date: every optional value is guarded."""
    context = {**sample_context(language), "case": None, "complainant": "", "people": [],
               "response_due": None}
    if kind not in ABOUT_A_RECOMMENDATION:
        context.update(recommendations=[], recommendation=None)
    subject, body = render(default_wording(kind, language), context, language)
    assert subject.strip()
    assert "2026-00123" not in subject + body
    assert_reads_in(language, subject, body)
    assert_paragraphs_apart(body)


@pytest.mark.parametrize(("kind", "language"), EVERY_WORDING)
def test_a_real_draft_names_the_complainant_only_by_pseudonym(world, kind, language):
    letter = draft(world, kind, language)
    assert letter.subject.strip()
    assert world.case.reference in letter.body
    if kind in ABOUT_A_RECOMMENDATION or kind is LetterKind.RECOMMENDATION:
        assert world.recommendation.number in letter.body
    if kind in ABOUT_A_RECOMMENDATION:
        assert str(world.recommendation.reply_overdue_days(office_today())) in letter.body
    with force_locale(language.value):
        pseudonym = world.complainant.pseudonym
    if kind is LetterKind.REPLY_TO_COMPLAINANT:  # written to the complainant in person
        assert REAL_NAME in letter.body
        assert pseudonym not in letter.body
    else:
        assert REAL_NAME.split()[0] not in letter.subject + letter.body
        assert (pseudonym in letter.body) == (kind in NAMING_THE_COMPLAINANT)
    assert_reads_in(language, letter.subject, letter.body.replace(REAL_NAME, ""))
    assert_paragraphs_apart(letter.body)


@pytest.mark.parametrize(("kind", "language"), EVERY_WORDING)
def test_the_signed_pdf_carries_the_subject_and_the_numbers(world, kind, language, tmp_path):
    letter = draft(world, kind, language)
    services.sign(letter, actor=world.supervisor, expected_version=letter.version)
    db.session.flush()
    pdf = storage.verified_path(letter.pdf_storage_name, letter.pdf_sha256)
    # Kept beside the test for a look (pytest --basetemp=DIR puts them where you want).
    shutil.copy(pdf, tmp_path / f"{kind.value}.{language.value}.pdf")
    text = pdf_text(pdf)
    first_words = " ".join(letter.subject.split()[:5])
    assert first_words in text
    assert letter.number in text
    assert world.case.reference in text
    if kind in ABOUT_A_RECOMMENDATION:
        assert world.recommendation.number in text
    assert REAL_NAME not in text or kind is LetterKind.REPLY_TO_COMPLAINANT


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
