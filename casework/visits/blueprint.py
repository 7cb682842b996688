"""The visits blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("visits", __name__)
