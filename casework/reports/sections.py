"""The statistics as the page, the spreadsheet and the annual report show them: sections of
tables, each with its title, column headings and a sentence saying what it counts, and the
headline figures above them. Everything here is worded in the language active when
build_statistics() runs (the annual report builds it inside force_locale)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from casework.cases.models import CaseKind
from casework.recommendations.lifecycle import Implementation
from casework.reference.regions import Region
from casework.reports import statistics as stats
from casework.reports.figures import (
    CASE_LIST,
    RECOMMENDATION_REGISTER,
    VIOLATION_LIST,
    VISIT_LIST,
    Figure,
    ListFilter,
    Period,
    Row,
)
from casework.templating import format_day
from casework.violations.models import ViolationStatus

TOP_AUTHORITIES = 20  # rows of the authorities' table on the page and in the PDF
CHARTED_AUTHORITIES = 10  # and bars of its chart
GREEN, AMBER, GREY = "#1f7a3d", "#b54708", "#6b7280"


@dataclass(frozen=True)
class Column:
    heading: str
    is_rate: bool = False  # a share from 0 to 1, shown as a percentage with one decimal
    charted: bool = True  # drawn in the table's chart (rates never are)
    colour: str | None = None  # its bars' colour, when the meaning calls for one


@dataclass(frozen=True)
class Table:
    key: str  # stable: the page's anchors, the tests
    title: str
    label_heading: str  # the heading of the rows' labels
    columns: tuple[Column, ...]
    rows: list[Row]
    note: str  # what it counts, in one or two sentences
    total: Row | None = None  # None where the rows do not add up (a complaint's categories)
    # The page and the PDF show the first `limit` rows and then `rest`, the others summed;
    # the spreadsheet has every row.
    limit: int | None = None
    rest: Row | None = None
    chart_limit: int | None = None  # the chart draws the first rows only

    @property
    def shown(self) -> list[Row]:
        return self.rows[:self.limit] if self.limit is not None else self.rows

    @property
    def chart_rows(self) -> list[Row]:
        return self.shown[:self.chart_limit] if self.chart_limit is not None else self.shown

    @property
    def is_empty(self) -> bool:
        return not any(figure.value for row in self.rows for figure in row.figures)

    @property
    def is_wide(self) -> bool:
        """Too many columns to stand beside its chart."""
        return len(self.columns) > 2

    @property
    def charted(self) -> list[int]:
        """The indexes of the columns the chart draws."""
        return [index for index, column in enumerate(self.columns)
                if column.charted and not column.is_rate]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass(frozen=True)
class Headline:
    label: str
    figure: Figure
    is_rate: bool = False


@dataclass(frozen=True)
class Statistics:
    period: Period
    region: Region | None
    today: date
    headlines: list[Headline]
    sections: list[Section]

    @property
    def as_of(self) -> date:
        return self.period.as_of(self.today)

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


@dataclass(frozen=True)
class _Context:
    period: Period
    region: Region | None
    today: date


def _sum(rows: list[Row], index: int = 0) -> int:
    return sum(int(row.figures[index].value or 0) for row in rows)


def _total(rows: list[Row], *lists: ListFilter | None) -> Row | None:
    """The column sums of rows that each count different items; `lists` link them."""
    if not rows:
        return None
    width = len(rows[0].figures)
    links = [*lists, *([None] * width)]
    return Row(_("Total"), tuple(Figure(_sum(rows, index), links[index])
                                 for index in range(width)))


def _rest(rows: list[Row], limit: int, label: Callable[[int], str]) -> Row | None:
    """The rows after the first `limit`, summed into one, unlinked: `label(how many)`."""
    hidden = rows[limit:]
    if not hidden:
        return None
    return Row(label(len(hidden)), tuple(Figure(_sum(hidden, index))
                                         for index in range(len(hidden[0].figures))))


# -- the sections -----------------------------------------------------------------------------


def _visit_list(c: _Context, **args: object) -> ListFilter:
    return ListFilter.of(VISIT_LIST, region=c.region, starts_from=c.period.start,
                         starts_to=c.period.end, **args)


def _violation_list(c: _Context, **args: object) -> ListFilter:
    return ListFilter.of(VIOLATION_LIST, region=c.region, found_from=c.period.start,
                         found_to=c.period.end, **args)


def _register(c: _Context, **args: object) -> ListFilter:
    return ListFilter.of(RECOMMENDATION_REGISTER, region=c.region, **args)


def _issued_in(c: _Context, **args: object) -> ListFilter:
    return _register(c, issued_from=c.period.start, issued_to=c.period.end, **args)


def _complaint_list(c: _Context) -> ListFilter:
    return ListFilter.of(CASE_LIST, kind=CaseKind.COMPLAINT, region=c.region,
                         received_from=c.period.start, received_to=c.period.end)


def _visits(c: _Context) -> Section:
    by_type = stats.visits_by_type(c.period, c.region)
    by_region = stats.visits_by_region(c.period, c.region)
    obstruction = stats.obstruction_by_kind(c.period, c.region)
    obstructed = stats.obstructed_visits(c.period, c.region)
    return Section("visits", _("Monitoring visits (NPM)"), [
        Table("visits-by-type", _("Visits by type"), _("Type of visit"),
              (Column(_("Visits")), Column(_("Unannounced"))), by_type,
              _("Visits that started in the period, by their first day; cancelled visits "
                "are not counted."),
              _total(by_type, _visit_list(c), _visit_list(c, announced="no"))),
        Table("visits-by-region", _("Visits by region"), _("Region"),
              (Column(_("Visits")),), by_region,
              _("Visits that started in the period, by the region of the facility visited; "
                "cancelled visits are not counted."),
              _total(by_region, _visit_list(c))),
        Table("obstruction", _("Obstruction of the visiting teams"), _("Kind of obstruction"),
              (Column(_("Incidents")), Column(_("Visits affected"), charted=False)),
              obstruction,
              _("Incidents recorded on visits that started in the period, whatever became "
                "of the visit. A visit obstructed in several ways counts once in the total."),
              Row(_("Total"), (Figure(_sum(obstruction)), Figure(obstructed)))),
    ])


def _violations(c: _Context) -> Section:
    by_category = stats.violations_by_category(c.period, c.region)
    by_facility_type = stats.violations_by_facility_type(c.period, c.region)
    substantiated = _violation_list(c, status=ViolationStatus.SUBSTANTIATED)
    return Section("violations", _("Violations found"), [
        Table("violations-by-category", _("Violations by category"), _("Category"),
              (Column(_("Found")), Column(_("Substantiated"))), by_category,
              _("Violations found in the period, by the date found, whatever their status "
                "now; substantiated: those the office has since found substantiated."),
              _total(by_category, _violation_list(c), substantiated)),
        Table("violations-by-facility-type", _("Violations by type of facility"),
              _("Type of facility"),
              (Column(_("Found")), Column(_("Substantiated"))), by_facility_type,
              _("Violations found in the period, by the type of the facility where they "
                "were found."),
              _total(by_facility_type, _violation_list(c), substantiated)),
    ])


def _recommendations(c: _Context) -> Section:
    as_of = c.period.as_of(c.today)
    if as_of == c.today:
        overdue_note = _("Overdue: a reply or implementation deadline has passed, as of "
                         "today (%(day)s).", day=format_day(as_of))
    else:
        overdue_note = _("Overdue: a reply or implementation deadline had passed by "
                         "%(day)s and the recommendation is still not settled today.",
                         day=format_day(as_of))
    rows = stats.recommendations_by_authority(c.period, c.region, today=c.today)
    by_type = stats.recommendations_by_authority_type(c.period, c.region, today=c.today)
    implemented = Implementation.IMPLEMENTED
    columns = (Column(_("Issued")), Column(_("Of these, implemented")),
               Column(_("Found implemented in the period"), charted=False),
               Column(_("Overdue")))
    note = " ".join([
        _("Issued: recommendations issued in the period. Implemented: of these, those the "
          "office has verified as implemented; what an authority claims does not count. "
          "Found implemented in the period: verifications in the period, whenever the "
          "recommendation was issued."),
        overdue_note,
    ])
    return Section("recommendations", _("Recommendations"), [
        Table("recommendations-by-authority-type", _("Recommendations by type of authority"),
              _("Type of authority"), columns, by_type, note, _total(by_type)),
        Table("recommendations-by-authority", _("Recommendations by authority"),
              _("Authority"), columns, rows,
              note + " " + _("The spreadsheet lists every authority."),
              _total(rows, _issued_in(c), _issued_in(c, implementation=implemented), None,
                     _register(c, overdue="any") if as_of == c.today else None),
              limit=TOP_AUTHORITIES, chart_limit=CHARTED_AUTHORITIES,
              rest=_rest(rows, TOP_AUTHORITIES, lambda n: ngettext(
                  "%(num)d other authority", "%(num)d other authorities", n))),
    ])


def _complaints(c: _Context) -> Section:
    by_channel = stats.complaints_by_channel(c.period, c.region)
    by_region = stats.complaints_by_region(c.period, c.region)
    return Section("complaints", _("Complaints"), [
        Table("complaints-by-category", _("Complaints by category"), _("Category"),
              (Column(_("Complaints")),),
              stats.complaints_by_category(c.period, c.region),
              _("Complaints received in the period. A complaint with several categories "
                "counts in each of them, so the rows add up to more than the complaints.")),
        Table("complaints-by-channel", _("Complaints by channel"), _("Channel"),
              (Column(_("Complaints")),), by_channel,
              _("Complaints received in the period, by how they reached the office."),
              _total(by_channel, _complaint_list(c))),
        Table("complaints-by-region", _("Complaints by region"), _("Region"),
              (Column(_("Complaints")),), by_region,
              _("Complaints received in the period, by the region of the case."),
              _total(by_region, _complaint_list(c))),
    ])


def _parole(c: _Context) -> Section:
    decisions = stats.parole_decisions(c.period, c.region)
    by_region = stats.parole_by_region(c.period, c.region)
    total = _total(by_region)
    if total is not None:  # the rate of the sums, not the sum of the rates
        granted, refused = _sum(by_region, 0), _sum(by_region, 1)
        total = Row(total.label, (*total.figures[:3],
                                  Figure(stats.grant_rate(granted, refused))))
    return Section("parole", _("Parole petitions"), [
        Table("parole-decisions", _("Court decisions on parole"), _("Decision"),
              (Column(_("Petitions")),), decisions,
              _("Parole petitions the office followed that a court decided in the period, "
                "by the date of the decision."),
              _total(decisions)),
        Table("parole-by-region", _("Parole decisions by region"), _("Region"),
              (Column(_("Granted"), colour=GREEN), Column(_("Refused"), colour=AMBER),
               Column(_("Postponed"), colour=GREY),
               Column(_("Grant rate"), is_rate=True)),
              by_region,
              _("Grant rate: granted petitions out of those granted or refused; postponed "
                "ones are not decisions on the merits."),
              total),
    ])


SECTIONS: tuple[Callable[[_Context], Section], ...] = (
    _visits, _violations, _recommendations, _complaints, _parole,
)


# -- the headline figures ---------------------------------------------------------------------


def _headlines(c: _Context, sections: list[Section]) -> list[Headline]:
    """The period at a glance: each figure is a table's total (and links where it does)."""
    tables = {table.key: table for section in sections for table in section.tables}

    def total(key: str, index: int = 0) -> Figure:
        row = tables[key].total
        return row.figures[index] if row is not None else Figure(0)

    parole = tables["parole-by-region"].total
    return [
        Headline(_("Visits"), total("visits-by-type")),
        Headline(_("Visits obstructed"), total("obstruction", 1)),
        Headline(_("Violations found"), total("violations-by-facility-type")),
        Headline(_("Recommendations issued"), total("recommendations-by-authority")),
        Headline(_("Recommendations overdue"), total("recommendations-by-authority", 3)),
        Headline(_("Complaints received"), total("complaints-by-channel")),
        Headline(_("Parole petitions filed"),
                 Figure(stats.parole_petitions_filed(c.period, c.region))),
        Headline(_("Parole petitions decided"), total("parole-decisions")),
        Headline(_("Parole grant rate"),
                 parole.figures[3] if parole is not None else Figure(None), is_rate=True),
    ]


def build_statistics(period: Period, region: Region | None, today: date) -> Statistics:
    """Every table and headline figure for the period and region, worded in the active
    language."""
    context = _Context(period, region, today)
    sections = [section(context) for section in SECTIONS]
    return Statistics(period, region, today, _headlines(context, sections), sections)
