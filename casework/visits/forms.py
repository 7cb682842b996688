"""Forms of the visit pages. Choices that come from the database are set by the view; rules
that depend on the visit (dates, team, declarations, counts) are checked by the services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from casework.accounts.models import User
from casework.cases.forms import optional_id, options, prefix_ids
from casework.database import office_today
from casework.forms import MultiCheckboxField, chosen_value
from casework.people.forms import detail_fields, identity_fields
from casework.people.models import Sex
from casework.people.services import NewPerson
from casework.recommendations.lifecycle import Implementation
from casework.reference.models import CctvCoverage, Facility
from casework.reference.regions import Region
from casework.templating import format_day
from casework.visits.lifecycle import VisitStep
from casework.visits.models import (
    CheckInResult,
    NpmParticipant,
    ObstructionKind,
    ReprisalKind,
    VisitStatus,
    VisitType,
)
from casework.visits.queries import DEFAULT_SORT, VisitFilters
from casework.visits.records import IntervieweeInput, ObstructionInput
from casework.visits.reprisals import CheckInInput

ANY = _l("Any")
MAX_INTERVIEWS = 10000


def _with_blank(pairs: Iterable[tuple[Any, Any]], blank: Any) -> list[SelectChoice]:
    return options([("", blank), *pairs])


def _id_select(label: Any, message: Any, *, required: bool = True) -> SelectField:
    """A select of database rows by id; a forged id is refused with `message`."""
    return SelectField(
        label, coerce=optional_id,
        validators=[InputRequired(message)] if required else [Optional()],
        invalid_value_message=message, invalid_choice_message=message,
    )


# -- the list ---------------------------------------------------------------------------------


class VisitFilterForm(FlaskForm):
    """The visit list's filters: a GET form, so no CSRF token and the URL can be shared (the
    statistics link their figures to it with region, type, starts_from and starts_to)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Reference or facility"), validators=[Optional(), Length(max=100)])
    region = SelectField(_l("Region"), validators=[Optional()])
    facility = SelectField(_l("Facility"), validators=[Optional()])
    type = SelectField(_l("Type"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    announced = SelectField(_l("Announced"), validators=[Optional()])
    starts_from = DateField(_l("Starting from"), validators=[Optional()])
    starts_to = DateField(_l("Starting by"), validators=[Optional()])
    sort = HiddenField()

    def set_choices(self, facilities: Iterable[Facility]) -> None:
        self.region.choices = _with_blank(Region.choices(), ANY)
        self.facility.choices = _with_blank(((str(f.id), f.name) for f in facilities), ANY)
        self.type.choices = _with_blank(VisitType.choices(), ANY)
        self.status.choices = _with_blank(VisitStatus.choices(), ANY)
        self.announced.choices = _with_blank(
            [("yes", _l("Announced")), ("no", _l("Unannounced"))], ANY)

    def filters(self) -> VisitFilters:
        """The valid filters; a tampered value is ignored rather than an error."""
        value = chosen_value

        announced = value(self.announced, str)
        return VisitFilters(
            text=(self.q.data or "") if not self.q.errors else "",
            region=value(self.region, Region),
            facility_id=value(self.facility, int),
            type=value(self.type, VisitType),
            status=value(self.status, VisitStatus),
            announced=None if announced is None else announced == "yes",
            starts_from=value(self.starts_from, lambda day: day),
            starts_to=value(self.starts_to, lambda day: day),
            sort=self.sort.data or DEFAULT_SORT,
        )


# -- planning and editing ---------------------------------------------------------------------


class VisitForm(FlaskForm):
    """Plan a visit, or edit it (with the summary and the version it was opened at)."""

    facility = _id_select(_l("Facility"), _l("Choose the facility to visit."))
    type = SelectField(_l("Type of visit"), choices=VisitType.choices,
                       default=VisitType.PLANNED.value)
    is_announced = BooleanField(_l("Announced to the facility in advance"))
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])
    theme = StringField(_l("Theme"), validators=[Length(max=300)])
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=20000)])
    team = MultiCheckboxField(_l("Team (staff)"), coerce=optional_id)
    leader = _id_select(_l("Team leader"), _l("Choose the leader among the team."),
                        required=False)
    participants = MultiCheckboxField(_l("External NPM participants"), coerce=optional_id)
    summary = TextAreaField(_l("General findings"), validators=[Length(max=50000)])
    version = HiddenField()

    def set_choices(
        self, facilities: Sequence[Facility], team: Sequence[User],
        participants: Sequence[NpmParticipant],
    ) -> None:
        self.facility.choices = _with_blank(
            ((f.id, f"{f.name} ({f.region.label})") for f in facilities), _l("Choose…"))
        self.team.choices = options((u.id, _member_label(u)) for u in team)
        self.leader.choices = _with_blank(((u.id, u.full_name) for u in team),
                                          _l("The planner, or the first member"))
        self.participants.choices = options((p.id, _participant_label(p)) for p in participants)

    # The services check these too; here they show with the form's other errors at once.
    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The visit cannot end before it starts."))

    def validate_theme(self, field: Field) -> None:
        if self.type.data == VisitType.THEMATIC.value and not (field.data or "").strip():
            raise ValidationError(_l("A thematic visit needs its theme."))

    def chosen_ids(self, name: str) -> list[int]:
        return [value for value in (self[name].data or []) if isinstance(value, int)]


def _member_label(user: User) -> str:
    roles = ", ".join(sorted(str(role.label) for role in user.roles))
    region = user.region.label if user.region else _l("all regions")
    return f"{user.full_name} ({roles}; {region})"


def _participant_label(participant: NpmParticipant) -> str:
    """The name, and the declaration's period, so the planner sees who may come when."""
    if participant.declaration_signed_on is None:
        declaration = str(_l("no signed declaration"))
    elif participant.declaration_valid_until is None:
        declaration = str(_l("declaration since %(day)s",
                             day=format_day(participant.declaration_signed_on)))
    else:
        declaration = str(_l("declaration %(start)s – %(end)s",
                             start=format_day(participant.declaration_signed_on),
                             end=format_day(participant.declaration_valid_until)))
    expertise = f"{participant.expertise}; " if participant.expertise else ""
    return f"{participant.full_name} ({expertise}{declaration})"


# -- steps ------------------------------------------------------------------------------------


class StepForm(FlaskForm):
    """One lifecycle step; the page shows only the fields its step needs."""

    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=300)])
    summary = TextAreaField(_l("General findings"), validators=[Optional(), Length(max=50000)])
    interviews_in_private = IntegerField(
        _l("People interviewed in private"),
        validators=[Optional(), NumberRange(min=0, max=MAX_INTERVIEWS)])

    def prepare(self, step: VisitStep) -> StepForm:
        for name in step.needs:
            self[name].flags.required = True
        return prefix_ids(self, step.action)


# -- entries ----------------------------------------------------------------------------------


class ObstructionForm(FlaskForm):
    kind = SelectField(_l("What happened"),
                       validators=[InputRequired(_l("Choose what happened."))],
                       invalid_choice_message=_l("Choose what happened."))
    occurred_on = DateField(_l("Day"), validators=[InputRequired(_l("Enter the day."))])
    delay_minutes = IntegerField(_l("Delay in minutes (access delayed)"),
                                 validators=[Optional()])
    official = StringField(_l("Official (name, post)"), validators=[Length(max=300)])
    description = TextAreaField(_l("What the staff did"), validators=[
        DataRequired(_l("Describe what happened.")), Length(max=20000)])

    def prepare(self) -> ObstructionForm:
        self.kind.choices = _with_blank(ObstructionKind.choices(), _l("Choose…"))
        return prefix_ids(self, "obstruction")

    def to_input(self) -> ObstructionInput:
        return ObstructionInput(
            kind=ObstructionKind(self.kind.data), occurred_on=self.occurred_on.data,
            delay_minutes=self.delay_minutes.data, official=self.official.data or "",
            description=self.description.data or "",
        )


class ObservationsForm(FlaskForm):
    interviews_in_private = IntegerField(
        _l("People interviewed in private"),
        validators=[InputRequired(_l("Enter how many people were interviewed in private.")),
                    NumberRange(min=0, max=MAX_INTERVIEWS)])
    cctv_seen = SelectField(_l("CCTV coverage the team saw"), validators=[Optional()])

    def prepare(self) -> ObservationsForm:
        self.cctv_seen.choices = _with_blank(CctvCoverage.choices(), _l("Not recorded"))
        return prefix_ids(self, "observations")

    def coverage(self) -> CctvCoverage | None:
        return chosen_value(self.cctv_seen, CctvCoverage)


_birth_date, _sex, _detention_status = detail_fields()  # no detention: they were held there


class IntervieweeForm(FlaskForm):
    full_name, iin = identity_fields()
    birth_date = _birth_date
    sex = _sex
    is_reprisal_risk = BooleanField(_l("At risk of reprisals: follow them up"), default=True)
    risk_note = TextAreaField(_l("What they fear, and from whom"),
                              validators=[Length(max=5000)])
    first_check_in_on = DateField(_l("First check-in"), validators=[Optional()])

    def prepare(self) -> IntervieweeForm:
        self.full_name.flags.required = True
        return prefix_ids(self, "interviewee")

    def validate_full_name(self, field: Field) -> None:
        if not (field.data or "").strip():
            raise ValidationError(_l("Enter the full name."))

    def to_input(self) -> IntervieweeInput:
        return IntervieweeInput(
            person=NewPerson(full_name=self.full_name.data.strip(), iin=self.iin.data or None,
                             birth_date=self.birth_date.data, sex=Sex(self.sex.data)),
            is_reprisal_risk=bool(self.is_reprisal_risk.data),
            risk_note=self.risk_note.data or "",
            first_check_in_on=self.first_check_in_on.data,
        )


class CheckInForm(FlaskForm):
    checked_on = DateField(_l("Checked on"),
                           validators=[InputRequired(_l("Enter the day of the check-in."))])
    result = SelectField(_l("Result"), validators=[InputRequired(_l("Choose the result."))],
                         invalid_choice_message=_l("Choose the result."))
    reprisal_kind = SelectField(_l("Kind of reprisal"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Length(max=20000)])
    next_check_in_on = DateField(_l("Next check-in"), validators=[Optional()])
    # The latest check-in shown when the form opened: the same form sent twice (a double
    # click) is refused. A request without it is not checked.
    seen_check_in = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def prepare(self) -> CheckInForm:
        self.result.choices = _with_blank(CheckInResult.choices(), _l("Choose…"))
        self.reprisal_kind.choices = _with_blank(ReprisalKind.choices(),
                                                 _l("None (no reprisal alleged)"))
        return prefix_ids(self, "check-in")

    def to_input(self) -> CheckInInput:
        return CheckInInput(
            checked_on=self.checked_on.data, result=CheckInResult(self.result.data),
            reprisal_kind=chosen_value(self.reprisal_kind, ReprisalKind),
            note=self.note.data or "", next_check_in_on=self.next_check_in_on.data,
            seen_check_in_id=self.seen_check_in.data,
        )

    def saw(self, latest_id: int) -> CheckInForm:
        """Carry the latest check-in shown on the page."""
        self.seen_check_in.data, self.seen_check_in.raw_data = latest_id, [str(latest_id)]
        return self

    @classmethod
    def blank(cls, latest_id: int) -> CheckInForm:
        return cls(formdata=None, checked_on=office_today()).saw(latest_id)


class VerifyForm(FlaskForm):
    """What the visit found of one of the facility's open recommendations."""

    recommendation = HiddenField(validators=[DataRequired()])
    result = SelectField(_l("Verified status"),
                         validators=[InputRequired(_l("Choose the verified status."))],
                         invalid_choice_message=_l("This status does not follow from the "
                                                   "current one."))
    verified_on = DateField(_l("Seen on"), validators=[Optional()])
    evidence = TextAreaField(_l("What the team saw"), validators=[
        DataRequired(_l("Describe the evidence you saw.")), Length(max=20000)])

    def prepare(self, recommendation_id: int, results: Sequence[Implementation]) -> VerifyForm:
        self.result.choices = _with_blank(((i.value, i.label) for i in results), _l("Choose…"))
        return prefix_ids(self, f"verify-{recommendation_id}")

    @classmethod
    def blank(cls, recommendation_id: int, day: date) -> VerifyForm:
        return cls(formdata=None, recommendation=str(recommendation_id), verified_on=day)


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (remove an entry recorded in error)."""
