"""Hand a message to SMTP (``MAIL_URL``) or write it as an ``.eml`` file."""

from __future__ import annotations

import smtplib
import uuid
from datetime import UTC, datetime
from email import message_from_string, policy
from pathlib import Path
from urllib.parse import unquote, urlsplit


def send_smtp(mail_url: str, message: str) -> None:
    """Send with ``smtp://[user:pass@]host:port`` or ``smtps://`` (``?starttls=1`` for STARTTLS)."""
    parts = urlsplit(mail_url)
    host, port = parts.hostname or "localhost", parts.port
    parsed = message_from_string(message, policy=policy.SMTP)
    client_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with client_class(host, port or (465 if parts.scheme == "smtps" else 25), timeout=30) as client:
        if "starttls=1" in (parts.query or ""):
            client.starttls()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(parsed)


def write_eml(mail_dir: str | Path, folder: str, message: str) -> Path:
    """Write ``message`` under ``mail_dir/folder`` (one folder per tenant)."""
    target = Path(mail_dir) / folder
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = target / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_text(message, encoding="utf-8")
    return path


def read_eml(path: Path):
    return message_from_string(path.read_text(encoding="utf-8"), policy=policy.default)
