"""The 17 regions and 3 cities of republican significance."""

from flask_babel import lazy_gettext as _l

from casework.labels import LabelledEnum


class Region(LabelledEnum):
    ASTANA = "astana"
    ALMATY_CITY = "almaty_city"
    SHYMKENT = "shymkent"
    ABAI = "abai"
    AKMOLA = "akmola"
    AKTOBE = "aktobe"
    ALMATY = "almaty"
    ATYRAU = "atyrau"
    EAST_KAZAKHSTAN = "east_kazakhstan"
    ZHAMBYL = "zhambyl"
    ZHETISU = "zhetisu"
    WEST_KAZAKHSTAN = "west_kazakhstan"
    KARAGANDA = "karaganda"
    KOSTANAY = "kostanay"
    KYZYLORDA = "kyzylorda"
    MANGYSTAU = "mangystau"
    PAVLODAR = "pavlodar"
    NORTH_KAZAKHSTAN = "north_kazakhstan"
    TURKISTAN = "turkistan"
    ULYTAU = "ulytau"

    @classmethod
    def _labels(cls):
        return {
            "astana": _l("Astana"),
            "almaty_city": _l("Almaty (city)"),
            "shymkent": _l("Shymkent"),
            "abai": _l("Abai Region"),
            "akmola": _l("Akmola Region"),
            "aktobe": _l("Aktobe Region"),
            "almaty": _l("Almaty Region"),
            "atyrau": _l("Atyrau Region"),
            "east_kazakhstan": _l("East Kazakhstan Region"),
            "zhambyl": _l("Zhambyl Region"),
            "zhetisu": _l("Zhetisu Region"),
            "west_kazakhstan": _l("West Kazakhstan Region"),
            "karaganda": _l("Karaganda Region"),
            "kostanay": _l("Kostanay Region"),
            "kyzylorda": _l("Kyzylorda Region"),
            "mangystau": _l("Mangystau Region"),
            "pavlodar": _l("Pavlodar Region"),
            "north_kazakhstan": _l("North Kazakhstan Region"),
            "turkistan": _l("Turkistan Region"),
            "ulytau": _l("Ulytau Region"),
        }
