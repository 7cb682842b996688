"""The recommendations dashboard and its chart: read-only pages over the reader's scope."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from werkzeug import Response

from casework.database import office_today
from casework.permissions import Permission, requires
from casework.recommendations import charts
from casework.recommendations.blueprint import bp
from casework.recommendations.dashboard import build_dashboard, dashboard_scope, monthly
from casework.visits.queries import overdue_check_ins

# The dashboard is for those who act on overdue items: supervisors, the caseworkers who
# follow recommendations up, and monitors (their visits' drafts and overdue reprisal
# check-ins). Lawyers read recommendations in their cases.
WATCHES_DEADLINES = Permission.FOLLOW_UP_RECOMMENDATION


@bp.get("/dashboard")
@requires(WATCHES_DEADLINES)
def dashboard() -> str:
    user = current_user._get_current_object()
    board = build_dashboard(user, office_today())
    return render_template(
        "recommendations/dashboard.html", board=board, month_title=charts.month_title,
        chart_size=charts.CHART_SIZE, check_ins=overdue_check_ins(user),
    )


@bp.get("/dashboard/monthly.svg")
@requires(WATCHES_DEADLINES)
def monthly_chart() -> Response:
    months = monthly(dashboard_scope(current_user._get_current_object()), office_today())
    return Response(
        charts.monthly_chart(months),
        mimetype=charts.SVG_MEDIA_TYPE,
        # The security hook keeps a policy the view set: the SVG needs its inline <style>.
        headers={"Content-Security-Policy": charts.CHART_CSP},
    )
