"""Reference data: facilities, authorities, categories and the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.database import TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.extensions import Model
from casework.labels import LabelledEnum
from casework.reference.regions import Region

if TYPE_CHECKING:
    from casework.visits.models import Visit


class FacilityType(LabelledEnum):
    PENAL_COLONY = "penal_colony"
    PRETRIAL_DETENTION = "pretrial_detention"
    TEMPORARY_HOLDING = "temporary_holding"
    SPECIAL_RECEPTION = "special_reception"
    PSYCHIATRIC_HOSPITAL = "psychiatric_hospital"
    SOCIAL_WELFARE = "social_welfare"
    CHILDRENS_INSTITUTION = "childrens_institution"
    MILITARY_GUARDHOUSE = "military_guardhouse"
    MIGRANT_DETENTION = "migrant_detention"

    @classmethod
    def _labels(cls):
        return {
            "penal_colony": _l("Penal colony"),
            "pretrial_detention": _l("Pre-trial detention centre"),
            "temporary_holding": _l("Temporary holding facility (police)"),
            "special_reception": _l("Special reception centre"),
            "psychiatric_hospital": _l("Psychiatric hospital"),
            "social_welfare": _l("Social-welfare institution"),
            "childrens_institution": _l("Children's institution"),
            "military_guardhouse": _l("Military guardhouse"),
            "migrant_detention": _l("Migrant detention centre"),
        }


class CctvCoverage(LabelledEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"
    UNKNOWN = "unknown"

    @classmethod
    def _labels(cls):
        return {
            "full": _l("Full"),
            "partial": _l("Partial"),
            "none": _l("None"),
            "unknown": _l("Unknown"),
        }


class AuthorityType(LabelledEnum):
    MINISTRY = "ministry"
    COMMITTEE = "committee"
    PROSECUTOR = "prosecutor"
    POLICE = "police"
    FACILITY_ADMINISTRATION = "facility_administration"
    COURT = "court"
    LOCAL_GOVERNMENT = "local_government"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "ministry": _l("Ministry"),
            "committee": _l("Committee or agency"),
            "prosecutor": _l("Prosecutor's office"),
            "police": _l("Police"),
            "facility_administration": _l("Facility administration"),
            "court": _l("Court"),
            "local_government": _l("Local government (akimat)"),
            "other": _l("Other"),
        }


class Language(LabelledEnum):
    KK = "kk"
    RU = "ru"
    EN = "en"

    @classmethod
    def _labels(cls):
        return {"kk": _l("Kazakh"), "ru": _l("Russian"), "en": _l("English")}


class Authority(TimestampMixin, Model):
    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    type: Mapped[AuthorityType] = mapped_column(enum_column(AuthorityType))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"))
    region: Mapped[Region | None] = mapped_column(enum_column(Region))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    contact: Mapped[str] = mapped_column(sa.String(300), default="")
    response_period_days: Mapped[int] = mapped_column(default=15)
    letter_language: Mapped[Language] = mapped_column(enum_column(Language), default=Language.RU)

    parent: Mapped[Authority | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name


class Facility(TimestampMixin, Model):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    type: Mapped[FacilityType] = mapped_column(enum_column(FacilityType))
    region: Mapped[Region] = mapped_column(enum_column(Region))
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"))
    capacity: Mapped[int | None]
    cctv_coverage: Mapped[CctvCoverage] = mapped_column(
        enum_column(CctvCoverage), default=CctvCoverage.UNKNOWN
    )
    address: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    authority: Mapped[Authority | None] = relationship()
    cctv_changes: Mapped[list[CctvChange]] = relationship(
        back_populates="facility", order_by="CctvChange.changed_on.desc(), CctvChange.id.desc()"
    )

    def __str__(self) -> str:
        return self.name


class CctvChange(Model):
    """A recorded change of a facility's CCTV coverage: the facility page's history."""

    __tablename__ = "facility_cctv_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    coverage: Mapped[CctvCoverage] = mapped_column(enum_column(CctvCoverage))
    changed_on: Mapped[date]
    # The visit that saw it, when a visit did; otherwise an admin's edit or an import.
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facility: Mapped[Facility] = relationship(back_populates="cctv_changes")
    visit: Mapped[Visit | None] = relationship()


class Category(Model):
    """A complaint category; names are kept in the three UI languages."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_ru: Mapped[str] = mapped_column(sa.String(200))
    name_kk: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def name(self) -> str:
        locale = str(get_locale() or "en")
        return getattr(self, f"name_{locale}", None) or self.name_en

    def __str__(self) -> str:
        return self.name


class CalendarDayKind(LabelledEnum):
    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"

    @classmethod
    def _labels(cls):
        return {
            "day_off": _l("Day off (transferred)"),
            "working_day": _l("Working day (e.g. working Saturday)"),
        }


class CalendarDay(Model):
    """A government decision that overrides the normal calendar for one day."""

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[CalendarDayKind] = mapped_column(enum_column(CalendarDayKind))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
