"""Who may use the reference-data screens: every route with every role (admins keep the
reference data; admins and supervisors keep the NPM participants), the index page and the
categories list, and a POST without a CSRF token."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from casework.accounts.roles import Role
from casework.extensions import db
from casework.permissions import Permission
from casework.reference.models import Facility
from casework.reference.participants import ParticipantData, save_participant
from casework.reference.regions import Region
from tests.factories import make_authority, make_category, make_facility, make_user

PARTICIPANT_KEEPERS = {Role.ADMIN, Role.SUPERVISOR}


def page(response) -> str:
    return response.get_data(as_text=True)


def reference_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every route of this feature but the calendar's own."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("reference.") or "calendar" in rule.rule:
            continue
        method = "GET" if "GET" in (rule.methods or ()) else "POST"
        found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


@pytest.fixture
def ids() -> dict[str, int]:
    admin = make_user(Role.ADMIN)
    ids = {
        "facility_id": make_facility().id,
        "authority_id": make_authority().id,
        "participant_id": save_participant(None, ParticipantData(full_name="P"),
                                           actor=admin).id,
    }
    db.session.commit()
    return ids


def test_every_route_of_the_feature_declares_its_permission(app):
    routes = reference_routes(app)
    assert len(routes) >= 20
    for endpoint, _method, _rule in routes:
        permission = app.view_functions[endpoint].required_permission
        expected = (Permission.MANAGE_PARTICIPANTS if ".participants." in endpoint
                    else Permission.MANAGE_REFERENCE)
        assert permission is expected, endpoint


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_gets_exactly_the_routes_its_permissions_allow(app, login, ids, role):
    region = Region.ASTANA if role in (Role.SUPERVISOR, Role.CASEWORKER) else None
    client = login(make_user(role, region=region))
    failures = []
    for endpoint, method, rule in reference_routes(app):
        url = rule
        for name, value in ids.items():
            url = url.replace(f"<int:{name}>", str(value))
        response = client.get(url) if method == "GET" else client.post(url)
        allowed = role is Role.ADMIN or (".participants." in endpoint
                                         and role in PARTICIPANT_KEEPERS)
        if (allowed and response.status_code in (403, 404)) or response.status_code >= 500:
            failures.append(f"{method} {url}: {response.status_code}")
        if not allowed and response.status_code != 403:
            failures.append(f"{method} {url}: expected 403, got {response.status_code}")
    assert not failures, "\n".join(failures)
    if role is not Role.ADMIN:  # a refused POST changed nothing
        db.session.expire_all()
        assert db.session.scalar(sa.select(Facility.is_active))


def test_a_post_without_csrf_token_is_refused(client, login):
    facility = make_facility()
    db.session.commit()
    login(make_user(Role.ADMIN))
    response = client.post(f"/admin/facilities/{facility.id}/deactivate", csrf=False)
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).is_active


def test_index_page_links_every_list_with_counts(client, login):
    make_facility()
    inactive = make_facility()
    inactive.is_active = False
    make_authority()
    make_category("torture")
    db.session.commit()
    login(make_user(Role.ADMIN))
    body = page(client.get("/admin/reference"))
    for url in ("/admin/facilities", "/admin/authorities", "/admin/categories",
                "/admin/calendar", "/participants", "/admin/facilities/import",
                "/admin/authorities/import"):
        assert f'href="{url}"' in body, url
    assert "1 inactive" in body


def test_categories_are_listed_read_only(client, login):
    make_category("torture")
    db.session.commit()
    login(make_user(Role.ADMIN))
    body = page(client.get("/admin/categories"))
    assert "<code>torture</code>" in body
    assert "<form" not in body.split("<main", 1)[1]  # nothing to change here
