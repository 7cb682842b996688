"""The letters blueprint; its routes live in views (a letter's page, drafting, signing,
dispatch, corrections), register_views (the correspondence register and incoming documents),
batch_views (reminders for all overdue recommendations of one authority) and template_views
(the admins' wordings)."""

from flask import Blueprint

bp = Blueprint("letters", __name__)
