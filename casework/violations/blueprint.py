"""The violations blueprint; its routes live in the package's view modules."""

from flask import Blueprint

bp = Blueprint("violations", __name__)
