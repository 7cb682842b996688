"""A facility's CCTV coverage and its history (casework.reference.cctv)."""

from datetime import date

from casework.reference.cctv import record_cctv_coverage
from casework.reference.models import CctvCoverage
from tests import factories


def test_the_latest_change_by_date_decides_the_current_coverage(app):
    facility = factories.make_facility()
    record_cctv_coverage(facility, CctvCoverage.NONE, actor=None, changed_on=date(2025, 1, 1))
    record_cctv_coverage(facility, CctvCoverage.FULL, actor=None, changed_on=date(2026, 5, 1))
    # An older observation entered later in the same session is history, not the present.
    older = record_cctv_coverage(facility, CctvCoverage.PARTIAL, actor=None,
                                 changed_on=date(2025, 6, 1))
    assert older is not None
    assert facility.cctv_coverage is CctvCoverage.FULL
    # The same coverage as now, seen again later, adds nothing.
    assert record_cctv_coverage(facility, CctvCoverage.FULL, actor=None,
                                changed_on=date(2026, 9, 1)) is None
    assert len(facility.cctv_changes) == 3
