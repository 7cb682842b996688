"""People search for the intake form's person picker."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response

from casework.extensions import db
from casework.people.services import mask_iin, record_search, search_people
from casework.permissions import Permission, requires

bp = Blueprint("people", __name__)


@bp.get("/people/search")
@requires(Permission.SEARCH_PEOPLE)
def search() -> Response:
    """JSON for the picker: only people the user may identify, and no more personal data than
    needed to choose the right one."""
    people = search_people(request.args.get("q", ""), viewer=current_user)
    record_search(people, viewer=current_user)
    db.session.commit()
    return jsonify(
        [
            {
                "id": person.id,
                "full_name": person.full_name,
                "iin": mask_iin(person.iin),
                "birth_year": person.birth_date.year if person.birth_date else None,
            }
            for person in people
        ]
    )
