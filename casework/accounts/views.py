"""Sign-in, sign-out and the admin's user screens."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug import Response

from casework.accounts import services
from casework.accounts.forms import (
    EditUserForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
    UserFilterForm,
)
from casework.accounts.models import User
from casework.accounts.roles import Role
from casework.extensions import db, limiter
from casework.i18n import safe_next
from casework.permissions import Permission, has_permission, requires

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

# Session keys that may survive signing in: a preference, nothing that grants anything.
KEPT_ON_SIGN_IN = ("language",)


def sign_in_failed(response: Response) -> bool:
    return response.status_code != 302  # success redirects


def login_rate_limit() -> str:
    return f"{current_app.config['LOGIN_ATTEMPTS_PER_MINUTE']}/minute"


def signed_in_user() -> User:
    """The real User behind current_user, for services that store or inspect it."""
    return current_user._get_current_object()


def home_for(user: User) -> str:
    """Where signing in leads: a supervisor's first page is the recommendations dashboard."""
    if user.has_role(Role.SUPERVISOR) and has_permission(user, Permission.READ_RECOMMENDATION):
        return url_for("recommendations.dashboard")
    return url_for("cases.my_work")


def start_session(user: User) -> None:
    """Sign in with a fresh session: Flask-Login keeps the old one, inviting session fixation."""
    kept = {key: session[key] for key in KEPT_ON_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
# Only failed attempts count, so an office signing in at nine behind one address is not blocked.
@limiter.limit(login_rate_limit, methods=["POST"], deduct_when=sign_in_failed)
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(home_for(signed_in_user()))
    form = LoginForm(next=request.args.get("next", ""))
    failed = False
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            db.session.commit()
            return redirect(safe_next(form.next.data, home_for(user)))
        db.session.commit()  # keep the audit entry of the failed attempt
        failed = True
    return render_template("accounts/login.html", form=form, failed=failed)


@bp.post("/logout")
@requires(Permission.SIGNED_IN)
def logout() -> Response:
    services.record_sign_out(signed_in_user())
    db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


# -- the admin's user screens ---------------------------------------------------------------


def show_error(form: FlaskForm, error: services.AccountError) -> None:
    """Put a rule's message next to the field it concerns."""
    form[error.field].errors = [*form[error.field].errors, str(error.message)]


@admin_bp.get("/users")
@requires(Permission.MANAGE_USERS)
def users() -> str:
    filters = UserFilterForm(formdata=request.args)
    filters.validate()
    found = services.list_users(
        text=filters.q.data or "", role=filters.role.data, active=filters.is_active_filter()
    )
    return render_template("admin/users.html", users=found, filters=filters)


@admin_bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_user() -> Response | str:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                **form.account_data(), password=form.password.data, actor=signed_in_user()
            )
        except services.AccountError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Account created for %(name)s.", name=user.full_name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


@admin_bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id: int) -> Response | str:
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_user(
                user, **form.account_data(), is_active=form.is_active.data, actor=signed_in_user()
            )
        except services.AccountError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Changes to %(name)s saved.", name=user.full_name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/edit_user.html", form=form, user=user)


@admin_bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def reset_password(user_id: int) -> Response | str:
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data, actor=signed_in_user())
        except services.AccountError as error:
            show_error(form, error)
        else:
            resetting_own = user.id == current_user.id
            db.session.commit()
            if resetting_own:
                start_session(user)  # the new token ended this session too: start a new one
            flash(gettext("New password set for %(name)s.", name=user.full_name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/reset_password.html", form=form, user=user)
