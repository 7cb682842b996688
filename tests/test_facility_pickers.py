"""A deactivated facility is no longer offered, except to the case that already names it."""

from casework.accounts.roles import Role
from casework.cases.queries import selectable_facilities
from tests import factories


def test_deactivated_facility_is_offered_only_to_its_own_case(app):
    user = factories.make_user(Role.SUPERVISOR)
    closed = factories.make_facility(is_active=False)
    open_one = factories.make_facility()
    elsewhere = factories.make_case()
    its_case = factories.make_case(facility=closed)
    assert closed not in selectable_facilities(user, elsewhere)
    assert open_one in selectable_facilities(user, elsewhere)
    assert closed in selectable_facilities(user, its_case)
