"""People search for the intake picker, and one person per IIN."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.extensions import db
from casework.people.models import Person
from casework.people.services import (
    NewPerson,
    find_or_create_person,
    mask_iin,
    search_people,
)
from tests.factories import make_person, make_user, valid_iin


def names(people: list[Person]) -> list[str]:
    return [p.full_name for p in people]


def test_name_search_ignores_case_in_cyrillic_and_latin():
    make_person(full_name="Иванов Иван Петрович")
    make_person(full_name="Ömirzaq Äbilov")
    make_person(full_name="Сапаров Ерлан")
    assert names(search_people("иван")) == ["Иванов Иван Петрович"]
    assert names(search_people("ИВАНОВ иван")) == ["Иванов Иван Петрович"]
    assert names(search_people("äbil")) == ["Ömirzaq Äbilov"]


def test_name_search_finds_kazakh_letters_and_treats_yo_as_ye():
    make_person(full_name="Әсел Құдайбергенова")
    make_person(full_name="Фёдоров Пётр")
    assert names(search_people("құдай")) == ["Әсел Құдайбергенова"]
    assert names(search_people("федоров")) == ["Фёдоров Пётр"]


def test_renaming_a_person_updates_the_search_key():
    person = make_person(full_name="Old Name")
    person.full_name = "Новое Имя"
    db.session.flush()
    assert search_people("новое") == [person]
    assert search_people("old") == []


def test_iin_search_matches_the_start_of_the_number():
    iin = valid_iin("85020130012")
    person = make_person(iin=iin)
    make_person(iin=valid_iin("99020130012"))
    assert search_people(iin[:6]) == [person]
    assert search_people(f"{iin[:3]} {iin[3:6]}") == [person]  # spaces people type


def test_short_queries_and_wildcards_match_nothing():
    make_person(full_name="Anyone at all")
    assert search_people("a") == []
    assert search_people("%%") == []
    assert search_people("__") == []


def test_search_returns_at_most_ten_people():
    for n in range(12):
        make_person(full_name=f"Common Surname {n:02d}")
    assert len(search_people("common")) == 10


def test_iin_is_masked_except_the_last_four_digits():
    assert mask_iin("850201300125") == "••••••••0125"
    assert mask_iin(None) == ""


def test_search_endpoint_answers_json_for_the_picker(client, login):
    user = make_user(Role.CASEWORKER)
    person = make_person(
        full_name="Иванов Иван", iin=valid_iin("85020130012"), birth_date=date(1985, 2, 1)
    )
    db.session.commit()
    login(user)

    response = client.get("/people/search", query_string={"q": "иванов"})

    assert response.status_code == 200
    assert response.json == [
        {
            "id": person.id,
            "full_name": "Иванов Иван",
            "iin": "••••••••" + person.iin[-4:],
            "birth_year": 1985,
        }
    ]
    assert response.headers["Cache-Control"] == "no-store"


def test_search_endpoint_does_not_write(client, login):
    user = make_user(Role.SUPERVISOR)
    make_person(full_name="Somebody")
    db.session.commit()
    login(user)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert client.get("/people/search?q=some").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before


@pytest.mark.parametrize("role", [Role.LAWYER, Role.ADMIN, Role.AUDITOR])
def test_roles_without_search_permission_are_refused(client, login, role):
    user = make_user(role)
    db.session.commit()
    login(user)
    assert client.get("/people/search?q=ivan").status_code == 403


def test_known_iin_links_the_existing_person():
    actor = make_user()
    known = make_person(full_name="Known", iin=valid_iin("70010150012"))
    person, created = find_or_create_person(
        NewPerson(full_name="Typed Again", iin=known.iin), actor=actor
    )
    assert (person, created) == (known, False)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_new_person_is_audited_without_their_name():
    actor = make_user()
    person, created = find_or_create_person(NewPerson(full_name="Секретное Имя"), actor=actor)
    entry = db.session.scalar(sa.select(AuditEntry))
    assert created
    assert person.id is not None
    assert (entry.action, entry.object_id) == (AuditAction.PERSON_CREATED, person.id)
    assert "Секретное" not in str(entry.changes)
