"""Accounts: signing in and out, the admin's user screens and the create-user command."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from casework import create_app
from casework.accounts import passwords, services
from casework.accounts.models import User
from casework.accounts.passwords import verify_password
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db, limiter
from casework.reference.regions import Region
from config import TestConfig
from tests.factories import PASSWORD, make_case, make_user

NEW_PASSWORD = "Steppe-Horizon-2041"
OTHER_ROLES = [role for role in Role if role is not Role.ADMIN]


def audit_entries(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def sign_in(client, email: str, password: str = PASSWORD, **query):
    return client.post("/login", query_string=query, data={"email": email, "password": password})


def is_signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def new_user_form(**changes) -> dict:
    form = {
        "full_name": "Aigerim Nurlanovna",
        "email": "A.Nurlanovna@Ombudsman.example",
        "roles": ["caseworker"],
        "region": "karaganda",
        "language": "kk",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    return {**form, **changes}


# -- signing in ---------------------------------------------------------------------------


def test_sign_in_page_shows_the_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'class="narrow card"' in page
    assert 'name="email"' in page
    assert 'name="password"' in page


def test_user_signs_in_and_lands_on_my_work(client):
    user = make_user(Role.CASEWORKER)
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)
    assert user.last_login_at is not None
    [entry] = audit_entries(AuditAction.SIGN_IN)
    assert entry.actor_id == user.id


def test_sign_in_ignores_case_and_spaces_in_the_email(client):
    make_user(email="zhanna@example.org")
    assert sign_in(client, "  Zhanna@Example.ORG ").status_code == 302


def test_wrong_password_is_refused_with_a_generic_message(client):
    user = make_user()
    response = sign_in(client, user.email, "not the password")
    assert response.status_code == 200
    assert "E-mail or password is incorrect" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    [entry] = audit_entries(AuditAction.SIGN_IN_FAILED)
    assert entry.actor_id is None
    assert entry.changes["email"] == user.email


def test_unknown_email_gets_the_same_message(client):
    response = sign_in(client, "nobody@example.org")
    assert "E-mail or password is incorrect" in response.get_data(as_text=True)
    [entry] = audit_entries(AuditAction.SIGN_IN_FAILED)
    assert entry.changes["email"] == "nobody@example.org"
    assert entry.object_id is None


def test_unknown_email_is_checked_against_a_hash_as_costly_as_a_real_one(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_FAST", False)
    dummy = passwords._dummy_hash(passwords._hasher())
    assert not passwords.needs_rehash(dummy)  # same parameters, hence the same time


def test_inactive_user_cannot_sign_in(client):
    user = make_user(is_active_account=False)
    response = sign_in(client, user.email)
    assert "E-mail or password is incorrect" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    assert user.last_login_at is None


def test_sign_in_starts_a_fresh_session(client):
    with client.session_transaction() as session:
        session["planted_before_sign_in"] = "attacker's value"
        session["language"] = "kk"
    sign_in(client, make_user().email)
    with client.session_transaction() as session:
        assert "planted_before_sign_in" not in session
        assert session["language"] == "kk"  # a preference survives, nothing else
        assert "_user_id" in session


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_sign_in_refuses_to_redirect_off_site(client, target):
    response = sign_in(client, make_user().email, next=target)
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_local_next(client):
    response = sign_in(client, make_user().email, next="/cases?status=open")
    assert response.headers["Location"] == "/cases?status=open"


def test_next_survives_the_sign_in_form(client):
    page = client.get("/login?next=/cases").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/cases"' in page


def test_signed_in_user_visiting_sign_in_goes_to_my_work(client, login):
    login(make_user())
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_outdated_password_hash_is_upgraded_on_sign_in(client):
    old_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    user = make_user()
    user.password_hash = old_hash
    assert sign_in(client, user.email).status_code == 302
    assert user.password_hash != old_hash
    assert verify_password(user.password_hash, PASSWORD)


def test_sign_in_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert not is_signed_in(client)
    assert user.last_login_at is None


@pytest.fixture
def limited_app(app, tmp_path):
    """An app whose sign-in form allows two failed attempts a minute per address."""

    class LimitedConfig(TestConfig):
        RATELIMIT_ENABLED = True
        LOGIN_ATTEMPTS_PER_MINUTE = 2
        STORAGE_DIR = tmp_path

    limited = create_app(LimitedConfig)
    limited.test_client_class = app.test_client_class
    try:
        with limited.app_context():
            db.create_all()
            yield limited
            db.session.remove()
    finally:
        limiter.enabled = False  # the limiter is one object shared by every app
        limiter.reset()


def test_failed_sign_ins_are_rate_limited_per_address(limited_app):
    client = limited_app.test_client()
    codes = [sign_in(client, "x@example.org", "wrong").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/login").status_code == 200  # only the POST is limited


def test_successful_sign_ins_do_not_use_up_the_limit(limited_app):
    user = make_user(Role.CASEWORKER)
    db.session.commit()
    codes = [
        sign_in(limited_app.test_client(), user.email, PASSWORD).status_code for _ in range(4)
    ]
    assert codes == [302, 302, 302, 302]


# -- signing out --------------------------------------------------------------------------


def test_sign_out_ends_the_session(client, login):
    user = make_user()
    login(user)
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert not is_signed_in(client)
    assert client.get("/").status_code == 302
    [entry] = audit_entries(AuditAction.SIGN_OUT)
    assert entry.actor_id == user.id


def test_sign_out_needs_a_post_with_csrf_token(client, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", csrf=False).status_code == 400
    assert is_signed_in(client)


# -- who may use the admin screens --------------------------------------------------------


ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/{id}/edit",
               "/admin/users/{id}/password"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_opens_every_user_screen(client, login, path):
    admin = make_user(Role.ADMIN)
    login(admin)
    assert client.get(path.format(id=admin.id)).status_code == 200


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_other_roles_are_refused_the_user_screens(client, login, role, path):
    user = make_user(role)
    login(user)
    url = path.format(id=user.id)
    assert client.get(url).status_code == 403
    if path != "/admin/users":
        assert client.post(url, data=new_user_form(is_active="y")).status_code == 403
    assert user_count() == 1
    assert user.roles == {role}


def test_missing_user_is_not_found(client, login):
    login(make_user(Role.ADMIN))
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert client.get("/admin/users/999999/password").status_code == 404


# -- the user list ------------------------------------------------------------------------


def test_user_list_shows_and_filters_users(client, login):
    login(make_user(Role.ADMIN, full_name="Admin Adminov"))
    make_user(Role.LAWYER, full_name="Ержан Сериков", region=Region.PAVLODAR)
    make_user(Role.CASEWORKER, full_name="Dana Inactive", is_active_account=False)

    page = client.get("/admin/users").get_data(as_text=True)
    assert "Ержан Сериков" in page
    assert "Dana Inactive" in page
    assert "Pavlodar Region" in page

    page = client.get("/admin/users?q=ержан").get_data(as_text=True)
    assert "Ержан Сериков" in page
    assert "Dana Inactive" not in page

    page = client.get("/admin/users?role=lawyer").get_data(as_text=True)
    assert "Ержан Сериков" in page
    assert ">Admin Adminov</a>" not in page

    page = client.get("/admin/users?active=no").get_data(as_text=True)
    assert "Dana Inactive" in page
    assert "Ержан Сериков" not in page


# -- creating users -----------------------------------------------------------------------


def test_admin_creates_a_user(client, login):
    admin = make_user(Role.ADMIN)
    login(admin)
    response = client.post("/admin/users/new", data=new_user_form(roles=["caseworker", "lawyer"]))
    assert response.status_code == 302

    user = services.find_user_by_email("a.nurlanovna@ombudsman.example")
    assert user.email == "a.nurlanovna@ombudsman.example"
    assert user.roles == {Role.CASEWORKER, Role.LAWYER}
    assert user.region is Region.KARAGANDA
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert len(user.session_token) == 32
    [entry] = audit_entries(AuditAction.USER_CREATED)
    assert entry.actor_id == admin.id
    assert entry.object_id == user.id
    assert entry.changes["roles"] == ["caseworker", "lawyer"]
    assert_no_secret_in_audit(user)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "TAKEN@example.org"}, "Another user already has this e-mail address."),
        ({"password": "short", "confirm": "short"}, "Use at least 12 characters."),
        ({"password": "пароль123456", "confirm": "пароль123456"}, "too common"),
        ({"confirm": "something else entirely"}, "The passwords do not match."),
        ({"roles": []}, "Choose at least one role."),
        ({"email": "not an address"}, "Invalid email address."),
    ],
)
def test_invalid_new_user_changes_nothing_and_keeps_the_input(client, login, changes, message):
    login(make_user(Role.ADMIN))
    make_user(email="taken@example.org")
    response = client.post("/admin/users/new", data=new_user_form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Aigerim Nurlanovna"' in page
    assert user_count() == 2
    assert audit_entries(AuditAction.USER_CREATED) == []


def test_create_user_service_enforces_the_rules_without_a_form(app):
    make_user(email="taken@example.org")
    with pytest.raises(services.AccountError) as error:
        services.create_user(
            email="Taken@Example.org", full_name="X", roles={Role.AUDITOR},
            password=NEW_PASSWORD, actor=None,
        )
    assert error.value.field == "email"
    with pytest.raises(services.AccountError):
        services.create_user(
            email="new@example.org", full_name="X", roles=set(), password=NEW_PASSWORD,
            actor=None,
        )


# -- editing users ------------------------------------------------------------------------


def test_admin_edits_a_user_and_the_change_is_audited(client, login):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.CASEWORKER, full_name="Old Name")
    login(admin)
    form = {"full_name": "New Name", "email": user.email, "roles": ["supervisor"],
            "region": "astana", "language": "", "is_active": "y"}
    assert client.post(f"/admin/users/{user.id}/edit", data=form).status_code == 302
    assert user.full_name == "New Name"
    assert user.roles == {Role.SUPERVISOR}
    [entry] = audit_entries(AuditAction.USER_UPDATED)
    assert entry.changes == {
        "full_name": ["Old Name", "New Name"],
        "roles": [["caseworker"], ["supervisor"]],
        "region": [None, "astana"],
    }


def test_edit_form_shows_the_current_values(client, login):
    login(make_user(Role.ADMIN))
    user = make_user(Role.LAWYER, region=Region.SHYMKENT)
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked [^>]*value="lawyer"', page)
    assert not re.search(r'<input checked [^>]*value="caseworker"', page)
    assert '<option selected value="shymkent">' in page


@pytest.mark.parametrize(
    ("form", "field", "field_message"),
    [
        ({"roles": ["admin"]}, "is_active", "You cannot deactivate your own account."),
        ({"roles": ["supervisor"], "is_active": "y"}, "roles",
         "You cannot change your own roles."),
        ({"roles": ["admin", "supervisor"], "is_active": "y"}, "roles",
         "cannot be combined with another role"),
        ({"roles": ["admin"], "region": "astana", "is_active": "y"}, "region",
         "You cannot change your own region."),
    ],
    ids=["deactivate", "swap-role", "add-case-role", "region"],
)
def test_admin_cannot_change_their_own_access(client, login, form, field, field_message):
    admin = make_user(Role.ADMIN)
    login(admin)
    data = {"full_name": admin.full_name, "email": admin.email, **form}
    response = client.post(f"/admin/users/{admin.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert re.search(rf'<p class="error" id="{field}-error">[^<]*{field_message}', page)
    assert (admin.is_active_account, admin.roles, admin.region) == (True, {Role.ADMIN}, None)
    assert audit_entries(AuditAction.USER_UPDATED) == []
    assert client.get("/cases").status_code == 403


def test_admin_may_still_correct_their_own_name(client, login):
    admin = make_user(Role.ADMIN)
    login(admin)
    page = client.get(f"/admin/users/{admin.id}/edit").get_data(as_text=True)
    assert "You cannot change your own roles or region." in page
    data = {"full_name": "Corrected Name", "email": admin.email, "roles": ["admin"],
            "region": "", "is_active": "y"}
    assert client.post(f"/admin/users/{admin.id}/edit", data=data).status_code == 302
    assert admin.full_name == "Corrected Name"


@pytest.mark.parametrize("role", OTHER_ROLES, ids=str)
def test_admin_role_cannot_be_combined_with_another_role(client, login, role):
    login(make_user(Role.ADMIN))
    other = make_user(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user_form(roles=["admin", role.value]))
    assert "cannot be combined with another role" in response.get_data(as_text=True)
    assert user_count() == 2
    form = {"full_name": other.full_name, "email": other.email, "roles": ["admin", role.value],
            "is_active": "y"}
    response = client.post(f"/admin/users/{other.id}/edit", data=form)
    assert "cannot be combined with another role" in response.get_data(as_text=True)
    assert other.roles == {Role.ADMIN}
    assert audit_entries(AuditAction.USER_UPDATED) == []


def test_account_services_refuse_an_admin_with_a_case_role(app):
    """The rule holds without a form: for the command line and any future caller."""
    actor = make_user(Role.ADMIN)
    with pytest.raises(services.AccountError) as refused:
        services.create_user(email="x@example.org", full_name="X", password=NEW_PASSWORD,
                             roles={Role.ADMIN, Role.LAWYER}, actor=actor)
    assert refused.value.field == "roles"
    colleague = make_user(Role.SUPERVISOR)
    with pytest.raises(services.AccountError) as refused:
        services.update_user(colleague, email=colleague.email, full_name=colleague.full_name,
                             roles={Role.SUPERVISOR, Role.ADMIN}, region=None, language=None,
                             is_active=True, actor=actor)
    assert refused.value.field == "roles"
    assert colleague.roles == {Role.SUPERVISOR}
    with pytest.raises(services.AccountError) as refused:
        services.update_user(actor, email=actor.email, full_name=actor.full_name,
                             roles={Role.ADMIN}, region=Region.ASTANA, language=None,
                             is_active=True, actor=actor)
    assert refused.value.field == "region"
    assert actor.region is None


def test_an_old_account_combining_admin_and_a_case_role_reads_no_case(client, login):
    """Accounts saved before the rule keep only the admin's rights until an admin fixes them."""
    case = make_case(summary="Confidential complaint")
    legacy = make_user(Role.ADMIN)
    legacy.roles = {Role.ADMIN, Role.SUPERVISOR}
    db.session.commit()
    login(legacy)
    assert client.get("/cases").status_code == 403
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert "Confidential complaint" not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/users").status_code == 200


def test_deactivation_ends_the_open_session_of_that_user(app, client, login):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.CASEWORKER)
    their_browser = app.test_client()
    sign_in(their_browser, user.email)
    assert their_browser.get("/").status_code == 200

    login(admin)
    form = {"full_name": user.full_name, "email": user.email, "roles": ["caseworker"]}
    assert client.post(f"/admin/users/{user.id}/edit", data=form).status_code == 302
    assert not user.is_active_account

    response = their_browser.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/admin/users").status_code == 200  # the admin is still signed in


# -- resetting passwords ------------------------------------------------------------------


def test_password_reset_is_audited_without_the_password(app, client, login):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.LAWYER)
    their_browser = app.test_client()
    sign_in(their_browser, user.email)

    login(admin)
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(f"/admin/users/{user.id}/password", data=form).status_code == 302

    [entry] = audit_entries(AuditAction.PASSWORD_RESET)
    assert entry.actor_id == admin.id
    assert entry.object_id == user.id
    assert_no_secret_in_audit(user)
    assert their_browser.get("/").status_code == 302  # their open session has ended
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 200
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_weak_reset_password_changes_nothing(client, login):
    login(make_user(Role.ADMIN))
    user = make_user()
    token, password_hash = user.session_token, user.password_hash
    form = {"password": "qwertyuiop", "confirm": "qwertyuiop"}
    response = client.post(f"/admin/users/{user.id}/password", data=form)
    assert "Use at least 12 characters." in response.get_data(as_text=True)
    assert (user.session_token, user.password_hash) == (token, password_hash)
    assert audit_entries(AuditAction.PASSWORD_RESET) == []


def test_admin_resetting_own_password_stays_signed_in(client, login):
    admin = make_user(Role.ADMIN)
    login(admin)
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    client.post(f"/admin/users/{admin.id}/password", data=form)
    assert client.get("/admin/users").status_code == 200


def assert_no_secret_in_audit(user: User) -> None:
    dumped = json.dumps([entry.changes for entry in db.session.scalars(sa.select(AuditEntry))])
    for secret in (NEW_PASSWORD, PASSWORD, user.password_hash, user.session_token, "argon2"):
        assert secret not in dumped


# -- the create-user command --------------------------------------------------------------


def run_create_user(app, *args: str, stdin: str | None = None, roles=("admin",)):
    command = ["casework", "create-user", "--email", "First.Admin@example.org",
               "--name", "First Admin", *(f"--role={role}" for role in roles), *args]
    return app.test_cli_runner().invoke(args=command, input=stdin)


def test_command_creates_a_user_with_a_password_from_stdin(app):
    result = run_create_user(
        app, "--region", "astana", "--password-stdin", stdin=NEW_PASSWORD + "\n",
        roles=("supervisor", "caseworker"),
    )
    assert result.exit_code == 0, result.output
    user = services.find_user_by_email("first.admin@example.org")
    assert user.roles == {Role.SUPERVISOR, Role.CASEWORKER}
    assert user.region is Region.ASTANA
    assert verify_password(user.password_hash, NEW_PASSWORD)
    [entry] = audit_entries(AuditAction.USER_CREATED)
    assert entry.actor_id is None
    assert_no_secret_in_audit(user)


def test_command_asks_for_the_password_twice(app):
    result = run_create_user(app, stdin=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # typed without echo
    assert services.find_user_by_email("first.admin@example.org") is not None


def test_command_refuses_a_weak_password(app):
    result = run_create_user(app, "--password-stdin", stdin="password123\n")
    assert result.exit_code == 1
    assert "Use at least 12 characters." in result.output
    assert user_count() == 0


def test_command_refuses_a_duplicate_email(app):
    make_user(email="first.admin@example.org")
    db.session.commit()
    result = run_create_user(app, "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 1
    assert "Another user already has this e-mail address." in result.output
    assert user_count() == 1


def test_command_refuses_an_admin_with_a_case_role(app):
    result = run_create_user(app, "--password-stdin", stdin=NEW_PASSWORD + "\n",
                             roles=("admin", "supervisor"))
    assert result.exit_code == 1
    assert "roles: The administrator role cannot be combined" in result.output
    assert user_count() == 0


def test_wrong_passwords_in_a_row_pause_the_account_even_for_the_right_one(app, client):
    user = make_user(Role.CASEWORKER)
    db.session.commit()
    for _ in range(app.config["SIGN_IN_FAILURES_BEFORE_PAUSE"]):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "E-mail or password is incorrect." in response.get_data(as_text=True)
    reasons = db.session.scalars(
        sa.select(AuditEntry.changes).where(AuditEntry.action == AuditAction.SIGN_IN_FAILED)
    ).all()
    assert reasons[-1]["reason"] == "paused"


def test_a_successful_sign_in_forgets_earlier_wrong_passwords(app, client):
    user = make_user(Role.CASEWORKER)
    db.session.commit()
    limit = app.config["SIGN_IN_FAILURES_BEFORE_PAUSE"]
    for _ in range(limit - 1):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.failed_sign_ins == 0
    assert user.sign_in_paused_until is None


def test_user_list_without_filters_shows_no_field_errors(login):
    response = login(make_user(Role.ADMIN)).get("/admin/users")
    assert response.status_code == 200
    assert 'class="error"' not in response.get_data(as_text=True)


def test_an_administrator_starts_on_the_user_list(login):
    response = login(make_user(Role.ADMIN)).get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users")


@pytest.mark.parametrize(("hops", "recorded"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_client_address_comes_from_trusted_proxies_only(app, tmp_path, hops, recorded):
    class ProxiedConfig(TestConfig):
        PROXY_HOPS = hops
        STORAGE_DIR = tmp_path

    proxied = create_app(ProxiedConfig)
    proxied.test_client_class = app.test_client_class
    with proxied.app_context():
        db.create_all()
        user = make_user(Role.CASEWORKER)
        db.session.commit()
        proxied.test_client().post(
            "/login", data={"email": user.email, "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == AuditAction.SIGN_IN)
        ).one()
        assert entry.ip_address == recorded
        db.session.remove()
