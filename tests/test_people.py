"""People search for the intake picker, who may identify whom, and one person per IIN."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.audit import AuditAction, AuditEntry
from casework.cases.lifecycle import CaseStatus
from casework.extensions import db
from casework.people.models import Person
from casework.people.services import (
    NewPerson,
    find_or_create_person,
    mask_iin,
    search_people,
)
from casework.permissions import can_identify_person, identifiable_people_clause
from casework.reference.regions import Region
from tests.factories import add_party, make_case, make_person, make_user, valid_iin


@pytest.fixture
def national_supervisor() -> User:
    """Sees every identity in the country, once the person is a party of some case."""
    return make_user(Role.SUPERVISOR)


def known_person(**kw) -> Person:
    """A person who is a party of a case (people search finds only such people)."""
    person = make_person(**kw)
    add_party(make_case(), person)
    return person


def names(people: list[Person]) -> list[str]:
    return [p.full_name for p in people]


def test_name_search_ignores_case_in_cyrillic_and_latin(national_supervisor):
    known_person(full_name="Иванов Иван Петрович")
    known_person(full_name="Ömirzaq Äbilov")
    known_person(full_name="Сапаров Ерлан")
    viewer = national_supervisor
    assert names(search_people("иван", viewer=viewer)) == ["Иванов Иван Петрович"]
    assert names(search_people("ИВАНОВ иван", viewer=viewer)) == ["Иванов Иван Петрович"]
    assert names(search_people("äbil", viewer=viewer)) == ["Ömirzaq Äbilov"]


def test_name_search_finds_kazakh_letters_and_treats_yo_as_ye(national_supervisor):
    known_person(full_name="Әсел Құдайбергенова")
    known_person(full_name="Фёдоров Пётр")
    assert names(search_people("құдай", viewer=national_supervisor)) == ["Әсел Құдайбергенова"]
    assert names(search_people("федоров", viewer=national_supervisor)) == ["Фёдоров Пётр"]


def test_renaming_a_person_updates_the_search_key(national_supervisor):
    person = known_person(full_name="Old Name")
    person.full_name = "Новое Имя"
    db.session.flush()
    assert search_people("новое", viewer=national_supervisor) == [person]
    assert search_people("old", viewer=national_supervisor) == []


def test_iin_search_matches_the_start_of_the_number(national_supervisor):
    iin = valid_iin("85020130012")
    person = known_person(iin=iin)
    known_person(iin=valid_iin("99020130012"))
    assert search_people(iin[:6], viewer=national_supervisor) == [person]
    spaced = f"{iin[:3]} {iin[3:6]}"  # spaces people type
    assert search_people(spaced, viewer=national_supervisor) == [person]


def test_short_queries_and_wildcards_match_nothing(national_supervisor):
    known_person(full_name="Anyone at all")
    assert search_people("a", viewer=national_supervisor) == []
    assert search_people("%%", viewer=national_supervisor) == []
    assert search_people("__", viewer=national_supervisor) == []


def test_search_returns_at_most_ten_people(national_supervisor):
    for n in range(12):
        known_person(full_name=f"Common Surname {n:02d}")
    assert len(search_people("common", viewer=national_supervisor)) == 10


def test_iin_is_masked_except_the_last_four_digits():
    assert mask_iin("850201300125") == "••••••••0125"
    assert mask_iin(None) == ""


def test_search_endpoint_answers_json_for_the_picker(client, login):
    user = make_user(Role.CASEWORKER)
    person = make_person(
        full_name="Иванов Иван", iin=valid_iin("85020130012"), birth_date=date(1985, 2, 1)
    )
    add_party(make_case(assignees=(user,)), person)
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


@pytest.mark.parametrize("role", [Role.LAWYER, Role.MONITOR, Role.ADMIN, Role.AUDITOR])
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


# -- who may identify whom (DESIGN.md §5) ------------------------------------------------------


@pytest.fixture
def register() -> dict[str, object]:
    """People in cases an Astana caseworker relates to in different ways, and users around it."""
    caseworker = make_user(Role.CASEWORKER, region=Region.ASTANA)
    lawyer = make_user(Role.LAWYER)
    monitor = make_user(Role.MONITOR)
    people = {
        name: make_person(full_name=f"Secretov {name}", iin=valid_iin(prefix))
        for name, prefix in [
            ("mine", "80010110012"), ("unit", "80010120012"), ("far", "80010130012"),
            ("consenting", "80010140012"), ("closed", "80010150012"), ("loose", "80010160012"),
            ("consenting_far", "80010170012"),
        ]
    }
    add_party(make_case(region=Region.ASTANA, assignees=(caseworker,)), people["mine"])
    add_party(make_case(region=Region.ASTANA, created_by=monitor), people["unit"])
    add_party(make_case(region=Region.ALMATY_CITY, assignees=(lawyer,)), people["far"])
    add_party(make_case(region=Region.ASTANA), people["consenting"], consents_to_disclosure=True)
    # Consent shows a name to the readers of that case, not to the whole office.
    add_party(make_case(region=Region.ALMATY_CITY), people["consenting_far"],
              consents_to_disclosure=True)
    add_party(make_case(region=Region.ASTANA, status=CaseStatus.CLOSED), people["closed"])
    users = {
        "caseworker": caseworker, "lawyer": lawyer, "monitor": monitor,
        "supervisor": make_user(Role.SUPERVISOR, region=Region.ASTANA),
        "admin": make_user(Role.ADMIN), "auditor": make_user(Role.AUDITOR),
    }
    db.session.commit()
    return {"people": people, "users": users}


IDENTIFIABLE = {
    "caseworker": {"mine", "consenting"},  # reads "unit" (open, in unit) but may not identify
    "lawyer": {"far"},
    "monitor": set(),  # created the "unit" case, never sees identities
    "supervisor": {"mine", "unit", "consenting", "closed"},  # the region, open or closed
    "admin": set(),  # consent to disclose is not consent to show an administrator
    "auditor": set(),
}


@pytest.mark.parametrize("who", sorted(IDENTIFIABLE))
def test_identification_follows_identity_rights_or_consent(register, who):
    user, people = register["users"][who], register["people"]
    found = {name for name, person in people.items() if can_identify_person(user, person)}
    assert found == IDENTIFIABLE[who]


@pytest.mark.parametrize("who", sorted(IDENTIFIABLE))
def test_sql_clause_agrees_with_the_predicate(register, who):
    user, people = register["users"][who], register["people"]
    ids = db.session.scalars(sa.select(Person.id).where(identifiable_people_clause(user))).all()
    assert {name for name, person in people.items() if person.id in ids} == IDENTIFIABLE[who]


def search_as(client, login, user, query: str) -> list[str]:
    login(user)
    response = client.get("/people/search", query_string={"q": query})
    assert response.status_code == 200
    return sorted(item["full_name"] for item in response.json)


def test_search_by_name_lists_only_people_the_user_may_identify(client, login, register):
    found = search_as(client, login, register["users"]["caseworker"], "secretov")
    assert found == ["Secretov consenting", "Secretov mine"]


def test_search_by_iin_prefix_lists_only_people_the_user_may_identify(client, login, register):
    found = search_as(client, login, register["users"]["supervisor"], "80")
    assert found == [
        "Secretov closed", "Secretov consenting", "Secretov mine", "Secretov unit",
    ]


def test_exact_iin_of_someone_the_user_may_not_identify_finds_nothing(client, login, register):
    people = register["people"]
    caseworker = register["users"]["caseworker"]
    assert search_as(client, login, caseworker, people["far"].iin) == []
    assert search_as(client, login, caseworker, people["unit"].iin) == []
    assert search_as(client, login, caseworker, people["mine"].iin) == ["Secretov mine"]


def test_monitor_cannot_search_even_for_people_of_their_own_case(client, login, register):
    login(register["users"]["monitor"])
    assert client.get("/people/search?q=secretov").status_code == 403


def test_a_search_that_finds_people_is_audited_without_the_words_typed(client, login, register):
    search_as(client, login, register["users"]["caseworker"], "secretov")
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.PEOPLE_SEARCHED)
    ).one()
    mine = register["people"]["mine"]
    assert mine.id in entry.changes["person_ids"]
    assert "secretov" not in str(entry.changes).lower()


def test_a_search_that_finds_nobody_records_no_search(client, login, register):
    assert search_as(client, login, register["users"]["caseworker"], "nobody such") == []
    searches = sa.select(AuditEntry).where(AuditEntry.action == AuditAction.PEOPLE_SEARCHED)
    assert not db.session.scalars(searches).all()
