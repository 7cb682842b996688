"""The six roles of DESIGN.md §5."""

from flask_babel import lazy_gettext as _l

from casework.labels import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CASEWORKER = "caseworker"
    LAWYER = "lawyer"
    MONITOR = "monitor"
    AUDITOR = "auditor"

    @classmethod
    def _labels(cls):
        return {
            "admin": _l("Administrator"),
            "supervisor": _l("Supervisor"),
            "caseworker": _l("Caseworker"),
            "lawyer": _l("Lawyer"),
            "monitor": _l("NPM monitor"),
            "auditor": _l("Auditor"),
        }
