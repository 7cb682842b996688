"""The documented columns of the facility and authority CSV files: their English names,
which are required, what each holds, and the choices the import page lists for them."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.labels import LabelledEnum
from casework.reference.models import AuthorityType, CctvCoverage, FacilityType, Language
from casework.reference.regions import Region
from casework.reference.services import MAX_CAPACITY, RESPONSE_PERIOD_RANGE


class ImportKind(LabelledEnum):
    FACILITIES = "facilities"
    AUTHORITIES = "authorities"

    @classmethod
    def _labels(cls):
        return {"facilities": _l("Facilities"), "authorities": _l("Authorities")}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    required: bool
    help: LazyString


FACILITY_COLUMNS = (
    ColumnSpec("name", True, _l("The facility's name. With the region it finds an existing "
                                "facility to update; otherwise a new one is created.")),
    ColumnSpec("type", True, _l("A facility type: its code or its name in any of the three "
                                "languages.")),
    ColumnSpec("region", True, _l("A region: its code or its name in any of the three "
                                  "languages.")),
    ColumnSpec("operating_authority", False, _l("The exact name of an authority already in "
                                                "the register.")),
    ColumnSpec("capacity", False, _l("Places, a whole number from 0 to %(max)d.",
                                     max=MAX_CAPACITY)),
    ColumnSpec("cctv_coverage", False, _l("A CCTV coverage: its code or its name. A change is "
                                          "kept in the facility's CCTV history.")),
    ColumnSpec("address", False, _l("The postal address.")),
)
AUTHORITY_COLUMNS = (
    ColumnSpec("name", True, _l("The authority's name. An existing authority of this exact "
                                "name is updated; otherwise a new one is created.")),
    ColumnSpec("type", True, _l("An authority type: its code or its name in any of the three "
                                "languages.")),
    ColumnSpec("parent", False, _l("The exact name of the parent authority: one already in "
                                   "the register, or one on an earlier line of this file.")),
    ColumnSpec("region", False, _l("A region: its code or its name. Empty for a national "
                                   "authority.")),
    ColumnSpec("address", False, _l("The postal address.")),
    ColumnSpec("contact", False, _l("Telephone, e-mail or the office to address.")),
    ColumnSpec("response_period_days", False, _l(
        "Working days to reply, from %(low)d to %(high)d (15 when empty).",
        low=RESPONSE_PERIOD_RANGE[0], high=RESPONSE_PERIOD_RANGE[1])),
    ColumnSpec("letter_language", False, _l("kk, ru or en, or the language's name (Russian "
                                            "when empty).")),
)
COLUMNS = {ImportKind.FACILITIES: FACILITY_COLUMNS, ImportKind.AUTHORITIES: AUTHORITY_COLUMNS}
# The enums whose codes and names the import page lists, by column.
COLUMN_ENUMS: dict[ImportKind, dict[str, type[LabelledEnum]]] = {
    ImportKind.FACILITIES: {"type": FacilityType, "region": Region, "cctv_coverage": CctvCoverage},
    ImportKind.AUTHORITIES: {"type": AuthorityType, "region": Region, "letter_language": Language},
}
