from tests.factories import make_case, make_user


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/cases")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_factories_build_a_case(app):
    case = make_case(assignees=(make_user(),))
    assert case.id is not None
    assert case.assignees()[0].full_name.startswith("Caseworker")
