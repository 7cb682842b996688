"""Casework: case management for a human-rights commissioner's office."""

from __future__ import annotations

from flask import Flask

from config import INSTANCE_DIR, Config, config_for_environment


def create_app(config_class: type[Config] | None = None) -> Flask:
    from casework.numbering import check_number_formats

    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class or config_for_environment())
    check_number_formats(app.config)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from casework import models  # noqa: F401 - the whole schema, for SQLAlchemy and Alembic
    from casework.accounts.sessions import init_login
    from casework.extensions import babel, csrf, db, limiter, migrate
    from casework.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    init_login(app)


def register_url_converters(app: Flask) -> None:
    from casework.routing import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter


def register_blueprints(app: Flask) -> None:
    import casework.letters.batch_views
    import casework.letters.register_views
    import casework.letters.template_views
    import casework.letters.views  # noqa: F401
    from casework.accounts.views import admin_bp
    from casework.accounts.views import bp as accounts_bp
    from casework.attachments.views import bp as attachments_bp
    from casework.cases.views import bp as cases_bp
    from casework.courts import views as courts_views  # noqa: F401
    from casework.courts.blueprint import bp as courts_bp
    from casework.i18n import bp as i18n_bp
    from casework.intake.views import bp as intake_bp
    from casework.letters.blueprint import bp as letters_bp
    from casework.parties.views import bp as parties_bp
    from casework.people.views import bp as people_bp
    from casework.recommendations import dashboard_views, register_views, views  # noqa: F401
    from casework.recommendations.blueprint import bp as recommendations_bp
    from casework.reference.views import bp as reference_bp
    from casework.reports import views as reports_views  # noqa: F401
    from casework.reports.blueprint import bp as reports_bp
    from casework.violations import views as violations_views  # noqa: F401
    from casework.violations.blueprint import bp as violations_bp
    from casework.visits import views as visits_views  # noqa: F401
    from casework.visits.blueprint import bp as visits_bp

    for blueprint in (
        accounts_bp, admin_bp, attachments_bp, cases_bp, courts_bp, i18n_bp, intake_bp,
        letters_bp, parties_bp, people_bp, recommendations_bp, reference_bp, reports_bp,
        violations_bp, visits_bp,
    ):
        app.register_blueprint(blueprint)


def register_security(app: Flask) -> None:
    from casework.security import init_security

    init_security(app)


def register_errorhandlers(app: Flask) -> None:
    from casework.errors import init_errors

    init_errors(app)


def register_template_helpers(app: Flask) -> None:
    from casework.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from casework.commands import cli

    app.cli.add_command(cli)
