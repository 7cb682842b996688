"""Forms for signing in and for the admin's user screens."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from casework.accounts.passwords import MIN_LENGTH
from casework.accounts.roles import Role
from casework.accounts.services import password_error, roles_error
from casework.labels import LabelledEnum
from casework.reference.models import Language
from casework.reference.regions import Region


def optional_enum(enum_cls: type[enum.StrEnum]) -> Callable[[Any], Any]:
    """Coerce a select's value to an enum member, the empty option to None."""

    def coerce(value: Any) -> Any:
        if value in (None, "", "None"):
            return None
        return enum_cls(value)

    return coerce


def enum_options(enum_cls: type[LabelledEnum], empty: str | None = None) -> list[SelectChoice]:
    """The enum's members with their translated labels, after an optional empty option."""
    options = [SelectChoice(value, label) for value, label in enum_cls.choices()]
    return options if empty is None else [SelectChoice("", empty), *options]


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes rather than a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def strong_password(form: FlaskForm, field: Field) -> None:
    if field.data and (message := password_error(field.data)):
        raise ValidationError(str(message))


def allowed_roles(form: FlaskForm, field: Field) -> None:
    if message := roles_error(field.data or ()):
        raise ValidationError(str(message))


class LoginForm(FlaskForm):
    # No e-mail format check: every failure gets the same message.
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    next = HiddenField()


class UserForm(FlaskForm):
    """The fields an admin sets on every account."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    roles = MultiCheckboxField(
        _l("Roles"), choices=lambda: enum_options(Role), coerce=Role, validators=[allowed_roles]
    )
    region = SelectField(
        _l("Region"), choices=lambda: enum_options(Region, "—"), coerce=optional_enum(Region)
    )
    language = SelectField(
        _l("Language"), choices=lambda: enum_options(Language, "—"), coerce=optional_enum(Language)
    )

    def account_data(self) -> dict[str, Any]:
        """The values in the keyword form the account services take."""
        return {
            "full_name": self.full_name.data,
            "email": self.email.data,
            "roles": set(self.roles.data or ()),
            "region": self.region.data,
            "language": self.language.data,
        }


class PasswordFields(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1000), strong_password],
        description=_l("At least %(num)d characters; not a common password.", num=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))],
    )


class NewUserForm(UserForm, PasswordFields):
    """A new account: its details and its first password."""


class EditUserForm(UserForm):
    is_active = BooleanField(_l("Active (may sign in)"))


class ResetPasswordForm(PasswordFields):
    """A new password set by an administrator."""


class UserFilterForm(FlaskForm):
    """The filters above the user list: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"))
    role = SelectField(
        _l("Role"),
        choices=lambda: enum_options(Role, str(_l("All roles"))),
        coerce=optional_enum(Role),
    )
    active = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("yes", _l("Active")),
            SelectChoice("no", _l("Inactive")),
        ],
        default="",
    )

    def is_active_filter(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.active.data or "")
