from flask import Blueprint

bp = Blueprint("reference", __name__)


from casework.permissions import Permission, requires  # noqa: E402


@bp.get("/admin/calendar")
@requires(Permission.MANAGE_REFERENCE)
def calendar():
    return "TODO"
