"""More places of detention for the demo year: a facility of every kind in the regions, so that
about 425 visits a year reach each facility a few times at most, as the NPM's do.

The names are built from fixed tables (no randomness): running the demo again finds them by
name and creates nothing twice.
"""

from __future__ import annotations

from casework.demo.data import FACILITIES
from casework.reference.models import CctvCoverage, FacilityType
from casework.reference.regions import Region

R, F, C = Region, FacilityType, CctvCoverage

# The region's centre first, then its other towns.
TOWNS: dict[Region, tuple[str, ...]] = {
    R.ASTANA: ("Астана",),
    R.ALMATY_CITY: ("Алматы",),
    R.SHYMKENT: ("Шымкент",),
    R.ABAI: ("Семей", "Аягоз", "Курчатов"),
    R.AKMOLA: ("Кокшетау", "Степногорск", "Щучинск"),
    R.AKTOBE: ("Актобе", "Хромтау", "Кандыагаш"),
    R.ALMATY: ("Конаев", "Каскелен", "Талгар", "Есик"),
    R.ATYRAU: ("Атырау", "Кульсары"),
    R.EAST_KAZAKHSTAN: ("Усть-Каменогорск", "Риддер", "Алтай"),
    R.ZHAMBYL: ("Тараз", "Шу", "Каратау"),
    R.ZHETISU: ("Талдыкорган", "Текели", "Жаркент"),
    R.WEST_KAZAKHSTAN: ("Уральск", "Аксай"),
    R.KARAGANDA: ("Караганда", "Темиртау", "Балхаш", "Сарань"),
    R.KOSTANAY: ("Костанай", "Рудный", "Лисаковск"),
    R.KYZYLORDA: ("Кызылорда", "Байконыр", "Аральск"),
    R.MANGYSTAU: ("Актау", "Жанаозен"),
    R.PAVLODAR: ("Павлодар", "Экибастуз", "Аксу"),
    R.NORTH_KAZAKHSTAN: ("Петропавловск", "Булаево"),
    R.TURKISTAN: ("Туркестан", "Кентау", "Сарыагаш", "Арыс"),
    R.ULYTAU: ("Жезказган", "Сатпаев"),
}
# The penitentiary system's code of each region's institutions ("Учреждение ЛА-155/14").
COLONY_CODES: dict[Region, str] = {
    R.ABAI: "ШР-163", R.AKMOLA: "АК-170", R.AKTOBE: "ГМ-172", R.ALMATY: "ЛА-155",
    R.ATYRAU: "УГ-157", R.EAST_KAZAKHSTAN: "УК-161", R.ZHAMBYL: "ЖД-158", R.ZHETISU: "ЛА-176",
    R.WEST_KAZAKHSTAN: "ОВ-156", R.KARAGANDA: "АК-159", R.KOSTANAY: "ЗК-169",
    R.KYZYLORDA: "КА-168", R.MANGYSTAU: "ЖБ-173", R.PAVLODAR: "АП-162",
    R.NORTH_KAZAKHSTAN: "ЕЦ-167", R.TURKISTAN: "ЕС-164", R.ULYTAU: "ЕЦ-166",
}
# Places the base demo already has (data.FACILITIES), by (type, town): not made again.
ALREADY = {
    (F.TEMPORARY_HOLDING, "Астана"), (F.TEMPORARY_HOLDING, "Алматы"),
    (F.TEMPORARY_HOLDING, "Караганда"), (F.TEMPORARY_HOLDING, "Кызылорда"),
    (F.TEMPORARY_HOLDING, "Жанаозен"), (F.TEMPORARY_HOLDING, "Семей"),
    (F.PRETRIAL_DETENTION, "Астана"), (F.PRETRIAL_DETENTION, "Алматы"),
    (F.PRETRIAL_DETENTION, "Караганда"), (F.PRETRIAL_DETENTION, "Шымкент"),
    (F.PRETRIAL_DETENTION, "Актобе"), (F.PRETRIAL_DETENTION, "Атырау"),
    (F.SPECIAL_RECEPTION, "Алматы"), (F.SPECIAL_RECEPTION, "Тараз"),
    (F.PSYCHIATRIC_HOSPITAL, "Караганда"), (F.PSYCHIATRIC_HOSPITAL, "Петропавловск"),
    (F.PSYCHIATRIC_HOSPITAL, "Конаев"),
}
# CCTV as the office last knew it, in turn: most places have some cameras, few have none.
_CCTV_TURN = (C.PARTIAL, C.FULL, C.PARTIAL, C.NONE, C.PARTIAL, C.UNKNOWN, C.FULL, C.PARTIAL)


def _colonies() -> list[tuple[str, FacilityType, Region, int]]:
    """Two more colonies in each region that has the penitentiary system's institutions."""
    made = []
    for index, (region, code) in enumerate(COLONY_CODES.items()):
        for turn in (0, 1):
            number = 20 + (index * 7 + turn * 11) % 19
            made.append((f"Учреждение {code}/{number}", F.PENAL_COLONY, region,
                         600 + (index * 137 + turn * 290) % 900))
    return made


def _per_town() -> list[tuple[str, FacilityType, Region, int]]:
    """Police cells in every town; the other kinds in the region's centre."""
    made = []
    for index, (region, towns) in enumerate(TOWNS.items()):
        centre = towns[0]
        for number, town in enumerate(towns):
            if (F.TEMPORARY_HOLDING, town) not in ALREADY:
                made.append((f"ИВС УП г. {town}", F.TEMPORARY_HOLDING, region,
                             20 + (index * 13 + number * 7) % 50))
        kinds = (
            (F.PRETRIAL_DETENTION, f"СИЗО-{index + 4} г. {centre}", 350 + index * 37 % 600),
            (F.SPECIAL_RECEPTION, f"Спецприёмник УП г. {centre}", 25 + index * 3 % 40),
            (F.PSYCHIATRIC_HOSPITAL, f"Областной центр психического здоровья, г. {centre}",
             150 + index * 23 % 300),
        )
        made += [(name, kind, region, capacity) for kind, name, capacity in kinds
                 if (kind, centre) not in ALREADY]
        made.append(_care_home(index, region, towns[-1]))
        if index % 2 == 0:
            made.append(_children(index, region, centre))
    return made


def _care_home(index: int, region: Region, town: str) -> tuple[str, FacilityType, Region, int]:
    names = ("Центр оказания специальных социальных услуг", "Дом-интернат для престарелых и "
             "лиц с инвалидностью", "Психоневрологический дом-интернат")
    return (f"{names[index % 3]}, г. {town}", F.SOCIAL_WELFARE, region, 120 + index * 19 % 200)


def _children(index: int, region: Region, town: str) -> tuple[str, FacilityType, Region, int]:
    names = ("Детский дом", "Специальная организация образования с особым режимом "
             "содержания", "Центр поддержки детей, находящихся в трудной жизненной ситуации")
    return (f"{names[index // 2 % 3]}, г. {town}", F.CHILDRENS_INSTITUTION, region,
            40 + index * 7 % 80)


OTHERS = (
    ("Гарнизонная гауптвахта, г. Алматы", F.MILITARY_GUARDHOUSE, R.ALMATY_CITY, 35),
    ("Гарнизонная гауптвахта, г. Караганда", F.MILITARY_GUARDHOUSE, R.KARAGANDA, 30),
    ("Гауптвахта воинской части 6505, г. Актобе", F.MILITARY_GUARDHOUSE, R.AKTOBE, 20),
    ("Гарнизонная гауптвахта, г. Семей", F.MILITARY_GUARDHOUSE, R.ABAI, 25),
    ("Центр временного размещения иностранцев, г. Астана", F.MIGRANT_DETENTION, R.ASTANA, 90),
    ("Центр временного размещения иностранцев, г. Актау", F.MIGRANT_DETENTION, R.MANGYSTAU,
     60),
)


def more_facilities() -> tuple[tuple[str, FacilityType, Region, int, CctvCoverage], ...]:
    """(name, type, region, capacity, CCTV) of the demo year's additional facilities."""
    known = {name for name, *_rest in FACILITIES}
    places = [place for place in (*_colonies(), *_per_town(), *OTHERS) if place[0] not in known]
    return tuple((name, kind, region, capacity, _CCTV_TURN[index % len(_CCTV_TURN)])
                 for index, (name, kind, region, capacity) in enumerate(places))
