"""Registering a complaint."""

from flask import Blueprint

from casework.permissions import Permission, requires

bp = Blueprint("intake", __name__)


@bp.route("/cases/new", methods=["GET", "POST"])
@requires(Permission.REGISTER_CASE)
def new():
    return "TODO"
