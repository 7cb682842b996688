"""The main navigation: each role sees the entries of its permissions, the current one marked."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from casework.accounts.roles import Role
from casework.navigation import MAIN_NAV
from casework.permissions import ROLE_PERMISSIONS
from tests import factories


def nav_links(html: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav is not None
    return [
        (href, "aria-current" in attributes)
        for href, attributes in re.findall(r'<a href="([^"]+)"([^>]*)>', nav.group(0))
    ]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_sees_exactly_the_entries_its_permissions_open(app, login, role):
    client = login(factories.make_user(role))
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    expected = [
        entry.endpoint for entry in MAIN_NAV
        if entry.endpoint in app.view_functions and entry.permission in ROLE_PERMISSIONS[role]
    ]
    with app.test_request_context():
        expected_urls = [url_for(endpoint) for endpoint in expected]
    assert [href for href, _ in nav_links(html)] == expected_urls
    assert expected_urls, f"{role} has no navigation at all"


def test_the_current_page_is_marked(login):
    client = login(factories.make_user(Role.SUPERVISOR))
    html = client.get("/recommendations").get_data(as_text=True)
    assert [href for href, current in nav_links(html) if current] == ["/recommendations"]


def test_signed_out_pages_have_no_navigation(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'class="mainnav"' not in html


def test_the_most_specific_entry_is_current(login):
    client = login(factories.make_user(Role.ADMIN))
    html = client.get("/participants").get_data(as_text=True)
    assert [href for href, current in nav_links(html) if current] == ["/participants"]
    html = client.get("/admin/facilities").get_data(as_text=True)
    assert [href for href, current in nav_links(html) if current] == ["/admin/reference"]
