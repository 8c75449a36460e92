"""Tasks: each handler's list of follow-ups from every area (claims,
complaints, placements, client requests, reminders, tasks written by hand),
filtered, ordered by due date then priority, exported; a task added by
hand. A handler sees their own tasks and the unassigned ones; a manager
anybody's. A task's page and its changes live in
:mod:`app.tasks.task_views`, imported at the end."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit import services as audit
from app.auth.access import guard_blueprint, requires
from app.auth.rules import Permission
from app.extensions import db, htmx
from app.tasks import labels, links, rules
from app.tasks import services as tasks
from app.tasks.forms import TaskForm
from app.tasks.rules import Due, Priority, SourceGroup
from app.tasks.services import TaskError, TaskFilters
from app.web.downloads import EXPORT_FORMATS, spreadsheet

bp = guard_blueprint(Blueprint("tasks", __name__, url_prefix="/tasks"))
MAX_PAGE = 100_000


@bp.context_processor
def task_helpers() -> dict:
    today = date.today()
    return {"task_labels": labels, "task_path": links.task_path,
            "task_due": lambda task: rules.due_bucket(task.due_on, today)}


def _choice(name: str, allowed) -> str:
    value = request.args.get(name, "")
    return value if value in {str(item) for item in allowed} else ""


def _colleague_id(value: str) -> int | None:
    """A colleague's id from the query string; None for anything else."""
    return int(value) if value.isascii() and value.isdigit() and int(value) <= tasks.MAX_ID else None


def list_filters() -> TaskFilters:
    """The list's filters from the query string; another colleague's tasks,
    or everybody's, only for a manager (403 otherwise)."""
    assignee = request.args.get("assignee", "")
    colleague = _colleague_id(assignee)
    scope, user_id = tasks.SCOPE_USER, current_user.id
    if assignee == "unassigned":
        scope, user_id = tasks.SCOPE_UNASSIGNED, None
    elif assignee == "all" or colleague not in (None, current_user.id):
        if not tasks.supervises(current_user):
            abort(403)
        scope, user_id = (tasks.SCOPE_ALL, None) if assignee == "all" else (tasks.SCOPE_USER, colleague)
    state = _choice("state", (tasks.STATE_DONE, tasks.STATE_ALL)) or tasks.STATE_OPEN
    return TaskFilters(scope=scope, user_id=user_id, due=_choice("due", Due), priority=_choice("priority", Priority),
                       source=_choice("source", SourceGroup), state=state)


def list_url(endpoint: str = "tasks.index", **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


@bp.get("")
def index():
    filters, today = list_filters(), date.today()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    rows, total = tasks.page_of(db.session, filters, today, page)
    context = {"rows": rows, "total": total, "page": page, "per_page": tasks.PER_PAGE, "filters": filters,
               "list_url": list_url, "back": request.full_path, "counts": tasks.counts(db.session, filters, today)}
    if htmx and not htmx.history_restore_request:
        return render_template("tasks/_results.html", oob=True, **context)
    colleagues = tasks.assignable(db.session) if tasks.supervises(current_user) else []
    return render_template("tasks/index.html", colleagues=colleagues, **context)


@bp.get("/counts")
def counts():
    """The header's counts alone, refreshed when a row's task changes."""
    return render_template("tasks/_counts.html", list_url=list_url,
                           counts=tasks.counts(db.session, list_filters(), date.today()))


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    filters, today = list_filters(), date.today()
    rows = tasks.all_of(db.session, filters, today)
    response = spreadsheet(_export_rows(rows, today), fmt, sheet="Tasks", stem="tasks")
    audit.record(db.session, current_user, "task.export", "task", None, after={"format": fmt, "count": len(rows)})
    db.session.commit()
    return response


def _export_rows(rows: list[tasks.TaskRow], today: date):
    yield [_("Task"), _("Due on"), _("Due"), _("Priority"), _("Source"), _("Reference"), _("Client"),
           _("Assigned to"), _("Done on"), _("Details")]
    for row in rows:
        task, source = row.task, row.source
        yield [task.title, task.due_on, str(labels.DUE_LABELS[rules.due_bucket(task.due_on, today)]),
               str(labels.PRIORITY_LABELS.get(task.priority, task.priority)),
               str(labels.SOURCE_LABEL_ONE[source.group if source else rules.source_group(task.source_type)]),
               source.reference if source else "", row.client.display_name if row.client else "",
               row.assignee.full_name if row.assignee else "", task.done_at.date() if task.done_at else None,
               task.details or ""]


def task_form(formdata=None) -> TaskForm:
    form = TaskForm(formdata=formdata, assignee_id=current_user.id, due_on=date.today())
    form.assignee_id.choices = [(user.id, user.full_name) for user in tasks.assignable(db.session)]
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.WRITE)
def new():
    form = task_form(request.form if request.method == "POST" else None)
    if request.method == "GET":
        return render_template("tasks/new.html", form=form)
    if form.validate_on_submit():
        try:
            task = _add(form)
        except TaskError as exc:
            db.session.rollback()
            field = {"client_unknown": form.client_reference, "assignee_invalid": form.assignee_id,
                     "priority_invalid": form.priority}.get(exc.code, form.due_on)
            field.errors = [*field.errors, labels.problem(exc.code)]
        else:
            db.session.commit()
            flash(_("The task is added."), "success")
            return redirect(url_for("tasks.show", task_id=task.id), code=303)
    return render_template("tasks/new.html", form=form), 422


def _add(form: TaskForm):
    reference = (form.client_reference.data or "").strip()
    client = tasks.client_by_reference(db.session, reference) if reference else None
    if reference and client is None:
        raise TaskError("client_unknown")
    return tasks.add(db.session, current_user, title=form.title.data, details=form.details.data,
                     due_on=form.due_on.data, priority=form.priority.data, assignee_id=form.assignee_id.data,
                     client=client, today=date.today())


from app.tasks import task_views  # noqa: E402,F401
