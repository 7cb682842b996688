"""The recommendations blueprint; its routes live in views (a recommendation's page and
actions), register_views (the register and its exports) and dashboard_views."""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)
