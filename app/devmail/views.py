"""`/dev/mail`: the emails written to files, for local use only (debug mode).

On a tenant's host it lists only that tenant's mail; on the platform domain,
nothing of any tenant.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, g, render_template

from app.mail.delivery import read_eml

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")


@bp.before_request
def only_in_debug():
    if not current_app.config.get("DEBUG_MAIL_PAGE") or g.get("tenant") is None:
        abort(404)


def _folder() -> Path:
    return Path(current_app.config["MAIL_DIR"]) / g.tenant.slug


def _messages() -> list[Path]:
    folder = _folder()
    return sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []


@bp.get("/")
def inbox():
    messages = [(path.stem, read_eml(path)) for path in _messages()[:200]]
    return render_template("devmail/inbox.html", messages=messages)


@bp.get("/<name>")
def message(name: str):
    path = _folder() / f"{name}.eml"
    if "/" in name or not path.is_file():
        abort(404)
    parsed = read_eml(path)
    body = parsed.get_body(preferencelist=("plain",))
    return render_template("devmail/message.html", name=name, message=parsed,
                           text=body.get_content() if body else "")
