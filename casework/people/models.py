"""People who appear in cases: complainants, victims, witnesses, representatives."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from casework.database import TimestampMixin, enum_column
from casework.extensions import Model
from casework.labels import LabelledEnum
from casework.reference.models import Facility

if TYPE_CHECKING:
    from casework.cases.models import CaseParty


class Sex(LabelledEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"

    @classmethod
    def _labels(cls):
        return {"female": _l("Female"), "male": _l("Male"), "unknown": _l("Not stated")}


class DetentionStatus(LabelledEnum):
    NOT_DETAINED = "not_detained"
    PRETRIAL = "pretrial"
    SENTENCED = "sentenced"
    ADMINISTRATIVE = "administrative"
    INVOLUNTARY_CARE = "involuntary_care"
    UNKNOWN = "unknown"

    @classmethod
    def _labels(cls):
        return {
            "not_detained": _l("Not detained"),
            "pretrial": _l("In pre-trial detention"),
            "sentenced": _l("Serving a sentence"),
            "administrative": _l("Administrative detention"),
            "involuntary_care": _l("In involuntary care"),
            "unknown": _l("Unknown"),
        }


def name_search_key(text: str) -> str:
    """Case-insensitive form of a name for search: SQLite's lower() only folds ASCII."""
    return " ".join(text.casefold().replace("ё", "е").split())


class Person(TimestampMixin, Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    name_key: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    iin: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    birth_date: Mapped[date | None]
    sex: Mapped[Sex] = mapped_column(enum_column(Sex), default=Sex.UNKNOWN)
    contact: Mapped[str] = mapped_column(sa.String(300), default="")
    detention_status: Mapped[DetentionStatus] = mapped_column(
        enum_column(DetentionStatus), default=DetentionStatus.UNKNOWN
    )
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    facility: Mapped[Facility | None] = relationship()
    # Read-only: parties are written through their case. Permission checks read consent here.
    parties: Mapped[list[CaseParty]] = relationship(viewonly=True, order_by="CaseParty.id")

    @validates("full_name")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = name_search_key(value)
        return value

    def __str__(self) -> str:
        return self.full_name
