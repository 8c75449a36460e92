"""Premiums screens: the premiums and commissions dashboard (charts and their
tables, by month, insurer and line; collection; overdue by age) and the
accountant's exports (journals of a period, client balances at a date)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request, send_file
from flask_babel import format_currency, format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.billing import journals, reports, sheets
from app.billing.errors import BillingError
from app.billing.messages import billing_error_message
from app.billing.reports import Grouping, Period
from app.billing.views import bp
from app.extensions import db, htmx
from app.web.charts import Series, bar_chart
from app.web.downloads import CSV_MIMETYPE, EXPORT_FORMATS, XLSX_MIMETYPE

TABS = ("volume", "commissions", "collection")


def _locale() -> str:
    return str(get_locale() or "en")


def _money(value) -> str:
    return format_currency(value, "EUR")


def _chart(categories: list[str], series: list[Series], title: str, **options):
    return bar_chart(categories, series, title=title, locale=_locale(), empty=_("Nothing in this period."),
                     description=_("The same figures are in the table below."), value_format=_money, **options)


def _charts(rows: dict[Grouping, list], title: str, series) -> dict:
    """A chart and its table per grouping: months vertical, insurers and lines horizontal."""
    blocks = {}
    for grouping, grouped in rows.items():
        labels = ([format_date(r.key, "MMM yy") for r in grouped] if grouping is Grouping.MONTH
                  else [r.label for r in grouped])
        blocks[grouping.value] = {"rows": grouped, "chart": _chart(labels, series(grouped), title,
                                                                   horizontal=grouping is not Grouping.MONTH)}
    return blocks


def _volume(figures: reports.PremiumFigures) -> dict:
    return _charts(figures.volume, _("Premium volume"), lambda rows: [
        Series(_("Total"), [r.total for r in rows]), Series(_("Net premium"), [r.net for r in rows])])


def _commissions(rows: dict) -> dict:
    return _charts(rows, _("Commissions"), lambda grouped: [
        Series(_("Earned"), [r.earned for r in grouped], "#2fa36b"),
        Series(_("Reversed"), [r.reversed for r in grouped], "#d64545")])


def bucket_label(code: str) -> str:
    return {"0-30": _("0–30 days"), "31-60": _("31–60 days"), "61-90": _("61–90 days"),
            "90+": _("Over 90 days")}[code]


def _collection(figures: reports.PremiumFigures, buckets: list) -> dict:
    rows = figures.collection
    collected = _chart([format_date(r.month, "MMM yy") for r in rows],
                       [Series(_("Collected"), [r.collected for r in rows], "#2fa36b"),
                        Series(_("Outstanding"), [r.outstanding for r in rows], "#f08c2e")],
                       _("Collected and outstanding"), stacked=True)
    overdue = _chart([bucket_label(b.code) for b in buckets], [Series(_("Overdue"), [b.amount for b in buckets],
                                                                      "#d64545")], _("Overdue by days late"))
    return {"rows": rows, "chart": collected, "buckets": buckets, "overdue_chart": overdue}


def _panel(tab: str, period: Period, today: date, board: reports.Dashboard | None) -> dict:
    """The tab's charts, from the page's figures when it has them, else from the queries the tab needs."""
    if tab == "commissions":
        return {"commissions": _commissions(board.commissions if board else
                                            reports.commission_figures(db.session, period))}
    premiums = board.premiums if board else reports.premium_figures(db.session, period)
    if tab == "collection":
        return {"collection": _collection(premiums, board.overdue if board else
                                          reports.overdue_buckets(db.session, today))}
    return {"volume": _volume(premiums)}


def _period_or_error(today: date) -> tuple[Period | None, str | None]:
    try:
        return reports.parse_period(request.args.get("from"), request.args.get("to"), today), None
    except BillingError as exc:
        return None, billing_error_message(exc.code)


def _error_page(message: str, today: date):
    period = reports.default_period(today)
    return render_template("billing/reports/index.html", error=message, period=None, tab="volume",
                           form_from=request.args.get("from", "")[:20], form_to=request.args.get("to", "")[:20],
                           default=period, journals=journals.JOURNALS, today=today), 400


@bp.get("/reports")
def reports_index():
    today = date.today()
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "volume"
    period, error = _period_or_error(today)
    if error:
        return _error_page(error, today)
    partial = bool(htmx and htmx.target == "report-panel")
    board = None if partial else reports.dashboard(db.session, period, today)
    context = {"period": period, "tab": tab, "today": today, "bucket_label": bucket_label,
               "month_label": lambda month: format_date(month, "MMMM yyyy"), "form_from": f"{period.start:%Y-%m}",
               "form_to": f"{period.last_month:%Y-%m}", **_panel(tab, period, today, board)}
    if partial:
        return render_template("billing/reports/_panel.html", **context)
    return render_template("billing/reports/index.html", summary=board, journals=journals.JOURNALS, **context)


def _balance_day(today: date) -> date | None:
    text = request.args.get("at", "").strip()
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _send(journal: journals.Journal, rows, fmt: str, stem: str) -> Response:
    if fmt == "csv":
        return send_file(sheets.csv_file(rows), mimetype=CSV_MIMETYPE, as_attachment=True,
                         download_name=f"{stem}.csv")
    return send_file(sheets.xlsx_file(rows, journal.sheet, _locale()), mimetype=XLSX_MIMETYPE,
                     as_attachment=True, download_name=f"{stem}.xlsx")


@bp.get("/reports/<name>.<fmt>")
def reports_export(name: str, fmt: str):
    journal = journals.JOURNALS.get(name)
    if journal is None or fmt not in EXPORT_FORMATS:
        abort(404)
    today = date.today()
    period, error = _period_or_error(today)
    at = _balance_day(today)
    if error or at is None:
        return _error_page(error or billing_error_message("date_invalid"), today)
    scope = {"at": at} if journal.needs_date else {"from": period.start, "to": period.last_month}
    audit.record(db.session, current_user, "premium_report.export", "premium_report", None,
                 after={"journal": name, "format": fmt, **scope})
    db.session.commit()
    stem = f"{name}-{at:%Y-%m-%d}" if journal.needs_date else f"{name}-{period.start:%Y-%m}-{period.last_month:%Y-%m}"
    return _send(journal, journals.rows_of(db.session, name, period, at), fmt, stem)
