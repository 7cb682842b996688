"""Sign-in, sign-out and the admin's user screens."""

from flask import Blueprint

from casework.permissions import Permission, requires

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "TODO"


@bp.post("/logout")
@requires(Permission.SIGNED_IN)
def logout():
    return "TODO"


@admin_bp.get("/users")
@requires(Permission.MANAGE_USERS)
def users():
    return "TODO"
