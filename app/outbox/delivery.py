"""The two ways a message reaches an insurer, one try each: an HTTP POST
signed like Stripe's webhooks, or an email through SMTP. Each returns what
came of the try; neither touches the database."""

from __future__ import annotations

import functools
import json
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from urllib.parse import urlsplit

import httpx

from app.mail.delivery import send_smtp
from app.outbox import rules

USER_AGENT = "Assurdesk-Outbox/1.0"
DETAIL_LIMIT = 1000


@dataclass(frozen=True)
class Result:
    """``outcome`` is delivered, retry or rejected (see ``rules.outcome_of_status``)."""

    outcome: str
    status_code: int | None
    detail: str
    duration_ms: int


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _answer_detail(response: httpx.Response) -> str:
    """The insurer's answer, as the handler should read it (its error message
    when it sent JSON ``{"error": {"message": ...}}`` or ``{"message": ...}``)."""
    text = response.text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:DETAIL_LIMIT] or response.reason_phrase
    error = data.get("error") if isinstance(data, dict) else None
    message = (error.get("message") if isinstance(error, dict) else error) or (
        data.get("message") if isinstance(data, dict) else None)
    return str(message or text)[:DETAIL_LIMIT]


@functools.cache
def _http() -> httpx.Client:
    """One client per process: building one loads the CA bundle (~20 ms), and
    it keeps connections to insurers alive between messages. Thread-safe."""
    return httpx.Client(follow_redirects=False)


def post_signed(url: str, body: bytes, *, secret: str, idempotency_key: str,
                timeout: float = rules.TIMEOUT_SECONDS, now: int | None = None) -> Result:
    """POST ``body`` to ``url`` with its signature and idempotency key.

    Network errors and timeouts are retried, so are 5xx and busy answers; any
    other answer is final. Redirects are not followed (an endpoint moved is a
    configuration to fix, not a place to send a client's data blindly)."""
    timestamp = int(time.time()) if now is None else now
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               "Idempotency-Key": idempotency_key,
               rules.SIGNATURE_HEADER: rules.signature_header(secret, body, timestamp)}
    started = time.monotonic()
    try:
        response = _http().post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return Result("retry", None, f"no answer within {timeout:g} s", _elapsed_ms(started))
    except httpx.TransportError as exc:
        return Result("retry", None, f"{type(exc).__name__}: {exc}"[:DETAIL_LIMIT] or "network error",
                      _elapsed_ms(started))
    outcome = rules.outcome_of_status(response.status_code)
    detail = "" if outcome == "delivered" else _answer_detail(response)
    return Result(outcome, response.status_code, detail or response.reason_phrase, _elapsed_ms(started))


@dataclass(frozen=True)
class Email:
    sender: str
    sender_name: str
    to: str
    reply_to: str | None
    subject: str
    text: str
    html: str | None
    message_id: str
    idempotency_key: str
    attachments: tuple[tuple[str, str, bytes], ...]


def mime_of(email: Email) -> str:
    """The MIME message: text and HTML bodies, then the attachments. The
    Message-ID comes from the idempotency key, so every try of one message
    carries the same one (the insurer's mail system can spot a duplicate)."""
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = formataddr((email.sender_name, email.sender))
    message["To"] = email.to
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Message-ID"] = email.message_id
    message["Assurdesk-Idempotency-Key"] = email.idempotency_key
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    for filename, content_type, content in email.attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_string()


def _all_permanent(refused: dict) -> bool:
    return bool(refused) and all(code >= 500 for code, _message in refused.values())


def send_email(mail_url: str, email: Email) -> Result:
    """Hand the message to the SMTP server of ``mail_url``. A server down,
    unreachable or answering a temporary error is retried; recipients refused
    for good (5xx) are a rejection."""
    started = time.monotonic()
    try:
        send_smtp(mail_url, mime_of(email))
    except smtplib.SMTPRecipientsRefused as exc:
        outcome = "rejected" if _all_permanent(exc.recipients) else "retry"
        return Result(outcome, None, f"recipient refused: {exc.recipients}"[:DETAIL_LIMIT], _elapsed_ms(started))
    except (OSError, smtplib.SMTPException) as exc:
        return Result("retry", None, f"{type(exc).__name__}: {exc}"[:DETAIL_LIMIT], _elapsed_ms(started))
    return Result("delivered", None, f"handed to {urlsplit(mail_url).hostname}", _elapsed_ms(started))
