"""The case list filters the statistics link to: kind, channel and the received period."""

from datetime import date

from casework.accounts.roles import Role
from casework.cases.models import CaseKind, Channel
from casework.reference.regions import Region
from tests import factories


def references(client, query: str) -> set[str]:
    html = client.get(f"/cases?{query}").get_data(as_text=True)
    return {ref for ref in ("2026-09001", "2026-09002", "2026-09003") if ref in html}


def test_kind_channel_and_received_period_narrow_the_list(login):
    supervisor = factories.make_user(Role.SUPERVISOR, region=Region.ASTANA)
    factories.make_case(reference="2026-09001", kind=CaseKind.COMPLAINT,
                        channel=Channel.HOTLINE, received_on=date(2026, 3, 10))
    factories.make_case(reference="2026-09002", kind=CaseKind.COMPLAINT,
                        channel=Channel.LETTER, received_on=date(2026, 7, 1))
    factories.make_case(reference="2026-09003", kind=CaseKind.PAROLE_FOLLOW_UP,
                        channel=Channel.LETTER, received_on=date(2026, 7, 2))
    client = login(supervisor)
    assert references(client, "kind=complaint") == {"2026-09001", "2026-09002"}
    assert references(client, "channel=letter") == {"2026-09002", "2026-09003"}
    assert references(client, "received_from=2026-07-01&received_to=2026-07-01") == {
        "2026-09002"}
    assert references(client, "kind=complaint&received_from=2026-04-01") == {"2026-09002"}
    # A tampered value is ignored, not an error.
    assert client.get("/cases?kind=nonsense&received_from=yesterday").status_code == 200


def test_complaint_figures_of_the_statistics_link_to_the_case_list(login):
    factories.make_case(kind=CaseKind.COMPLAINT, received_on=date(2026, 3, 10))
    client = login(factories.make_user(Role.SUPERVISOR))
    html = client.get("/statistics?start=2026-01-01&end=2026-12-31").get_data(as_text=True)
    assert 'href="/cases?kind=complaint&amp;received_from=2026-01-01&amp;received_to=' \
        '2026-12-31' in html
