"""The reports blueprint (statistics and the annual report); its routes live in the
package's view modules."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
