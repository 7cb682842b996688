"""A letter's pages over HTTP: drafting from the case and from an overdue recommendation, the
draft's editor with its refusals and stale saves, the previews and their assets, signing with
the name check, the stored PDF and its fingerprint, dispatch, corrections, who may see what,
and the case page's section and timeline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from casework.accounts.roles import Role
from casework.attachments import storage
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.cases.models import AssignmentRole, CaseAssignment, PartyRole
from casework.extensions import db
from casework.letters import services
from casework.letters.display import addressee_label
from casework.letters.models import (
    IncomingKind,
    Letter,
    LetterKind,
    LetterStatus,
    LetterTemplate,
)
from casework.letters.views import download_name
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.models import AuthorityType, Language
from casework.reference.regions import Region
from tests.factories import (
    add_party,
    make_authority,
    make_case,
    make_person,
    make_recommendation,
    make_user,
)

TODAY = date(2026, 11, 10)


@pytest.fixture(autouse=True)
def _office_day() -> Iterator[None]:
    """Every test runs on TODAY in the office, so numbers, dates and deadlines are known."""
    with time_machine.travel(TODAY):
        yield


def page(response) -> str:
    return response.get_data(as_text=True)


def committed(obj):
    db.session.commit()
    return obj


def reloaded(letter: Letter) -> Letter:
    db.session.expire_all()
    return db.session.get(Letter, letter.id)


def url(letter: Letter, action: str = "") -> str:
    return f"/letters/{letter.id}" + (f"/{action}" if action else "")


def switch_to(login, user):
    """Sign the test client out and in again as `user` (signing in over a session is a no-op)."""
    login(user).post("/logout")
    return login(user)


def flashes(response) -> list[str]:
    return [m.strip() for m in re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</div>',
                                          page(response), re.S)]


@pytest.fixture
def case(caseworker):
    return committed(make_case(status=CaseStatus.INVESTIGATION, assignees=(caseworker,),
                               summary="Beating on arrival"))


@pytest.fixture
def prosecutor():
    return committed(make_authority(name="Prosecutor of Astana", type=AuthorityType.PROSECUTOR,
                                    address="Astana, Beibitshilik 1",
                                    letter_language=Language.EN))


@pytest.fixture
def draft(case, caseworker, prosecutor) -> Letter:
    """A referral drafted by the case's caseworker, in English."""
    return committed(services.start_letter(LetterKind.REFERRAL, actor=caseworker,
                                           language=Language.EN, case=case,
                                           authority=prosecutor))


@pytest.fixture
def signed(draft, supervisor) -> Letter:
    services.sign(draft, actor=supervisor, expected_version=draft.version)
    return committed(draft)


def edit_data(letter: Letter, **changes) -> dict:
    data = {"subject": letter.subject, "addressee_block": letter.addressee_block,
            "body": letter.body, "enclosures": letter.enclosures, "confidential": "y",
            "response_due": "", "version": letter.version}
    return {**data, **changes}


# -- drafting from the case -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["referral", "information_request", "recommendation",
                                  "court_submission"])
def test_caseworker_drafts_a_letter_to_an_authority_in_its_language(login, case, caseworker,
                                                                     prosecutor, kind):
    client = login(caseworker)
    form = client.get(f"/cases/{case.id}/letters/new")
    assert form.status_code == 200
    assert "Prosecutor of Astana" in page(form)
    assert 'value="reminder"' not in page(form)  # written from the recommendation instead

    response = client.post(f"/cases/{case.id}/letters/new", data={
        "kind": kind, "language": "", "authority": prosecutor.id, "person": ""})

    letter = db.session.scalars(sa.select(Letter)).one()
    assert response.status_code == 302
    assert response.location.endswith(url(letter))
    assert (letter.kind, letter.language, letter.authority) == (
        LetterKind(kind), Language.EN, prosecutor)
    assert letter.status is LetterStatus.DRAFT
    shown = page(client.get(url(letter)))
    assert f"Draft letter {letter.id}" in shown
    assert letter.subject in shown
    assert 'id="edit"' in shown


def test_caseworker_drafts_a_reply_to_the_complainant(login, case, caseworker):
    complainant = add_party(case, make_person(full_name="Serikbayev Arman"),
                            role=PartyRole.COMPLAINANT)
    db.session.commit()
    client = login(caseworker)
    # Without consent the list names the pseudonym, as the case page does.
    assert "Applicant A." in page(client.get(f"/cases/{case.id}/letters/new"))

    response = client.post(f"/cases/{case.id}/letters/new", data={
        "kind": "reply_to_complainant", "language": "", "authority": "",
        "person": complainant.person_id})

    letter = db.session.scalars(sa.select(Letter)).one()
    assert response.status_code == 302
    assert (letter.kind, letter.person, letter.authority, letter.language) == (
        LetterKind.REPLY_TO_COMPLAINANT, complainant.person, None, Language.RU)
    assert letter.addressee_name == "Serikbayev Arman"


def test_a_missing_addressee_is_refused_next_to_its_field_with_the_input_kept(
        login, case, caseworker, prosecutor):
    response = login(caseworker).post(f"/cases/{case.id}/letters/new", data={
        "kind": "referral", "language": "en", "authority": "", "person": ""})
    html = page(response)
    assert response.status_code == 400
    assert re.search(r'id="authority-error">Choose the authority the letter goes to', html)
    assert '<option selected value="referral">' in html
    assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_a_broken_admin_wording_asks_for_an_administrator(login, case, caseworker, prosecutor):
    admin = make_user(Role.ADMIN)
    db.session.add(LetterTemplate(kind=LetterKind.REFERRAL, language=Language.EN,
                                  subject="{{ case.reference", body="x", updated_by=admin))
    db.session.commit()
    response = login(caseworker).post(f"/cases/{case.id}/letters/new", data={
        "kind": "referral", "language": "", "authority": prosecutor.id, "person": ""})
    assert response.status_code == 400
    assert "An administrator must fix it in the letter templates" in page(response)
    assert "Referral to the prosecutor" in page(response)
    assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_who_may_not_draft_on_the_case_gets_403(login, case):
    lawyer = make_user(Role.LAWYER)
    case.assignments  # noqa: B018 - loaded before the lawyer is added to them
    unassigned = make_user(Role.CASEWORKER, region=Region.ALMATY)
    db.session.commit()
    assert login(lawyer).get(f"/cases/{case.id}/letters/new").status_code == 403
    client = switch_to(login, unassigned)
    assert client.get(f"/cases/{case.id}/letters/new").status_code == 403
    assert client.get("/cases/999999/letters/new").status_code == 404


# -- editing the draft ------------------------------------------------------------------------


def test_caseworker_saves_the_draft(login, draft, caseworker):
    response = login(caseworker).post(url(draft, "edit"), data=edit_data(
        draft, subject="On the beating of 2 November", enclosures="Medical report\nPhotos",
        response_due="2026-12-01", confidential=""))
    assert response.status_code == 302
    letter = reloaded(draft)
    assert letter.subject == "On the beating of 2 November"
    assert letter.enclosure_list == ["Medical report", "Photos"]
    assert letter.response_due == date(2026, 12, 1)
    assert letter.confidential is False
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert AuditAction.LETTER_EDITED in actions


def test_an_empty_subject_is_refused_next_to_it_and_the_text_kept(login, draft, caseworker):
    response = login(caseworker).post(url(draft, "edit"), data=edit_data(
        draft, subject="  ", body="My new paragraph that must not be lost."))
    html = page(response)
    assert response.status_code == 400
    assert re.search(r'id="edit-subject-error">This cannot be empty', html)
    assert "My new paragraph that must not be lost." in html
    assert reloaded(draft).body != "My new paragraph that must not be lost."


def test_a_stale_save_keeps_the_input_shows_the_saved_text_and_saves_next_time(
        login, draft, caseworker, supervisor):
    opened_version = draft.version
    services.edit_letter(draft, actor=supervisor, expected_version=draft.version,
                         body="The supervisor's wording.")
    db.session.commit()

    client = login(caseworker)
    response = client.post(url(draft, "edit"), data=edit_data(
        draft, body="The caseworker's wording.", version=opened_version))
    html = page(response)
    assert response.status_code == 409
    assert "Someone else changed this letter" in html
    assert "The caseworker&#39;s wording." in html
    assert "The supervisor&#39;s wording." in html  # the saved text, to compare
    assert f'value="{reloaded(draft).version}"' in html
    assert reloaded(draft).body.strip() == "The supervisor's wording."

    again = client.post(url(draft, "edit"), data=edit_data(
        draft, body="The caseworker's wording.", version=reloaded(draft).version))
    assert again.status_code == 302
    assert reloaded(draft).body.strip() == "The caseworker's wording."


def test_a_save_after_the_letter_was_signed_shows_the_unsaved_text(
        login, draft, caseworker, supervisor):
    opened_version = draft.version
    services.sign(draft, actor=supervisor, expected_version=draft.version)
    db.session.commit()
    response = login(caseworker).post(url(draft, "edit"), data=edit_data(
        draft, body="A paragraph typed while the supervisor signed.", version=opened_version))
    html = page(response)
    assert response.status_code == 409
    assert "Your changes were not saved" in html
    assert "A paragraph typed while the supervisor signed." in html
    assert "A paragraph typed" not in reloaded(draft).body


def test_a_post_without_its_csrf_token_is_refused(login, draft, caseworker):
    response = login(caseworker).post(url(draft, "edit"), data=edit_data(draft), csrf=False)
    assert response.status_code == 400
    assert reloaded(draft).version == draft.version


# -- previews and assets ----------------------------------------------------------------------


def test_html_preview_loads_the_bundled_assets_under_the_csp(login, draft, caseworker):
    response = login(caseworker).get(url(draft, "preview"))
    html = page(response)
    assert response.status_code == 200
    assert draft.subject in html
    assert '<base href="/letters/assets/">' in html
    assert '<link rel="stylesheet" href="letter.css">' in html
    assert 'src="emblem.svg"' in html
    assert not re.search(r"<script|<style|\sstyle=", html)
    policy = response.headers["Content-Security-Policy"]
    assert "base-uri 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy


def test_the_pdf_keeps_no_base_and_no_link(app, draft):
    from casework.letters.documents import content_of, letter_html

    with app.test_request_context():
        html = letter_html(content_of(draft))
    assert "<base" not in html
    assert "<link" not in html


def test_the_asset_route_serves_the_stylesheet_and_nothing_outside(login, draft, caseworker):
    client = login(caseworker)
    css = client.get("/letters/assets/letter.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert b"@page" in css.data
    assert client.get("/letters/assets/fonts/DejaVuSerif.ttf").status_code == 200
    for escape in ("/letters/assets/../pdf.py", "/letters/assets/fonts/../../pdf.py",
                   "/letters/assets/%2e%2e/pdf.py", "/letters/assets/..%2fpdf.py",
                   "/letters/assets/%2Fetc%2Fpasswd", "/letters/assets//etc/passwd"):
        # (a doubled slash is first redirected to the single-slash path, then not found)
        assert client.get(escape, follow_redirects=True).status_code == 404, escape


def test_the_assets_are_for_letter_readers_only(login):
    assert login(make_user(Role.AUDITOR)).get("/letters/assets/letter.css").status_code == 403


def test_pdf_preview_of_a_draft_is_rendered_now(login, draft, caseworker):
    response = login(caseworker).get(url(draft, "preview.pdf"))
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Cache-Control"] == "no-store"


# -- signing, the stored PDF and its fingerprint ----------------------------------------------


def test_supervisor_signs_and_the_download_is_the_stored_pdf_and_audited(
        login, draft, supervisor):
    client = login(supervisor)
    shown = page(client.get(url(draft)))
    assert 'id="sign"' in shown
    assert 'name="confirm_names"' not in shown  # only after the name check asks for it

    response = client.post(url(draft, "sign"), data={"version": draft.version})
    letter = reloaded(draft)
    assert response.status_code == 302
    assert letter.status is LetterStatus.SIGNED
    assert letter.number == "00001-2026"
    assert flashes(client.get(url(letter))) == ["Signed as 00001-2026."]
    html = page(client.get(url(letter)))
    assert letter.pdf_sha256 in html
    assert 'id="edit"' not in html
    assert "Correct (new letter replacing this one)" in html

    download = client.get(url(letter, "pdf"))
    stored = storage.verified_path(letter.pdf_storage_name, letter.pdf_sha256).read_bytes()
    assert download.status_code == 200
    assert download.data == stored
    assert 'attachment; filename=00001-2026.pdf' in download.headers["Content-Disposition"]
    downloads = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.LETTER_DOWNLOADED)).all()
    assert [(e.actor_id, e.object_id) for e in downloads] == [(supervisor.id, letter.id)]
    # The PDF preview of a signed letter is the stored PDF, not a new rendering.
    preview = client.get(url(letter, "preview.pdf"))
    assert preview.status_code == 302
    assert preview.location.endswith(url(letter, "pdf"))


def test_a_tampered_pdf_is_not_handed_out(login, signed, supervisor):
    path = storage.path_for(signed.pdf_storage_name)
    path.write_bytes(b"%PDF-1.4 something else entirely")
    response = login(supervisor).get(url(signed, "pdf"))
    html = page(response)
    assert response.status_code == 500
    assert "no longer matches its fingerprint" in html
    assert "Tell an administrator" in html
    assert "Traceback" not in html
    assert response.mimetype == "text/html"
    downloads = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == AuditAction.LETTER_DOWNLOADED))
    assert downloads == 0


def test_a_draft_has_no_download(login, draft, caseworker):
    client = login(caseworker)
    response = client.get(url(draft, "pdf"))
    assert response.status_code == 302
    assert "no stored PDF yet" in flashes(client.get(url(draft)))[0]


def test_download_names_are_safe(app):
    assert download_name("00001-2026") == "00001-2026"
    assert download_name("04-12/17") == "04-12-17"
    assert download_name("../../etc/passwd") == "etc-passwd"
    assert download_name("") == "letter"


def test_caseworker_cannot_sign(login, draft, caseworker):
    client = login(caseworker)
    assert 'id="sign"' not in page(client.get(url(draft)))
    assert client.post(url(draft, "sign"), data={"version": draft.version}).status_code == 403
    assert reloaded(draft).status is LetterStatus.DRAFT


def test_names_without_consent_need_the_signers_confirmation(login, case, draft, caseworker,
                                                             supervisor):
    add_party(case, make_person(full_name="Serikbayev Arman"), role=PartyRole.VICTIM)
    services.edit_letter(draft, actor=caseworker, expected_version=draft.version,
                         body=draft.body + "\n\nMr Serikbayev was beaten on arrival.")
    db.session.commit()
    client = login(supervisor)

    refused = client.post(url(draft, "sign"), data={"version": draft.version})
    html = page(refused)
    assert refused.status_code == 400
    assert re.search(r'id="sign-confirm_names-error">The letter names Victim A\.', html)
    assert 'name="confirm_names"' in html
    assert reloaded(draft).number is None

    confirmed = client.post(url(draft, "sign"), data={"version": draft.version,
                                                       "confirm_names": "y"})
    letter = reloaded(draft)
    assert confirmed.status_code == 302
    assert letter.status is LetterStatus.SIGNED
    assert letter.names_confirmed
    assert "The signer confirmed names" in page(client.get(url(letter)))


def test_signing_a_letter_changed_meanwhile_is_refused(login, draft, caseworker, supervisor):
    opened_version = draft.version
    services.edit_letter(draft, actor=caseworker, expected_version=draft.version,
                         subject="Changed after the supervisor opened it")
    db.session.commit()
    client = login(supervisor)
    response = client.post(url(draft, "sign"), data={"version": opened_version})
    assert response.status_code == 302
    assert "Someone else changed this letter" in flashes(client.get(url(draft)))[0]
    assert reloaded(draft).status is LetterStatus.DRAFT


# -- dispatch, corrections, discarding --------------------------------------------------------


def test_mark_sent_refuses_a_future_date_by_the_field_then_records_it(login, signed,
                                                                    caseworker):
    client = login(caseworker)
    future = client.post(url(signed, "sent"), data={"sent_on": "2026-11-11"})
    assert future.status_code == 400
    assert re.search(r'id="sent-sent_on-error">The date cannot be in the future', page(future))
    assert reloaded(signed).status is LetterStatus.SIGNED

    response = client.post(url(signed, "sent"), data={"sent_on": "2026-11-10"})
    letter = reloaded(signed)
    assert response.status_code == 302
    assert (letter.status, letter.sent_on) == (LetterStatus.SENT, TODAY)


def test_a_correction_is_drafted_from_the_signed_letter(login, signed, caseworker):
    client = login(caseworker)
    response = client.post(url(signed, "correct"))
    correction = db.session.scalars(
        sa.select(Letter).where(Letter.supersedes_id == signed.id)).one()
    assert response.status_code == 302
    assert response.location.endswith(url(correction))
    assert (correction.is_draft, correction.body, correction.authority) == (
        True, signed.body, signed.authority)
    old = page(client.get(url(signed)))
    assert re.search(r"Corrections in draft</dt>\s*<dd>\s*<a href=\"/letters/\d+\">"
                     f"Draft letter {correction.id}", old)
    assert "00001-2026" in page(client.get(url(correction)))  # "Replaces"


def test_a_signed_correction_supersedes_the_old_letter(login, case, signed, caseworker,
                                                       supervisor):
    correction = committed(services.start_correction(signed, actor=caseworker))
    client = login(supervisor)
    response = client.post(url(correction, "sign"), data={"version": correction.version})
    assert response.status_code == 302
    assert reloaded(signed).superseded_by_id == correction.id
    old = page(client.get(url(signed)))
    assert re.search(r"Superseded by</dt>\s*<dd>\s*<a href=\"/letters/\d+\">00002-2026", old)
    assert "Correct (new letter replacing this one)" not in old
    section = page(client.get(f"/cases/{case.id}")).split('id="letters"')[1]
    assert re.search(r"superseded by\s*<a href=\"/letters/\d+\">00002-2026", section)


def test_the_replies_to_a_signed_letter_are_listed_on_its_page(login, signed, caseworker,
                                                                prosecutor):
    document = committed(services.register_incoming(
        actor=caseworker, received_on=TODAY, kind=IncomingKind.AUTHORITY_REPLY,
        authority=prosecutor, letter=signed, summary="A pre-trial investigation was opened."))
    html = page(login(caseworker).get(url(signed)))
    assert f'href="/correspondence/incoming/new?letter_id={signed.id}"' in html
    assert f'<a href="/correspondence/incoming/{document.id}">IN-00001-2026</a>' in html
    assert "A pre-trial investigation was opened." in html
    assert "Prosecutor of Astana" in html
    assert "received 10 Nov 2026" in html


def test_discarding_a_draft_returns_to_the_case(login, draft, caseworker, case):
    response = login(caseworker).post(url(draft, "discard"))
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case.id}")
    assert reloaded(draft).status is LetterStatus.DISCARDED


# -- who sees a letter ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("caseworker", 200), ("supervisor", 200), ("lawyer", 403), ("admin", 403),
    ("auditor", 403), ("other region's supervisor", 403),
])
def test_letter_page_answers_each_role(login, draft, caseworker, supervisor, who, status):
    users = {
        "caseworker": caseworker, "supervisor": supervisor,
        "lawyer": make_user(Role.LAWYER), "admin": make_user(Role.ADMIN),
        "auditor": make_user(Role.AUDITOR),
        "other region's supervisor": make_user(Role.SUPERVISOR, region=Region.ALMATY),
    }
    db.session.commit()
    client = login(users[who])
    for path in (url(draft), url(draft, "preview"), url(draft, "preview.pdf")):
        assert client.get(path).status_code == status, path


def test_unknown_letters_are_404(login, supervisor):
    client = login(supervisor)
    assert client.get("/letters/999999").status_code == 404
    assert client.post("/letters/999999/sign", data={"version": 1}).status_code == 404


def test_lists_name_the_addressee_only_with_consent(case, caseworker):
    person = make_person(full_name="Serikbayev Arman")
    party = add_party(case, person, role=PartyRole.COMPLAINANT)
    letter = services.start_letter(LetterKind.REPLY_TO_COMPLAINANT, actor=caseworker,
                                   language=Language.EN, case=case, person=person)
    assert addressee_label(letter) == "Applicant A."
    party.consents_to_disclosure = True
    assert addressee_label(letter) == "Serikbayev Arman (Applicant A.)"


def test_reading_a_letter_that_names_someone_without_consent_is_an_audited_reveal(
        login, case, caseworker):
    person = make_person(full_name="Serikbayev Arman")
    add_party(case, person, role=PartyRole.COMPLAINANT)
    letter = services.start_letter(LetterKind.REPLY_TO_COMPLAINANT, actor=caseworker,
                                   language=Language.EN, case=case, person=person)
    db.session.commit()
    client = login(caseworker)
    for path in ("", "/preview", "/preview.pdf"):
        assert client.get(f"/letters/{letter.id}{path}").status_code == 200
    reveals = db.session.scalars(sa.select(AuditEntry).filter_by(
        action=AuditAction.IDENTITY_REVEALED, object_id=case.id)).all()
    assert [e.changes for e in reveals] == [{"letter_id": letter.id}] * 3


# -- the case page ----------------------------------------------------------------------------


def test_case_page_lists_the_letters_and_offers_a_new_one(login, case, signed, caseworker,
                                                         prosecutor):
    newer = committed(services.start_letter(LetterKind.INFORMATION_REQUEST, actor=caseworker,
                                            language=Language.EN, case=case,
                                            authority=prosecutor))
    html = page(login(caseworker).get(f"/cases/{case.id}"))
    section = html[html.index('id="letters"'):]
    section = section[:section.index("</section>")]
    assert f'href="/cases/{case.id}/letters/new"' in section
    assert section.index(f"Draft letter {newer.id}") < section.index("00001-2026")
    assert "Referral to the prosecutor" in section
    assert "Request for information" in section
    assert "Prosecutor of Astana" in section
    assert "Astana, Beibitshilik" not in section  # the first line only
    assert "Signed" in section
    assert "10 Nov 2026" in section


def test_case_section_offers_no_new_letter_to_a_reader_who_may_not_draft(login, case, draft):
    lawyer = make_user(Role.LAWYER)
    case.assignments.append(CaseAssignment(user=lawyer, role=AssignmentRole.LAWYER))
    db.session.commit()
    html = page(login(lawyer).get(f"/cases/{case.id}"))
    assert 'id="letters"' in html
    assert f"Draft letter {draft.id}" in html
    assert "/letters/new" not in html


def test_case_section_leaves_out_letters_the_reader_may_not_open(login, case, caseworker):
    """A monitor who opened the case reads it, but not a letter to the complainant."""
    monitor = make_user(Role.MONITOR)
    case.created_by = monitor
    person = make_person(full_name="Serikbayev Arman")
    add_party(case, person, role=PartyRole.COMPLAINANT)
    reply = committed(services.start_letter(LetterKind.REPLY_TO_COMPLAINANT, actor=caseworker,
                                            language=Language.EN, case=case, person=person))
    client = login(monitor)
    html = page(client.get(f"/cases/{case.id}"))
    section = html[html.index('id="letters"'):]
    section = section[:section.index("</section>")]
    assert f"Draft letter {reply.id}" not in section
    assert "No letters yet." in section
    assert "Serikbayev" not in html
    assert client.get(url(reply)).status_code == 403


def test_timeline_tells_the_letter_events(login, case, signed, caseworker):
    html = page(login(caseworker).get(f"/cases/{case.id}"))
    assert f"Draft letter {signed.id}: Drafted" in html
    assert "00001-2026: Signed and numbered" in html
    assert f"Until signed: Draft letter {signed.id}" in html
    assert "Referral to the prosecutor" in html


# -- reminders and escalations from a recommendation -------------------------------------------


@pytest.fixture
def overdue(case, caseworker):
    """An issued recommendation whose reply was due on 22 October, to an authority that reads
    Russian with a parent that reads English."""
    parent = make_authority(name="Penitentiary Committee", letter_language=Language.EN)
    colony = make_authority(name="Colony No. 1", parent=parent, letter_language=Language.RU)
    return committed(make_recommendation(
        case, record_status=RecordStatus.ISSUED, authority=colony, owner=caseworker,
        reply_due=date(2026, 10, 22)))


def test_overdue_recommendation_offers_a_reminder_and_an_escalation(login, overdue,
                                                                   caseworker):
    client = login(caseworker)
    html = page(client.get(f"/recommendations/{overdue.id}"))
    assert "Send a reminder" in html
    assert "Escalate to the parent authority" in html
    assert "The escalation goes to Penitentiary Committee." in html

    reminder = client.post(f"/recommendations/{overdue.id}/letters/reminder")
    escalation = client.post(f"/recommendations/{overdue.id}/letters/escalation")
    letters = db.session.scalars(sa.select(Letter).order_by(Letter.id)).all()
    assert [(letter.kind, letter.authority.name, letter.language) for letter in letters] == [
        (LetterKind.REMINDER, "Colony No. 1", Language.RU),
        (LetterKind.ESCALATION, "Penitentiary Committee", Language.EN)]
    assert reminder.location.endswith(url(letters[0]))
    assert escalation.location.endswith(url(letters[1]))
    assert all(letter.recommendation == overdue for letter in letters)
    assert overdue.number in letters[1].body


def test_no_letter_buttons_on_a_recommendation_that_is_not_overdue(login, case, caseworker):
    on_time = committed(make_recommendation(
        case, record_status=RecordStatus.ISSUED, owner=caseworker,
        reply_due=date(2026, 11, 30), implementation_due=date(2027, 3, 1)))
    html = page(login(caseworker).get(f"/recommendations/{on_time.id}"))
    assert "Send a reminder" not in html
    assert "Escalate to the parent authority" not in html


def test_a_draft_recommendation_offers_no_letters(login, case, caseworker):
    draft_recommendation = committed(make_recommendation(case, drafted_by=caseworker))
    html = page(login(caseworker).get(f"/recommendations/{draft_recommendation.id}"))
    assert "Send a reminder" not in html


def test_without_a_parent_only_the_reminder_is_offered_and_escalation_refused(
        login, case, caseworker):
    lone = make_authority(name="Lone authority", letter_language=Language.EN)
    recommendation = committed(make_recommendation(
        case, record_status=RecordStatus.ISSUED, authority=lone, owner=caseworker))
    client = login(caseworker)
    html = page(client.get(f"/recommendations/{recommendation.id}"))
    assert "Send a reminder" in html
    assert "Escalate to the parent authority" not in html

    response = client.post(f"/recommendations/{recommendation.id}/letters/escalation")
    assert response.status_code == 302
    assert response.location.endswith(f"/recommendations/{recommendation.id}")
    assert "has no parent authority" in flashes(
        client.get(f"/recommendations/{recommendation.id}"))[0]
    assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_only_reminders_and_escalations_come_from_a_recommendation(login, overdue, caseworker):
    client = login(caseworker)
    assert client.post(f"/recommendations/{overdue.id}/letters/referral").status_code == 404
    lawyer = make_user(Role.LAWYER)
    db.session.commit()
    assert switch_to(login, lawyer).post(
        f"/recommendations/{overdue.id}/letters/reminder").status_code == 403
