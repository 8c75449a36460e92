"""A task's page and its changes: done and reopened (from the list by htmx,
swapping the task's row, or as a plain form), a new due date, priority or
assignee (422 with the message next to the field, keeping what was typed).
A handler acts on their own tasks and the unassigned ones (403 on
another's); a manager on any."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.crm.models import Task
from app.extensions import db, htmx
from app.tasks import labels
from app.tasks import services as tasks
from app.tasks.forms import AssigneeForm, DueForm, PriorityForm
from app.tasks.services import TaskError
from app.tasks.views import bp


def task_or_404(task_id: int) -> Task:
    """The task, if the signed-in user may see it: 404 unknown, 403 another's."""
    task = (db.session.get(Task, task_id) if task_id <= tasks.MAX_ID else None) or abort(404)
    if not tasks.may_act_on(current_user, task):
        abort(403)
    return task


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _forms(task: Task) -> dict:
    assignee_form = AssigneeForm(formdata=None, assignee_id=task.assignee_id)
    assignee_form.assignee_id.choices = _colleagues()
    return {"due_form": DueForm(formdata=None, obj=task), "priority_form": PriorityForm(formdata=None, obj=task),
            "assignee_form": assignee_form}


def _colleagues() -> list[tuple[int, str]]:
    return [(user.id, user.full_name) for user in tasks.assignable(db.session)]


def _page(task: Task, status: int = 200, **forms):
    context = _forms(task) | forms
    return render_template("tasks/show.html", row=tasks.row_of(db.session, task), **context), status


@bp.get("/<int:task_id>")
def show(task_id: int):
    return _page(task_or_404(task_id))


def _done(task: Task, message: str):
    db.session.commit()
    back = _safe_next(request.form.get("next"))
    if htmx:
        response = make_response(render_template("tasks/_row.html", row=tasks.row_of(db.session, task), back=back))
        response.headers["HX-Trigger"] = "tasks-changed"
        return response
    flash(message, "success")
    return redirect(back or url_for("tasks.show", task_id=task.id), code=303)


@bp.post("/<int:task_id>/done")
def done(task_id: int):
    task = tasks.complete(db.session, current_user, task_or_404(task_id))
    return _done(task, _("Task done: %(title)s", title=task.title))


@bp.post("/<int:task_id>/reopen")
def reopen(task_id: int):
    task = tasks.reopen(db.session, current_user, task_or_404(task_id))
    return _done(task, _("Task reopened: %(title)s", title=task.title))


def _change(task_id: int, name: str, form, field, change, message: str):
    """Validate ``form`` (the page's ``name``), apply ``change(task)``; a
    refusal answers 422 with the message under ``field``."""
    task = task_or_404(task_id)
    if form.validate_on_submit():
        try:
            change(task)
        except TaskError as exc:
            db.session.rollback()
            field.errors = [*field.errors, labels.problem(exc.code)]
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("tasks.show", task_id=task_id), code=303)
    return _page(task_or_404(task_id), 422, **{name: form})


@bp.post("/<int:task_id>/due")
def reschedule(task_id: int):
    form = DueForm()
    return _change(task_id, "due_form", form, form.due_on,
                   lambda task: tasks.reschedule(db.session, current_user, task, form.due_on.data, date.today()),
                   _("The due date is changed."))


@bp.post("/<int:task_id>/priority")
def prioritise(task_id: int):
    form = PriorityForm()
    return _change(task_id, "priority_form", form, form.priority,
                   lambda task: tasks.set_priority(db.session, current_user, task, form.priority.data),
                   _("The priority is changed."))


@bp.post("/<int:task_id>/assignee")
def reassign(task_id: int):
    form = AssigneeForm()
    form.assignee_id.choices = _colleagues()
    return _change(task_id, "assignee_form", form, form.assignee_id,
                   lambda task: tasks.reassign(db.session, current_user, task, form.assignee_id.data),
                   _("The task is reassigned."))
