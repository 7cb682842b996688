"""Case pages: My work, the case list and the case page with its actions."""

from flask import Blueprint

from casework.permissions import Permission, requires

bp = Blueprint("cases", __name__)


@bp.get("/")
@requires(Permission.SIGNED_IN)
def my_work():
    return "TODO"


@bp.get("/cases")
@requires(Permission.READ_CASE)
def index():
    return "TODO"
