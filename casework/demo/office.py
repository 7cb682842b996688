"""The demo office's accounts, reference data and people, created only where missing."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from casework.accounts.models import User
from casework.accounts.passwords import hash_password
from casework.accounts.roles import Role
from casework.audit import AuditAction, record
from casework.database import office_today
from casework.demo import data, places
from casework.extensions import db
from casework.people.iin import iin_check_digit
from casework.people.models import DetentionStatus, Person, Sex
from casework.reference.models import (
    Authority,
    AuthorityType,
    Category,
    Facility,
    FacilityType,
    Language,
)
from casework.reference.regions import Region


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    full_name: str
    role: Role
    password: str
    region: Region | None = None


# Fixed, published passwords: this is demo data and must never run in production.
DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin@casework.demo", "Айгерим Сапарова", Role.ADMIN,
                "demo-admin-2026"),
    DemoAccount("supervisor", "supervisor@casework.demo", "Ерлан Жумабеков", Role.SUPERVISOR,
                "demo-supervisor-2026"),
    DemoAccount("regional_supervisor", "supervisor.karaganda@casework.demo", "Ольга Ким",
                Role.SUPERVISOR, "demo-karaganda-2026", Region.KARAGANDA),
    DemoAccount("caseworker", "caseworker@casework.demo", "Данияр Ахметов", Role.CASEWORKER,
                "demo-caseworker-2026"),
    DemoAccount("caseworker2", "caseworker.karaganda@casework.demo", "Мадина Касымова",
                Role.CASEWORKER, "demo-caseworker2-2026", Region.KARAGANDA),
    DemoAccount("lawyer", "lawyer@casework.demo", "Светлана Петренко", Role.LAWYER,
                "demo-lawyer-2026"),
    DemoAccount("monitor", "monitor@casework.demo", "Асель Нурланова", Role.MONITOR,
                "demo-monitor-2026"),
    DemoAccount("auditor", "auditor@casework.demo", "Марат Исмаилов", Role.AUDITOR,
                "demo-auditor-2026"),
)


# Colleagues in the central team share the caseload; nobody signs in as them.
COLLEAGUES = ("Ержан Сапаров", "Гульнара Абенова", "Тимур Оспанов", "Наталья Ли")
# The NPM's staff who go on visits with the demo monitor: a central team, and a monitor in
# each region. Nobody signs in as them either.
NPM_STAFF: tuple[tuple[str, Region | None], ...] = (
    ("Жанар Мусина", None), ("Арман Каримов", None), ("Динара Сейткали", None),
    ("Руслан Ибраев", None), ("Алия Нургалиева", None), ("Сергей Волков", None),
    ("Айдана Рахметова", None), ("Павел Ким", None),
    ("Гаухар Темирова", Region.KARAGANDA), ("Ержан Бекмуратов", Region.ALMATY),
    ("Лаура Жакупова", Region.ALMATY_CITY), ("Нуржан Абдуллаев", Region.SHYMKENT),
    ("Айнур Сарсенова", Region.TURKISTAN), ("Виктор Лысенко", Region.PAVLODAR),
    ("Оксана Денисенко", Region.EAST_KAZAKHSTAN), ("Асхат Жунусов", Region.KOSTANAY),
    ("Меруерт Искакова", Region.AKTOBE), ("Талгат Утепов", Region.WEST_KAZAKHSTAN),
    ("Самал Байтенова", Region.ZHAMBYL), ("Канат Ахметжанов", Region.ABAI),
    ("Диана Ермекова", Region.ASTANA), ("Бауыржан Кусаинов", Region.AKMOLA),
    ("Гульжан Омарова", Region.ATYRAU), ("Ринат Галиев", Region.ZHETISU),
    ("Алтынай Сейтжанова", Region.KYZYLORDA), ("Ерболат Тажибаев", Region.MANGYSTAU),
    ("Елена Савченко", Region.NORTH_KAZAKHSTAN), ("Мейрам Жаксыбеков", Region.ULYTAU),
)
# Lawyers who argue the office's cases in court beside the demo lawyer.
LAWYERS = ("Бахыт Ержанов", "Ирина Ковалёва", "Нурлан Досжанов")


def ensure_users() -> dict[str, User]:
    """The demo accounts by key; existing accounts (matched by e-mail) are left untouched."""
    existing = {u.email: u for u in db.session.scalars(sa.select(User))}
    users: dict[str, User] = {}
    admin: User | None = None
    for account in DEMO_ACCOUNTS:
        user = existing.get(account.email)
        if user is None:
            user = User(
                email=account.email, full_name=account.full_name,
                password_hash=hash_password(account.password), region=account.region,
                language=Language.RU, session_token=secrets.token_hex(16),
            )
            user.roles = {account.role}
            db.session.add(user)
            db.session.flush()
            record(AuditAction.USER_CREATED, actor=admin, obj=user,
                   changes={"email": user.email, "roles": [account.role]})
        users[account.key] = user
        admin = admin or user
    users.update(_ensure_colleagues(existing, admin))
    return users


def _colleague_accounts() -> list[tuple[str, str, str, Role, Region | None]]:
    """(key, e-mail, name, role, region) of everyone nobody signs in as."""
    groups = (
        ("colleague", [(name, None) for name in COLLEAGUES], Role.CASEWORKER),
        ("npm", list(NPM_STAFF), Role.MONITOR),
        ("counsel", [(name, None) for name in LAWYERS], Role.LAWYER),
    )
    return [(f"{prefix}{n}", f"{prefix}{n}@casework.demo", name, role, region)
            for prefix, people, role in groups
            for n, (name, region) in enumerate(people, start=1)]


def _ensure_colleagues(existing: dict[str, User], admin: User | None) -> dict[str, User]:
    accounts = _colleague_accounts()
    # Argon2 spends a quarter of a second on each password by design; nobody signs in as a
    # colleague, so the new ones share the hash of one password nobody knows.
    missing = {email for _key, email, *_rest in accounts} - set(existing)
    unknown = hash_password(secrets.token_urlsafe(24)) if missing else ""
    return {
        key: existing.get(email) or _colleague(email, name, role, region, admin, unknown)
        for key, email, name, role, region in accounts
    }


def _colleague(email: str, name: str, role: Role, region: Region | None, admin: User | None,
               password_hash: str) -> User:
    user = User(
        email=email, full_name=name, region=region,
        password_hash=password_hash, language=Language.RU,
        session_token=secrets.token_hex(16),
    )
    user.roles = {role}
    db.session.add(user)
    db.session.flush()
    record(AuditAction.USER_CREATED, actor=admin, obj=user,
           changes={"email": user.email, "roles": [role]})
    return user


def ensure_categories() -> dict[str, Category]:
    existing = {c.code: c for c in db.session.scalars(sa.select(Category))}
    for position, (code, en, ru, kk) in enumerate(data.CATEGORIES):
        if code not in existing:
            existing[code] = Category(code=code, name_en=en, name_ru=ru, name_kk=kk,
                                      position=position)
            db.session.add(existing[code])
    return existing


def _authority(by_name: dict[str, Authority], name: str, **fields) -> Authority:
    if name not in by_name:
        by_name[name] = Authority(name=name, **fields)
        db.session.add(by_name[name])
    return by_name[name]


def ensure_authorities_and_facilities() -> tuple[list[Authority], list[Facility]]:
    """Ministries, their regional bodies, facility administrations and the facilities."""
    by_name = {a.name: a for a in db.session.scalars(sa.select(Authority))}
    national: dict[str, Authority] = {}
    for key, name, kind, parent in data.MINISTRIES:
        national[key] = _authority(by_name, name, type=kind,
                                   parent=national.get(parent) if parent else None)
    facilities = {f.name: f for f in db.session.scalars(sa.select(Facility))}
    for name, facility_type, region, capacity, cctv in (*data.FACILITIES,
                                                        *places.more_facilities()):
        regional = {
            key: _authority(by_name, template.format(region=data.REGION_GENITIVE[region]),
                            type=atype, parent=national[parent], region=region)
            for key, template, atype, parent in data.REGIONAL_BODIES
        }
        operator = (regional.get(data.OPERATOR[facility_type])
                    or national[data.OPERATOR[facility_type]])
        administration = _authority(
            by_name, f"Администрация: {name}", type=AuthorityType.FACILITY_ADMINISTRATION,
            parent=operator, region=region, response_period_days=10,
        )
        if name not in facilities:
            facilities[name] = Facility(
                name=name, type=facility_type, region=region, capacity=capacity,
                cctv_coverage=cctv,
                authority=administration, address=data.REGION_GENITIVE[region],
            )
            db.session.add(facilities[name])
    db.session.flush()
    return list(by_name.values()), list(facilities.values())


def complained_of(facilities: list[Facility]) -> list[Facility]:
    """The places the demo's complaints come from: all but the demo year's additional places,
    which the NPM visits (complaints come mostly from the big colonies and pre-trial
    centres)."""
    visited_only = {name for name, *_rest in places.more_facilities()}
    return [facility for facility in facilities if facility.name not in visited_only]


def _patronymic(root: str, sex: Sex) -> str:
    stem = "Серге" if root == "Сергей" else root
    if sex is Sex.MALE:
        return stem + ("евич" if root == "Сергей" else "ович")
    return stem + ("евна" if root == "Сергей" else "овна")


def random_name(rng: random.Random, sex: Sex) -> str:
    male, female = rng.choice(data.SURNAMES)
    first = rng.choice(data.MALE_FIRST if sex is Sex.MALE else data.FEMALE_FIRST)
    surname = male if sex is Sex.MALE else female
    return f"{surname} {first} {_patronymic(rng.choice(data.PATRONYMIC_ROOTS), sex)}"


def random_iin(rng: random.Random, birth: date, sex: Sex, taken: set[str]) -> str:
    """A valid, unused IIN: yymmdd, century-and-sex digit, serial, check digit."""
    century = 3 if birth.year < 2000 else 5
    sex_digit = century + (0 if sex is Sex.MALE else 1)
    while True:
        first = f"{birth:%y%m%d}{sex_digit}{rng.randrange(10000):04d}"
        check = iin_check_digit(first)
        if check is not None and (iin := f"{first}{check}") not in taken:
            taken.add(iin)
            return iin


class PeopleMaker:
    """Makes people with unique IINs (also unique against people already stored)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        stored = db.session.scalars(sa.select(Person.iin).where(Person.iin.is_not(None)))
        self.taken = {iin for iin in stored if iin is not None}
        self.detained: list[Person] = []

    def victim(self, facility: Facility | None) -> Person:
        """Someone detained, sometimes a person who already complained before."""
        if self.detained and self.rng.random() < 0.08:
            return self.rng.choice(self.detained)
        person = self.make(facility=facility)
        if facility is not None:
            self.detained.append(person)
        return person

    def make(self, *, facility: Facility | None, min_age: int = 18, max_age: int = 70,
             with_iin: bool = False) -> Person:
        """A new person, detained at `facility` when given; most have an IIN, and everyone
        `with_iin` (a visit names its interviewees with one)."""
        rng = self.rng
        sex = Sex.MALE if facility is not None and rng.random() < 0.85 else rng.choice(
            [Sex.MALE, Sex.FEMALE])
        birth = office_today() - timedelta(days=rng.randint(min_age * 365, max_age * 365))
        detained = facility is not None
        person = Person(
            full_name=random_name(rng, sex),
            iin=(random_iin(rng, birth, sex, self.taken)
                 if with_iin or rng.random() < 0.9 else None),
            birth_date=birth,
            sex=sex,
            contact="" if detained else f"+7 7{rng.randint(0, 99):02d} {rng.randrange(10**7):07d}",
            detention_status=_detention_status(rng, facility),
            facility=facility,
        )
        db.session.add(person)
        return person


def _detention_status(rng: random.Random, facility: Facility | None) -> DetentionStatus:
    if facility is None:
        return DetentionStatus.NOT_DETAINED
    return {
        FacilityType.PENAL_COLONY: DetentionStatus.SENTENCED,
        FacilityType.PRETRIAL_DETENTION: DetentionStatus.PRETRIAL,
        FacilityType.TEMPORARY_HOLDING: DetentionStatus.PRETRIAL,
        FacilityType.SPECIAL_RECEPTION: DetentionStatus.ADMINISTRATIVE,
        FacilityType.MIGRANT_DETENTION: DetentionStatus.ADMINISTRATIVE,
        FacilityType.PSYCHIATRIC_HOSPITAL: DetentionStatus.INVOLUNTARY_CARE,
        FacilityType.SOCIAL_WELFARE: DetentionStatus.INVOLUNTARY_CARE,
    }.get(facility.type, rng.choice([DetentionStatus.UNKNOWN, DetentionStatus.SENTENCED]))
