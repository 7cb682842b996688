"""The courts blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("courts", __name__)
