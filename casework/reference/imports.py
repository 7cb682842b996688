"""CSV import of facilities and authorities.

A dry run plans every row (create, update or leave unchanged) and reports every bad cell by
its line and column; a file with any error imports nothing. The import of a clean plan runs
in the caller's transaction and leaves one REFERENCE_IMPORTED audit entry (counts, file name,
SHA-256, what changed), plus each facility's CCTV history.

Matching: a facility by its exact name and region, an authority by its exact name; a match
is updated, anything else created. An empty cell keeps an existing record's value (and gives
a new one the default): an import never erases what it does not mention.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.accounts.models import User
from casework.audit import AuditAction, diff, record
from casework.database import utcnow
from casework.extensions import db
from casework.labels import LabelledEnum
from casework.recommendations.exports import csv_delimiter
from casework.reference.csvfile import FileProblem, Row, read_table
from casework.reference.import_columns import COLUMNS, ImportKind
from casework.reference.import_values import Lookup, Names, RowError, RowReader
from casework.reference.models import (
    Authority,
    AuthorityType,
    CctvCoverage,
    Facility,
    FacilityType,
    Language,
)
from casework.reference.regions import Region
from casework.reference.services import (
    MAX_ADDRESS,
    MAX_CAPACITY,
    MAX_CONTACT,
    MAX_NAME,
    RESPONSE_PERIOD_RANGE,
    AuthorityData,
    FacilityData,
    apply_authority_data,
    apply_facility_data,
)
from casework.reference.snapshots import (
    AUTHORITY_LABELS,
    FACILITY_LABELS,
    authority_display,
    authority_snapshot,
    facility_display,
    facility_snapshot,
)
from casework.refusals import Refusal


class Action(LabelledEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"

    @classmethod
    def _labels(cls):
        return {"create": _l("New"), "update": _l("Update"), "unchanged": _l("No change")}


@dataclass
class PlannedRow:
    line: int
    action: Action
    name: str
    data: Any  # FacilityData or AuthorityData
    target: Any  # the Facility or Authority to update, None for a new one
    changes: list[tuple[str, str, str]]  # (field, before, after) as the report shows them
    parent_line: int | None = None  # an authority whose parent is new, on that earlier line


@dataclass
class ImportPlan:
    kind: ImportKind
    file_name: str
    sha256: str
    size: int
    read: int = 0  # rows read from the file, good and bad
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None

    @property
    def has_errors(self) -> bool:
        return self.file_error is not None or bool(self.errors)

    @property
    def can_import(self) -> bool:
        return not self.has_errors and self.count(Action.UNCHANGED) < len(self.rows)

    @property
    def error_lines(self) -> int:
        return len({error.line for error in self.errors})

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action is action)


def clean_file_name(name: str | None) -> str:
    """The uploaded file's own name, without any folder a browser sent with it."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    return " ".join(name.split())[:255] or "upload.csv"


def plan_import(kind: ImportKind, data: bytes, file_name: str) -> ImportPlan:
    """The dry run: what the file would create and update, and every error in it."""
    plan = ImportPlan(kind=kind, file_name=clean_file_name(file_name),
                      sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    columns = COLUMNS[kind]
    try:
        table = read_table(data, [c.name for c in columns], [c.name for c in columns if c.required])
    except FileProblem as problem:
        plan.file_error = problem.message
        return plan
    plan.read = len(table.rows)
    planner = _plan_facilities if kind is ImportKind.FACILITIES else _plan_authorities
    planner(plan, table.rows)
    plan.errors.sort(key=lambda error: error.line)
    return plan


def _changes(
    before: dict[str, Any] | None, after: dict[str, Any], labels: dict[str, LazyString],
    display: Callable[[str, Any], str],
) -> tuple[Action, list[tuple[str, str, str]]]:
    """The row's action and the fields it sets (a new record's non-empty ones, an existing
    record's changed ones), as the report lists them."""
    if before is None:
        return Action.CREATE, [
            (str(labels[name]), "", display(name, value))
            for name, value in after.items() if value not in (None, "") and name != "name"
        ]
    shown = [
        (str(labels[name]), display(name, before.get(name)), display(name, value))
        for name, value in after.items() if before.get(name) != value
    ]
    return (Action.UPDATE if shown else Action.UNCHANGED), shown


def _plan_facilities(plan: ImportPlan, rows: list[Row]) -> None:
    existing: dict[tuple[str, Region], list[Facility]] = defaultdict(list)
    for facility in db.session.scalars(sa.select(Facility).order_by(Facility.id)):
        existing[(facility.name, facility.region)].append(facility)
    authorities = Names.of_authorities()
    types, regions = Lookup(FacilityType), Lookup(Region)
    coverages = Lookup(CctvCoverage)
    seen: dict[tuple[str, Region], int] = {}
    for row in rows:
        cells = RowReader(row, plan.errors)
        if cells.failed:  # misaligned: its cells would only add noise
            continue
        name = cells.name("name", MAX_NAME)
        facility_type = cells.choice("type", types, required=True)
        region = cells.choice("region", regions, required=True)
        authority_name = cells.name("operating_authority", MAX_NAME, required=False)
        capacity = cells.integer("capacity", 0, MAX_CAPACITY)
        coverage = cells.choice("cctv_coverage", coverages)
        address = cells.text("address", MAX_ADDRESS)
        target: Facility | None = None
        if name and region is not None:
            if (name, region) in seen:
                cells.error("name", _("The same facility is on line %(line)d.",
                                      line=seen[(name, region)]), name)
            seen.setdefault((name, region), row.line)
            matches = existing.get((name, region), [])
            if len(matches) > 1:
                cells.error("name", _("Several facilities of this name are in this region: "
                                      "rename them on their edit pages first."), name)
            target = matches[0] if matches else None
        authority = (
            authorities.find(authority_name, cells, "operating_authority") if authority_name
            else target.authority if target else None
        )
        if cells.failed or facility_type is None or region is None:
            continue
        data = FacilityData(
            name=name, type=facility_type, region=region, authority=authority,
            capacity=capacity if capacity is not None else target.capacity if target else None,
            cctv_coverage=coverage or (target.cctv_coverage if target else CctvCoverage.UNKNOWN),
            address=address if address is not None else target.address if target else "",
        )
        before = facility_snapshot(target) if target else None
        action, shown = _changes(before, data.values(), FACILITY_LABELS, facility_display)
        plan.rows.append(PlannedRow(row.line, action, name, data, target, shown))


def _plan_authorities(plan: ImportPlan, rows: list[Row]) -> None:
    names = Names.of_authorities()
    types, regions, languages = Lookup(AuthorityType), Lookup(Region), Lookup(Language)
    first_line: dict[str, int] = {}
    for row in rows:
        first_line.setdefault(" ".join((row.get("name") or "").split()), row.line)
    on_earlier_line: dict[str, int] = {}  # names read so far → their line
    new_on_line: dict[str, int] = {}  # names this file creates → their line
    # Every authority's parent once the file is imported, by name, to find loops.
    final_parent = {a.name: a.parent.name if a.parent else None for a in names.unique()}
    for row in rows:
        cells = RowReader(row, plan.errors)
        if cells.failed:  # misaligned: its cells would only add noise
            continue
        name = cells.name("name", MAX_NAME)
        authority_type = cells.choice("type", types, required=True)
        parent_name = cells.name("parent", MAX_NAME, required=False)
        region = cells.choice("region", regions)
        address = cells.text("address", MAX_ADDRESS)
        contact = cells.text("contact", MAX_CONTACT)
        period = cells.integer("response_period_days", *RESPONSE_PERIOD_RANGE)
        language = cells.choice("letter_language", languages)
        target: Authority | None = None
        if name:
            if name in on_earlier_line:
                cells.error("name", _("The same authority is on line %(line)d.",
                                      line=on_earlier_line[name]), name)
            target = names.find(name, cells, "name", missing_ok=True)
        parent = target.parent if target else None
        parent_line = None
        if parent_name:
            if parent_name == name:
                cells.error("parent", _("An authority cannot be its own parent."), parent_name)
            elif parent_name in new_on_line:
                parent, parent_line = None, new_on_line[parent_name]
            elif not names.has(parent_name) and first_line.get(parent_name, 0) > row.line:
                cells.error("parent", _(
                    "“%(name)s” is on line %(line)d, below this one: put a parent above the "
                    "authorities under it.", name=parent_name, line=first_line[parent_name],
                ), parent_name)
            else:  # in the register, or an error naming the closest name there is
                parent = names.find(parent_name, cells, "parent", also=tuple(on_earlier_line))
        if name:
            on_earlier_line.setdefault(name, row.line)
            if target is None:
                new_on_line.setdefault(name, row.line)
        if cells.failed or authority_type is None:
            continue
        if _makes_loop(name, parent_name or (parent.name if parent else None), final_parent,
                       cells):
            continue
        data = AuthorityData(
            name=name, type=authority_type, parent=parent,
            region=region or (target.region if target else None),
            address=address if address is not None else target.address if target else "",
            contact=contact if contact is not None else target.contact if target else "",
            response_period_days=period or (target.response_period_days if target else 15),
            letter_language=language or (target.letter_language if target else Language.RU),
        )
        before = _with_parent_name(authority_snapshot(target)) if target else None
        after = data.values() | {"parent_id": final_parent.get(name)}
        action, shown = _changes(before, after, AUTHORITY_LABELS, _authority_row_display)
        plan.rows.append(PlannedRow(row.line, action, name, data, target, shown, parent_line))


def _with_parent_name(snapshot: dict[str, Any]) -> dict[str, Any]:
    parent = db.session.get(Authority, snapshot["parent_id"]) if snapshot["parent_id"] else None
    return snapshot | {"parent_id": parent.name if parent else None}


def _authority_row_display(name: str, value: Any) -> str:
    """The report names a parent, which may not have an id yet."""
    if name == "parent_id":
        return value or "—"
    return authority_display(name, value)


def _makes_loop(
    name: str, parent: str | None, final_parent: dict[str, str | None], cells: RowReader
) -> bool:
    """Hang `name` below `parent` in the register as the file leaves it so far, in file
    order; a row that would make an authority its own ancestor is refused on its line."""
    chain = [name]
    above = parent
    while above is not None and above not in chain:
        chain.append(above)
        above = final_parent.get(above)
    if above == name:
        cells.error("parent", _(
            "This would make a loop: %(chain)s. An authority cannot be its own ancestor.",
            chain=" → ".join([*chain, name]),
        ), parent or "")
        return True
    final_parent[name] = parent
    return False


def import_plan(plan: ImportPlan, *, actor: User) -> dict[str, int]:
    """Create and update what the plan says, in the caller's transaction; the caller commits.
    Refuses a plan with errors: a file with any error imports nothing."""
    if plan.has_errors:
        raise Refusal(_("The file has errors: nothing was imported."))
    now = utcnow()
    note = f"imported from {plan.file_name}"[:300]
    created_on_line: dict[int, Authority] = {}
    saved: list[tuple[Any, dict[str, Any] | None]] = []
    for row in plan.rows:
        if row.action is Action.UNCHANGED:
            continue
        if plan.kind is ImportKind.FACILITIES:
            facility = row.target or Facility(cctv_coverage=CctvCoverage.UNKNOWN, is_active=True)
            before = facility_snapshot(row.target) if row.target else None
            db.session.add(facility)
            apply_facility_data(facility, row.data, actor=actor, now=now, cctv_note=note)
            saved.append((facility, before))
        else:
            if row.parent_line is not None:
                row.data.parent = created_on_line[row.parent_line]
            authority = row.target or Authority()
            before = authority_snapshot(row.target) if row.target else None
            db.session.add(authority)
            apply_authority_data(authority, row.data, now=now)
            created_on_line[row.line] = authority
            saved.append((authority, before))
    db.session.flush()
    snapshot = facility_snapshot if plan.kind is ImportKind.FACILITIES else authority_snapshot
    counts = {action.value: plan.count(action) for action in Action}
    entry = record(
        AuditAction.REFERENCE_IMPORTED, actor=actor,
        object_type="facilities" if plan.kind is ImportKind.FACILITIES else "authorities",
        changes={
            "file_name": plan.file_name, "sha256": plan.sha256, "size": plan.size,
            "rows": len(plan.rows), **counts,
            "created_ids": [obj.id for obj, before in saved if before is None],
            "updated": {str(obj.id): diff(before, snapshot(obj))
                        for obj, before in saved if before is not None},
        },
    )
    entry.at = now
    return counts


def template_csv(kind: ImportKind) -> bytes:
    """The header an import expects, separated as Excel expects in the reader's language."""
    out = io.StringIO()
    csv.writer(out, delimiter=csv_delimiter()).writerow([c.name for c in COLUMNS[kind]])
    return out.getvalue().encode("utf-8-sig")
