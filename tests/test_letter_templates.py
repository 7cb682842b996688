"""Admins' letter templates: the overview, the editor's preview (text and PDF), saving and
restoring with their audit entries, the sandbox refusing escapes and runaway templates next to
the field with nothing saved, and only admins getting in."""

from __future__ import annotations

import io
import re
import time
from html import unescape

import pytest
import sqlalchemy as sa
from flask_babel import get_locale
from pypdf import PdfReader

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.extensions import db
from casework.letters import services, wording
from casework.letters.drafting import VARIABLE_HELP, sample_context, template_context
from casework.letters.models import LetterKind, LetterTemplate
from casework.letters.templates_admin import (
    check_wording,
    fingerprint,
    save_wording,
    variables,
    without_optional_details,
)
from casework.letters.wording import Wording, WordingError, default_wording, render
from casework.recommendations.lifecycle import RecordStatus
from casework.reference.models import AuthorityType, Language
from casework.reference.regions import Region
from tests import factories

EDIT = "/admin/letter-templates/referral/en"
PDF = EDIT + "/preview.pdf"
RESET = EDIT + "/reset"
SHIPPED = default_wording(LetterKind.REFERRAL, Language.EN)
GOOD_BODY = "We refer case {{ case.reference }} to you.\n\nRespectfully."

# Each is refused next to the body; the comment says what it tries.
ESCAPES = {
    "syntax": "Dear sir,\n{% if case %}\nno end",  # a syntax error, on line 2
    "undefined": "{{ no_such_name }}",
    "class walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "config": "{{ config.SECRET_KEY }}{{ config }}",
    "include": "{% include '/etc/passwd' %}",
    "import": "{% import 'base.html' as base %}",
    "extends": "{% extends 'base.html' %}",
    "cycler globals": "{{ cycler.__init__.__globals__ }}",
    "self": "{{ self.__init__.__globals__ }}",
    "str.format": "{{ '{0.__class__}'.format(case) }}",
    "range attribute": "{{ range.__self__ }}",
    "date method": "{{ today.replace(year=1) }}",
    "request": "{{ request.environ }}",
    "huge loop": "{% for i in range(10**9) %}x{% endfor %}",
    "nested loop": "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
    "long output": "{% for i in range(9999) %}{{ case.summary }}{% endfor %}",
    "text bomb": "{{ 'x' * 10**9 }}",
    "number bomb": "{{ 9 ** 9999999 }}",
    "doubling": "{% set ns = namespace(t='ab') %}{% for i in range(64) %}"
                "{% set ns.t = ns.t ~ ns.t %}{% endfor %}",
    "nested lists": "{% set ns = namespace(t=[1]) %}{% for i in range(64) %}"
                    "{% set ns.t = [ns.t, ns.t] %}{% endfor %}{{ ns.t }}",
    "replace bomb": "{{ ('x' * 40000)|replace('', 'yyyyyyyyyy') }}",
    "printf": "{{ '%0999999999d' % 1 }}",
    "recursion": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "recursive loop": "{% for x in [1] recursive %}{{ loop([x, x]) }}{% endfor %}",
    "deep blocks": "{% for a in [1] %}" * 150 + "x" + "{% endfor %}" * 150,
    "deep expression": "{{ " + "(" * 500 + "1" + ")" * 500 + " }}",
    "float overflow": "{{ 2.0 ** 5000 }}",
}


@pytest.fixture
def admin():
    return factories.make_user(Role.ADMIN, full_name="Aigerim Admin")


def body_error(html: str) -> str:
    """The message shown next to the body field."""
    found = re.search(r'<p class="error" id="body-error">(.*?)</p>', html, re.S)
    assert found, "no message next to the body"
    return unescape(found.group(1))


def saved_rows() -> list[LetterTemplate]:
    return list(db.session.scalars(sa.select(LetterTemplate)))


def audit(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).filter_by(action=action)))


def form(subject: str = "Referral of case {{ case.reference }}", body: str = GOOD_BODY,
         based_on: str | None = None, **buttons: str) -> dict[str, str]:
    return {"subject": subject, "body": body,
            "based_on": based_on or fingerprint(SHIPPED), **buttons}


def referral_letter():
    caseworker = factories.make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = factories.make_case(status=CaseStatus.INVESTIGATION, assignees=(caseworker,))
    prosecutor = factories.make_authority(type=AuthorityType.PROSECUTOR)
    letter = services.start_letter(LetterKind.REFERRAL, actor=caseworker,
                                   language=Language.EN, case=case, authority=prosecutor)
    return letter, case


# -- the overview and the editor --------------------------------------------------------------


def test_overview_lists_every_kind_in_every_language_as_default_or_customised(login, admin):
    client = login(admin)
    save_wording(LetterKind.REMINDER, Language.KK,
                 Wording("Ескертпе {{ recommendation.number }}", "Мәтін."),
                 actor=admin, based_on=fingerprint(default_wording(LetterKind.REMINDER,
                                                                   Language.KK)))
    db.session.commit()
    html = client.get("/admin/letter-templates").get_data(as_text=True)
    assert html.count("/admin/letter-templates/") == len(LetterKind) * 3
    for kind in LetterKind:
        assert str(kind.label) in html
    assert html.count(">default</a>") == len(LetterKind) * 3 - 1
    assert "customised by Aigerim Admin on" in html
    assert 'href="/admin/letter-templates/reminder/kk"' in html


def test_editor_opens_on_the_shipped_wording_with_the_variables_explained(login, admin):
    html = login(admin).get(EDIT).get_data(as_text=True)
    assert unescape(html).count(SHIPPED.subject) == 1
    assert "{{ case.summary }}" in unescape(html)  # the body's source, in the textarea
    assert "The wording that ships with the application." in html
    for name in ("case.reference", "recommendation.days_overdue", "response_due"):
        assert f"<code>{name}</code>" in html
    assert str(VARIABLE_HELP["case.reference"]) in html
    assert "Restore the shipped wording" not in html  # nothing to restore yet


@pytest.mark.parametrize("url", [
    "/admin/letter-templates/memo/en", "/admin/letter-templates/referral/de",
    "/admin/letter-templates/REFERRAL/en",
])
def test_an_unknown_kind_or_language_is_not_found(login, admin, url):
    client = login(admin)
    assert client.get(url).status_code == 404
    assert client.post(url, data=form(preview="Preview")).status_code == 404
    assert client.post(url + "/reset").status_code == 404
    assert client.post(url + "/preview.pdf", data=form()).status_code == 404


def test_preview_renders_the_sample_letter_and_saves_nothing(login, admin):
    response = login(admin).post(EDIT, data=form(preview="Preview"))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Preview with sample data" in html
    assert "Referral of case 2026-00123" in html  # the subject, rendered
    assert "We refer case 2026-00123 to you." in html
    assert "{{ case.reference }} to you." in html  # the source is kept in the editor
    assert saved_rows() == []


def test_the_preview_shows_markup_in_a_wording_as_text(login, admin):
    response = login(admin).post(EDIT, data=form(body="<script>alert(1)</script> {{ office }}",
                                                 preview="Preview"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Commissioner for Human Rights" in html


def test_pdf_preview_draws_the_sample_letter_inline(login, admin):
    response = login(admin).post(PDF, data=form())
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Cache-Control"] == "no-store"
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "Referral of case 2026-00123" in text
    assert "We refer case 2026-00123 to you." in text
    assert saved_rows() == []


def test_pdf_preview_of_a_broken_wording_shows_the_editor_with_the_message(login, admin):
    response = login(admin).post(PDF, data=form(body="{{ nope }}"))
    assert response.status_code == 400
    assert "'nope' is undefined" in body_error(response.get_data(as_text=True))


# -- saving and restoring ---------------------------------------------------------------------


def test_saving_is_audited_before_to_after_and_new_letters_use_it(login, admin):
    response = login(admin).post(EDIT, data=form(save="Save"))
    assert response.status_code == 302
    [row] = saved_rows()
    assert (row.kind, row.language, row.updated_by_id) == (
        LetterKind.REFERRAL, Language.EN, admin.id)
    assert row.body == GOOD_BODY + "\n"
    [entry] = audit(AuditAction.LETTER_TEMPLATE_SAVED)
    assert entry.actor_id == admin.id
    assert entry.changes["kind"] == "referral"
    assert entry.changes["language"] == "en"
    assert entry.changes["subject"] == [SHIPPED.subject, "Referral of case {{ case.reference }}"]
    assert entry.changes["body"] == [SHIPPED.body, GOOD_BODY + "\n"]

    letter, case = referral_letter()
    assert letter.subject == f"Referral of case {case.reference}"
    assert letter.body == f"We refer case {case.reference} to you.\n\nRespectfully.\n"


def test_the_overview_and_editor_say_who_customised_it(login, admin):
    client = login(admin)
    client.post(EDIT, data=form(save="Save"))
    html = client.get(EDIT).get_data(as_text=True)
    assert "Customised by Aigerim Admin on" in html
    assert "Restore the shipped wording" in html
    assert 'action="/admin/letter-templates/referral/en/reset"' in html


def test_control_characters_made_by_a_wording_are_dropped_from_its_letters(login, admin):
    """PostgreSQL refuses a NUL in text; a request carrying one is refused already
    (casework.security), but a template can make one."""
    login(admin).post(EDIT, data=form(body="Case\x01 {{ case.reference }}{{ '\\x00' }}.",
                                      save="Save"))
    [row] = saved_rows()
    assert row.body == "Case {{ case.reference }}{{ '\\x00' }}.\n"
    letter, case = referral_letter()
    assert letter.body == f"Case {case.reference}.\n"


def test_restoring_deletes_the_customised_wording_audited_and_letters_use_the_shipped_one(
    login, admin
):
    client = login(admin)
    client.post(EDIT, data=form(save="Save"))
    response = client.post(RESET)
    assert response.status_code == 302
    assert saved_rows() == []
    [entry] = audit(AuditAction.LETTER_TEMPLATE_RESET)
    assert entry.changes["body"] == [GOOD_BODY + "\n", SHIPPED.body]
    letter, case = referral_letter()
    assert letter.subject == render(SHIPPED, template_context(
        LetterKind.REFERRAL, Language.EN, case=case, recommendation=None,
        authority=letter.authority, person=None), Language.EN)[0]
    assert "Respectfully." not in letter.body


def test_restoring_the_shipped_wording_twice_is_refused_with_a_message(login, admin):
    response = login(admin).post(RESET, follow_redirects=True)
    assert "already the one that ships with the application" in response.get_data(as_text=True)
    assert audit(AuditAction.LETTER_TEMPLATE_RESET) == []


def test_saving_the_wording_in_use_changes_nothing(login, admin):
    response = login(admin).post(
        EDIT, data=form(subject=SHIPPED.subject, body=SHIPPED.body.replace("\n", "\r\n"),
                        save="Save"), follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert saved_rows() == []
    assert audit(AuditAction.LETTER_TEMPLATE_SAVED) == []


def test_a_save_over_someone_elses_keeps_the_text_and_shows_theirs(login, admin):
    client = login(admin)
    client.post(EDIT, data=form(body="Their text for {{ case.reference }}.", save="Save"))
    response = client.post(EDIT, data=form(body="My text.", save="Save"))  # opened before
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "Someone else changed this wording" in html
    assert "Their text for {{ case.reference }}." in html  # theirs, to compare
    assert "\nMy text.</textarea>" in html  # mine, kept
    assert [row.body for row in saved_rows()] == ["Their text for {{ case.reference }}.\n"]
    # The page now carries the saved wording's fingerprint: saving again replaces it.
    based_on = re.search(r'name="based_on" type="hidden" value="(\w+)"', html)
    assert based_on
    client.post(EDIT, data=form(body="My text.", based_on=based_on.group(1), save="Save"))
    assert [row.body for row in saved_rows()] == ["My text.\n"]


def test_a_post_without_the_csrf_token_is_refused_and_saves_nothing(login, admin):
    client = login(admin)
    for url, data in ((EDIT, form(save="Save")), (PDF, form()), (RESET, {})):
        assert client.post(url, data=data, csrf=False).status_code == 400
    assert saved_rows() == []


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ESCAPES.values(), ids=ESCAPES.keys())
def test_escapes_and_runaway_templates_are_refused_next_to_the_body(app, login, admin, source):
    client = login(admin)
    for button in ("preview", "save"):
        started = time.perf_counter()
        response = client.post(EDIT, data=form(body=source, **{button: button}))
        html = response.get_data(as_text=True)
        assert response.status_code == 400, button
        assert time.perf_counter() - started < 5
        assert body_error(html)
        assert f"\n{source}</textarea>" in unescape(html)  # the text is kept
        assert app.config["SECRET_KEY"] not in html
        assert "SQLALCHEMY" not in html
        assert "root:" not in html
    assert saved_rows() == []
    assert audit(AuditAction.LETTER_TEMPLATE_SAVED) == []


@pytest.mark.parametrize(("source", "message"), [
    ("Dear sir,\n{% if case %}\nno end", "Line 3: Unexpected end of template"),
    ("Dear sir,\n\n{{ no_such_name }}", "Line 3: The template does not render: "
                                        "'no_such_name' is undefined"),
    ("{{ ''.__class__.__mro__ }}", "access to attribute '__class__' of 'str' object is unsafe"),
    ("{{ config }}", "'config' is undefined"),
    ("\n{% include '/etc/passwd' %}", "Line 2: A wording may not include, import or extend"),
    ("{{ cycler.__init__.__globals__ }}", "'cycler' is undefined"),
    ("{% for i in range(10**9) %}x{% endfor %}", "range() may give at most 10000 numbers"),
    ("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
     "The template does too much work"),
    ("{% for i in range(9999) %}{{ case.summary }}{% endfor %}",
     "The template gives more than 50000 characters"),
])
def test_refusals_say_what_is_wrong_and_where(login, admin, source, message):
    response = login(admin).post(EDIT, data=form(body=source, save="Save"))
    assert message in body_error(response.get_data(as_text=True))


def test_a_broken_subject_is_refused_next_to_the_subject(login, admin):
    response = login(admin).post(EDIT, data=form(subject="Case {{ case.number }}", save="Save"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="subject-error"' in html
    assert "has no attribute 'number'" in unescape(html)
    assert saved_rows() == []


def test_a_subject_that_renders_too_long_for_a_letter_is_refused():
    with pytest.raises(WordingError, match="longer than 300 characters") as refused:
        check_wording(LetterKind.REFERRAL, Language.EN,
                      Wording("{% for i in range(40) %}{{ case.reference }} {% endfor %}", "x"))
    assert refused.value.field == "subject"


def test_a_wording_must_work_without_the_details_some_letters_lack():
    """A reminder may concern a recommendation without a case; a referral has no single
    recommendation: a wording that assumes them would break real drafts."""
    reminder = Wording("Reminder", "Case {{ case.reference }}: {{ recommendation.number }}")
    with pytest.raises(WordingError, match="letters without some details"):
        check_wording(LetterKind.REMINDER, Language.EN, reminder)
    guarded = Wording("Reminder", "{% if case %}Case {{ case.reference }}: {% endif %}"
                                  "{{ recommendation.number }}")
    assert check_wording(LetterKind.REMINDER, Language.EN, guarded)[1] == (
        "Case 2026-00123: R-2026-00012\n")
    with pytest.raises(WordingError, match="letters without some details"):
        check_wording(LetterKind.REFERRAL, Language.EN,
                      Wording("Referral", "{{ recommendation.number }}"))


def test_refusals_are_worded_in_the_readers_language_not_the_letters(monkeypatch):
    locales = []

    def spy(text, **variables):
        locales.append(str(get_locale()))
        return text % variables

    monkeypatch.setattr(wording, "_", spy)
    with pytest.raises(WordingError):
        render(Wording("s", "{{ nope }}"), sample_context(Language.KK), Language.KK)
    assert locales
    assert set(locales) == {"en"}


def test_starting_a_letter_from_a_broken_saved_wording_gives_a_wording_error(admin):
    """A wording saved before a rule tightened, or written to the database by hand."""
    db.session.add(LetterTemplate(kind=LetterKind.REFERRAL, language=Language.EN,
                                  subject="Referral", body="{{ case.no_such_field }}",
                                  updated_by=admin))
    db.session.flush()
    with pytest.raises(WordingError, match="no_such_field") as refused:
        referral_letter()
    assert refused.value.field == "body"


# -- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.ADMIN], ids=str)
def test_only_admins_reach_the_letter_templates(login, role):
    client = login(factories.make_user(role, region=Region.ASTANA))
    assert client.get("/admin/letter-templates").status_code == 403
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, data=form(save="Save")).status_code == 403
    assert client.post(PDF, data=form()).status_code == 403
    assert client.post(RESET).status_code == 403
    assert saved_rows() == []


# -- the variables and the sample -------------------------------------------------------------


def _shape(value):
    """The names in a context, with the fields of dicts and of lists' first items."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list) and value:
        return [_shape(value[0])]
    return None


def test_the_sample_has_the_shape_of_a_real_context_and_every_name_is_explained():
    caseworker = factories.make_user(Role.CASEWORKER, region=Region.ASTANA)
    case = factories.make_case(status=CaseStatus.INVESTIGATION, assignees=(caseworker,),
                               facility=factories.make_facility())
    case.categories.append(factories.make_category())
    factories.add_party(case)
    recommendation = factories.make_recommendation(case, record_status=RecordStatus.ISSUED)
    real = template_context(LetterKind.REMINDER, Language.EN, case=case,
                            recommendation=recommendation, authority=recommendation.authority,
                            person=None)
    sample = sample_context(Language.EN)
    assert _shape(real) == _shape(sample)
    assert [variable.name for variable in variables(Language.EN)] == list(VARIABLE_HELP)


@pytest.mark.parametrize("language", list(Language), ids=str)
def test_every_shipped_wording_passes_the_editors_checks(language):
    for kind in LetterKind:
        subject, body = check_wording(kind, language, default_wording(kind, language))
        assert subject
        assert body.strip()
        lean = without_optional_details(kind, sample_context(language))
        assert render(default_wording(kind, language), lean, language)


def test_the_sandbox_still_lets_a_wording_use_what_letters_need():
    wording = Wording(
        "{{ case.reference }} / {{ case.summary|upper }}",
        "{% set ns = namespace(days=0) %}"
        "{% for item in recommendations %}{{ loop.index }}. {{ item.text }} ({{ item.number }})"
        "{% set ns.days = ns.days + item.days_overdue %}\n{% endfor %}"
        "{{ case.categories|join(', ')|lower }}; {{ ns.days }} days; "
        "{{ today|day }}; {{ (response_due - today).days if response_due else '' }}"
        "{{ people|map(attribute='name')|join(', ') }}; {{ case.summary.split()|length }}; "
        "{{ 'a' ~ 1 ~ [2] }}; {{ complainant or 'the applicant' }}; {{ case['region'] }}",
    )
    subject, body = render(wording, sample_context(Language.EN), Language.EN)
    assert subject == "2026-00123 / BEATING OF A PRISONER ON ARRIVAL AT THE COLONY"
    assert body.startswith("1. Install video recording in all interview rooms. (R-2026-00012)")
    assert "torture, medical care; 12 days;" in body
    assert "Applicant A.; 9; a1[2]; Applicant A.; Karaganda Region" in body


# Methods that read all of a long text or list, called over and over: each call is paid for
# what it reads, so the budget stops them long before they take the worker's time.
_LONG = "{% set s = 'éééééééééé' * 4000 %}{% set items = [1] * 20000 %}{% set t = s ~ '' %}"\
        "{% set pair = [s] %}"
_NESTED = "{% for i in range(10000) %}{% for j in range(7) %}{% if CALL %}{% endif %}"\
          "{% endfor %}{% endfor %}"
SCANNING_CALLS = {
    "isalpha": "s.isalpha()",
    "count": "s.count('y')",
    "find": "s.find('y')",
    "list count": "items.count(2)",
    "long argument": "pair.count(t)",
}


@pytest.mark.parametrize("call", SCANNING_CALLS.values(), ids=SCANNING_CALLS.keys())
def test_methods_that_read_long_values_are_paid_for_what_they_read(call):
    started = time.perf_counter()
    with pytest.raises(WordingError, match="The template does too much work"):
        check_wording(LetterKind.REFERRAL, Language.EN,
                      Wording("Referral", _LONG + _NESTED.replace("CALL", call)))
    assert time.perf_counter() - started < 5  # it ran for a minute before
