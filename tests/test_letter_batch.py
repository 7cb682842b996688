"""Reminders to one authority for all its overdue recommendations: which ones a supervisor is
offered, one signed reminder each (through the script's JSON endpoint or in one request), the
signed PDFs bound into one, and who may do any of it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework.accounts.roles import Role
from casework.attachments import storage
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.database import office_today
from casework.extensions import db
from casework.letters import batch, batch_views, services
from casework.letters.models import Letter, LetterKind, LetterStatus
from casework.recommendations.lifecycle import RecordStatus, Response
from casework.reference.models import Language
from casework.reference.regions import Region
from casework.refusals import Refusal
from casework.routing import MAX_DATABASE_ID
from tests import factories

TODAY = office_today()


@pytest.fixture
def office(supervisor, caseworker):
    """A supervisor of Astana, an authority that reads English, a case in follow-up."""
    authority = factories.make_authority(name="Penal Colony Administration No. 7",
                                         letter_language=Language.EN)
    case = factories.make_case(status=CaseStatus.FOLLOW_UP, assignees=(caseworker,))
    return supervisor, authority, case


def overdue(authority, case=None, *, days_late: int = 10, **kw):
    """An issued recommendation whose reply is `days_late` days overdue."""
    kw.setdefault("reply_due", TODAY - timedelta(days=days_late))
    kw.setdefault("record_status", RecordStatus.ISSUED)
    return factories.make_recommendation(
        case, authority=authority,
        issued_on=TODAY - timedelta(days=days_late + 30),
        implementation_due=kw.pop("implementation_due", TODAY + timedelta(days=90)), **kw,
    )


def signed_reminder(recommendation, supervisor):
    letter = batch.remind(recommendation, actor=supervisor, language=Language.EN)
    assert letter.status is LetterStatus.SIGNED
    return letter


def pdf_pages(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def stored_pdf(letter) -> bytes:
    return storage.verified_path(letter.pdf_storage_name, letter.pdf_sha256).read_bytes()


def letter_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Letter.id))) or 0


# -- which recommendations --------------------------------------------------------------------


def test_only_the_authoritys_live_overdue_recommendations_the_supervisor_supervises(office):
    supervisor, authority, case = office
    longest = overdue(authority, case, days_late=40)
    implementation_late = overdue(
        authority, case, response=Response.ACCEPTED, reply_due=TODAY - timedelta(days=50),
        implementation_due=TODAY - timedelta(days=5))
    reply_late = overdue(authority, case, days_late=3)
    overdue(factories.make_authority(), case)  # another authority
    overdue(authority, case, reply_due=TODAY + timedelta(days=5))  # not overdue yet
    factories.make_recommendation(case, authority=authority)  # a draft
    overdue(authority, case, record_status=RecordStatus.CLOSED)
    almaty = factories.make_case(region=Region.ALMATY_CITY, status=CaseStatus.FOLLOW_UP)
    elsewhere = overdue(authority, almaty)

    chosen = batch.overdue_for_reminder(authority, supervisor)

    assert chosen == [longest, implementation_late, reply_late]  # the longest overdue first
    national = factories.make_user(Role.SUPERVISOR, region=None)
    assert elsewhere in batch.overdue_for_reminder(authority, national)
    assert batch.overdue_for_reminder(authority, factories.make_user(Role.CASEWORKER)) == []


def test_recently_reminded_ones_are_listed_but_not_chosen(office):
    supervisor, authority, case = office
    fresh, drafted, signed, signed_long_ago = (overdue(authority, case) for _ in range(4))
    services.start_letter(LetterKind.REMINDER, actor=supervisor, language=Language.EN,
                          recommendation=drafted)
    signed_reminder(signed, supervisor)
    old = signed_reminder(signed_long_ago, supervisor)
    old.dated = TODAY - timedelta(days=batch.REMINDED_WITHIN_DAYS + 1)
    db.session.flush()

    found = {c.recommendation: c for c in batch.candidates(authority, supervisor)}

    assert found[fresh].chosen_by_default
    assert found[signed_long_ago].chosen_by_default
    assert not found[drafted].chosen_by_default
    assert found[drafted].earlier.is_draft
    assert not found[signed].chosen_by_default
    assert found[signed].earlier.number is not None


def test_the_page_lists_them_ticks_the_ones_to_remind_and_says_why_others_are_not(
    office, login
):
    supervisor, authority, case = office
    fresh, reminded = overdue(authority, case, days_late=20), overdue(authority, case)
    earlier = signed_reminder(reminded, supervisor)
    db.session.commit()

    page = login(supervisor).get(f"/letters/batch?authority_id={authority.id}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Reminders to Penal Colony Administration No. 7" in html
    assert re.search(rf'checked[^>]*value="{fresh.id}"|value="{fresh.id}"[^>]*checked', html)
    assert not re.search(rf'checked[^>]*value="{reminded.id}"|value="{reminded.id}"[^>]*checked',
                         html)
    assert earlier.number in html
    assert f"Signed on {TODAY.strftime('%-d %b %Y')}: skipped." in html
    assert "Create and sign 1 reminder" in html
    assert '<option selected value="en">' in html
    assert 'src="/static/js/letter-batch.js"' in html
    assert "<script>" not in html  # no inline script under the CSP


def test_requests_without_their_arguments_are_refused_plainly(office, login):
    client = login(office[0])
    assert client.get("/letters/batch").status_code == 400
    assert client.get("/letters/batch?authority_id=x").status_code == 400
    assert client.get("/letters/batch?authority_id=999999").status_code == 404
    assert client.post("/letters/batch").status_code == 400
    assert client.get("/letters/batch/combined.pdf").status_code == 400
    answer = client.post("/letters/batch/remind")
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "The request was incomplete. Reload the page."}


# -- one reminder -----------------------------------------------------------------------------


def test_remind_drafts_numbers_signs_and_audits_one_letter(office):
    supervisor, authority, case = office
    recommendation = overdue(authority, case)

    letter = batch.remind(recommendation, actor=supervisor, language=Language.EN)

    assert letter.kind is LetterKind.REMINDER
    assert letter.authority == authority
    assert letter.recommendation == recommendation
    assert letter.signed_by == supervisor
    assert letter.number is not None
    assert recommendation.number in pdf_pages(stored_pdf(letter))[1]
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "letters", AuditEntry.object_id == letter.id)).all()
    assert sorted(actions) == sorted([AuditAction.LETTER_DRAFTED, AuditAction.LETTER_SIGNED])


def test_a_name_typed_into_the_recommendation_keeps_its_reminder_a_draft(office):
    supervisor, authority, case = office
    factories.add_party(case, factories.make_person(full_name="Serikbayev Arman"))
    recommendation = overdue(authority, case, text="Give Mr Serikbayev a medical examination.")

    letter = batch.remind(recommendation, actor=supervisor, language=Language.EN)

    assert letter.is_draft
    assert letter.number is None
    assert letter.pdf_storage_name is None


def test_a_recommendation_no_longer_overdue_gets_no_reminder(office):
    supervisor, authority, case = office
    recommendation = overdue(authority, case, reply_due=TODAY + timedelta(days=3))
    with pytest.raises(Refusal, match="no longer overdue"):
        batch.remind(recommendation, actor=supervisor, language=Language.EN)
    assert letter_count() == 0


# -- the script's endpoint --------------------------------------------------------------------


def test_the_endpoint_signs_one_reminder_and_answers_with_its_letter(office, login):
    supervisor, authority, case = office
    recommendation = overdue(authority, case)
    db.session.commit()

    answer = login(supervisor).post("/letters/batch/remind", data={
        "recommendation_id": recommendation.id, "language": "en"})

    assert answer.status_code == 200
    data = answer.get_json()
    letter = db.session.get(Letter, data["letter_id"])
    assert letter.status is LetterStatus.SIGNED
    assert letter.language is Language.EN
    assert data["number"] == letter.number
    assert data["url"] == f"/letters/{letter.id}"
    assert data["recommendation"] == recommendation.number


def test_the_endpoint_says_why_it_refused_and_keeps_nothing(office, login):
    supervisor, authority, case = office
    answered = overdue(authority, case, reply_due=TODAY + timedelta(days=3))
    db.session.commit()

    answer = login(supervisor).post("/letters/batch/remind", data={
        "recommendation_id": answered.id, "language": "en"})

    assert answer.status_code == 422
    assert answer.get_json()["error"] == f"{answered.number} is no longer overdue."
    assert letter_count() == 0


def test_the_endpoint_reports_a_reminder_kept_as_a_draft(office, login):
    supervisor, authority, case = office
    factories.add_party(case, factories.make_person(full_name="Serikbayev Arman"))
    recommendation = overdue(authority, case, text="Mr Serikbayev must see a doctor.")
    db.session.commit()

    data = login(supervisor).post("/letters/batch/remind", data={
        "recommendation_id": recommendation.id, "language": "en"}).get_json()

    assert data["draft"] is True
    assert data["number"] is None
    assert "sign it on its own page" in data["message"]
    assert db.session.get(Letter, data["letter_id"]).is_draft


def test_the_endpoint_needs_the_csrf_token(office, login):
    supervisor, authority, case = office
    recommendation = overdue(authority, case)
    db.session.commit()

    answer = login(supervisor).post("/letters/batch/remind", csrf=False, data={
        "recommendation_id": recommendation.id, "language": "en"})

    assert answer.status_code == 400
    assert letter_count() == 0


def test_the_endpoint_refuses_a_recommendation_of_another_region(office, login):
    supervisor, authority, _case = office
    almaty = factories.make_case(region=Region.ALMATY_CITY, status=CaseStatus.FOLLOW_UP)
    elsewhere = overdue(authority, almaty)
    db.session.commit()

    answer = login(supervisor).post("/letters/batch/remind", data={
        "recommendation_id": elsewhere.id, "language": "en"})

    assert answer.status_code == 403
    assert letter_count() == 0


# -- the run without JavaScript ---------------------------------------------------------------


def test_without_javascript_one_request_signs_them_all_and_links_the_combined_pdf(
    office, login
):
    supervisor, authority, case = office
    first, second = overdue(authority, case, days_late=30), overdue(authority, case)
    db.session.commit()
    client = login(supervisor)

    response = client.post(f"/letters/batch?authority_id={authority.id}", data={
        "recommendation_id": [str(first.id), str(second.id)], "language": "en"})

    letters = db.session.scalars(sa.select(Letter).order_by(Letter.id)).all()
    assert [letter.recommendation_id for letter in letters] == [first.id, second.id]
    assert all(letter.status is LetterStatus.SIGNED for letter in letters)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "2 reminders signed." in page
    assert all(letter.number in page for letter in letters)
    ids = ",".join(str(letter.id) for letter in letters)
    assert f'href="/letters/batch/combined.pdf?ids={ids}"' in page


def test_a_refusal_midway_keeps_the_reminders_before_and_after_it(office, login, monkeypatch):
    supervisor, authority, case = office
    first, second, third = (overdue(authority, case, days_late=late) for late in (30, 20, 10))
    db.session.commit()
    real_sign = services.sign

    def sign_failing_second(letter, **kw):
        if letter.recommendation_id == second.id:
            raise Refusal("The printer is on fire.")
        real_sign(letter, **kw)

    monkeypatch.setattr(services, "sign", sign_failing_second)
    client = login(supervisor)
    response = client.post(f"/letters/batch?authority_id={authority.id}", data={
        "recommendation_id": [str(r.id) for r in (first, second, third)], "language": "en"})

    reminded = db.session.scalars(sa.select(Letter.recommendation_id)).all()
    assert sorted(reminded) == sorted([first.id, third.id])
    page = client.get(response.location).get_data(as_text=True)
    assert f"{second.number}: The printer is on fire." in page
    assert "2 reminders signed." in page


def test_one_request_without_javascript_makes_a_limited_number(office, login, monkeypatch):
    supervisor, authority, case = office
    recommendations = [overdue(authority, case, days_late=late) for late in (30, 20, 10)]
    db.session.commit()
    monkeypatch.setattr(batch_views, "PER_REQUEST_WITHOUT_SCRIPT", 2)
    client = login(supervisor)

    response = client.post(f"/letters/batch?authority_id={authority.id}", data={
        "recommendation_id": [str(r.id) for r in recommendations], "language": "en"})

    reminded = db.session.scalars(sa.select(Letter.recommendation_id)).all()
    assert sorted(reminded) == sorted(r.id for r in recommendations[:2])
    page = client.get(response.location).get_data(as_text=True)
    assert "1 more still to remind: they are ticked again below" in page
    assert "Create and sign 1 reminder" in page


def test_a_recommendation_not_on_the_list_is_refused_whole(office, login):
    supervisor, authority, case = office
    listed = overdue(authority, case)
    other = overdue(factories.make_authority(), case)
    db.session.commit()

    response = login(supervisor).post(f"/letters/batch?authority_id={authority.id}", data={
        "recommendation_id": [str(listed.id), str(other.id)], "language": "en"})

    assert response.status_code == 400
    assert f"&#39;{other.id}&#39; is not a valid choice" in response.get_data(as_text=True)
    assert letter_count() == 0


def test_choosing_nothing_is_refused(office, login):
    supervisor, authority, case = office
    overdue(authority, case)
    db.session.commit()
    response = login(supervisor).post(f"/letters/batch?authority_id={authority.id}",
                                      data={"language": "en"})
    assert response.status_code == 400
    assert "Choose at least one recommendation." in response.get_data(as_text=True)


# -- the combined PDF -------------------------------------------------------------------------


def test_the_combined_pdf_holds_every_letter_whole_and_audits_each_download(office, login):
    supervisor, authority, case = office
    letters = [signed_reminder(overdue(authority, case), supervisor) for _ in range(3)]
    db.session.commit()
    ids = ",".join(str(letter.id) for letter in letters)

    response = login(supervisor).get(f"/letters/batch/combined.pdf?ids={ids}")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages, text = pdf_pages(response.data)
    assert pages == sum(pdf_pages(stored_pdf(letter))[0] for letter in letters)
    assert all(letter.number in text for letter in letters)
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title.startswith("Reminders to Penal Colony Administration No. 7, ")
    assert reader.page_labels[0] == f"{letters[0].number} · 1"
    downloads = db.session.scalars(sa.select(AuditEntry.object_id).where(
        AuditEntry.action == AuditAction.LETTER_DOWNLOADED)).all()
    assert sorted(downloads) == sorted(letter.id for letter in letters)


def test_a_tampered_stored_pdf_refuses_the_whole_download(office, login):
    supervisor, authority, case = office
    letters = [signed_reminder(overdue(authority, case), supervisor) for _ in range(2)]
    db.session.commit()
    storage.path_for(letters[1].pdf_storage_name).write_bytes(b"%PDF-1.4 something else")
    ids = ",".join(str(letter.id) for letter in letters)

    response = login(supervisor).get(f"/letters/batch/combined.pdf?ids={ids}")

    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"The stored PDF of letter {letters[1].number} no longer matches" in page
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == AuditAction.LETTER_DOWNLOADED)) == 0


def test_the_combined_pdf_takes_signed_letters_the_reader_may_read_only(office, login):
    supervisor, authority, case = office
    signed = signed_reminder(overdue(authority, case), supervisor)
    draft = services.start_letter(LetterKind.REMINDER, actor=supervisor, language=Language.EN,
                                  recommendation=overdue(authority, case))
    national = factories.make_user(Role.SUPERVISOR, region=None)
    almaty = factories.make_case(region=Region.ALMATY_CITY, status=CaseStatus.FOLLOW_UP)
    foreign = signed_reminder(overdue(authority, almaty), national)
    db.session.commit()
    client = login(supervisor)

    def status(ids: str) -> int:
        return client.get(f"/letters/batch/combined.pdf?ids={ids}").status_code

    assert status(f"{signed.id},{draft.id}") == 403
    assert status(f"{signed.id},{foreign.id}") == 403
    assert status(f"{signed.id},999999") == 404
    assert status("") == 400
    assert status("1;2") == 400
    assert status(",".join(str(n) for n in range(1, batch.MAX_BATCH + 2))) == 400
    assert status(str(signed.id)) == 200


# -- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LAWYER, Role.ADMIN, Role.MONITOR,
                                  Role.AUDITOR], ids=str)
def test_only_supervisors_use_the_batch(office, login, role):
    supervisor, authority, case = office
    recommendation = overdue(authority, case)
    letter = signed_reminder(overdue(authority, case), supervisor)
    db.session.commit()
    client = login(factories.make_user(role, region=Region.ASTANA))
    query = f"authority_id={authority.id}"

    answers = [
        client.get(f"/letters/batch?{query}"),
        client.post(f"/letters/batch?{query}", data={
            "recommendation_id": [str(recommendation.id)], "language": "en"}),
        client.post("/letters/batch/remind", data={
            "recommendation_id": recommendation.id, "language": "en"}),
        client.get(f"/letters/batch/combined.pdf?ids={letter.id}"),
    ]

    assert [answer.status_code for answer in answers] == [403] * 4
    assert letter_count() == 1


def test_the_dashboard_and_the_filtered_register_lead_supervisors_here(office, login,
                                                                       caseworker):
    supervisor, authority, case = office
    overdue(authority, case, drafted_by=caseworker)
    db.session.commit()
    link = f'href="/letters/batch?authority_id={authority.id}"'

    client = login(supervisor)
    assert link in client.get("/dashboard").get_data(as_text=True)
    assert link in client.get(f"/recommendations?authority={authority.id}").get_data(as_text=True)
    assert link not in client.get("/recommendations").get_data(as_text=True)
    client.post("/logout")
    client = login(caseworker)
    assert link not in client.get("/dashboard").get_data(as_text=True)
    assert link not in client.get(f"/recommendations?authority={authority.id}").get_data(
        as_text=True)


@pytest.mark.parametrize("recommendation_id", [10**20, MAX_DATABASE_ID + 1, 0, -1])
def test_the_endpoint_refuses_an_id_no_recommendation_can_have(office, login,
                                                               recommendation_id):
    """Beyond the database's integers PostgreSQL would fail on the query: refused first."""
    supervisor, _authority, _case = office
    answer = login(supervisor).post("/letters/batch/remind", data={
        "recommendation_id": str(recommendation_id), "language": "en"})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "The request was incomplete. Reload the page."
    assert letter_count() == 0
