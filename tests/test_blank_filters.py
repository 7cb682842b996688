"""A list filter given spaces alone (a hand-edited or half-cleared URL) shows the list
unfiltered, never an error page: Optional() lets spaces through unchecked."""

import pytest

from casework.accounts.roles import Role
from tests import factories

BLANK = "%20"
URLS = [
    "/cases?" + "&".join(f"{name}={BLANK}" for name in (
        "status", "category", "facility", "region", "assignee", "kind", "channel")),
    "/recommendations?" + "&".join(f"{name}={BLANK}" for name in (
        "status", "response", "implementation", "authority", "facility", "region", "owner",
        "scope", "priority", "overdue", "deadline")),
    "/correspondence?" + "&".join(f"{name}={BLANK}" for name in (
        "kind", "region", "signer", "authority", "status")),
    f"/statistics?region={BLANK}&period={BLANK}",
    f"/visits?region={BLANK}&type={BLANK}&status={BLANK}&facility={BLANK}",
    f"/violations?region={BLANK}&status={BLANK}&category_id={BLANK}&facility_type={BLANK}",
]


@pytest.mark.parametrize("url", URLS, ids=lambda url: url.split("?")[0])
def test_blank_filters_show_the_list(login, url):
    client = login(factories.make_user(Role.SUPERVISOR))
    assert client.get(url).status_code == 200
