"""The reference-data blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("reference", __name__)
