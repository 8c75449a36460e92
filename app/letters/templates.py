"""The firm's letter templates: built-in wordings, the firm's rewording of
them, and the firm's own templates (``LetterTemplate`` rows)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.contracts.models import LetterTemplate
from app.letters import rules
from app.letters.defaults import BUILTIN_TEMPLATES, CLAIM_TEMPLATES, FREE_LETTER, Wording

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class TemplateError(Exception):
    """``code`` says why; ``problems`` maps a field to its template problems."""

    def __init__(self, code: str, problems: dict[str, list[rules.TemplateProblem]] | None = None) -> None:
        super().__init__(code)
        self.code, self.problems = code, problems or {}


@dataclass(frozen=True)
class TemplateRow:
    code: str
    title: str
    is_builtin: bool
    is_reworded: bool
    is_active: bool
    updated_at: object = None


def firm_template(session: Session, code: str) -> LetterTemplate | None:
    return session.scalar(select(LetterTemplate).where(LetterTemplate.code == code))


def wording_of(session: Session, code: str, locale: str) -> Wording | None:
    """The firm's wording of ``code`` when it has one (and it is active), else
    the built-in one in ``locale``; None for an unknown code."""
    own = firm_template(session, code)
    if own is not None:
        return Wording(own.title, own.subject, own.body) if own.is_active else None
    builtin = BUILTIN_TEMPLATES.get(code)
    return builtin.wording(locale) if builtin else None


def rows(session: Session, locale: str) -> list[TemplateRow]:
    """Every template: built-in ones first (reworded or not), then the firm's own."""
    own = {t.code: t for t in session.scalars(select(LetterTemplate).order_by(LetterTemplate.title))}
    listed = [
        TemplateRow(code, own[code].title if code in own else builtin.wording(locale).title, True, code in own,
                    own[code].is_active if code in own else True, own[code].updated_at if code in own else None)
        for code, builtin in BUILTIN_TEMPLATES.items()
    ]
    listed += [TemplateRow(code, t.title, False, False, t.is_active, t.updated_at)
               for code, t in own.items() if code not in BUILTIN_TEMPLATES]
    return listed


def choices(session: Session, locale: str, *, for_claim: bool = False) -> list[tuple[str, str]]:
    """(code, title) of the templates a handler may use: about a claim, the
    claim templates, the free letter and the firm's own; elsewhere, all but
    the claim templates."""
    active = [(row.code, row.title) for row in rows(session, locale) if row.is_active]
    if for_claim:
        return [(code, title) for code, title in active
                if code in CLAIM_TEMPLATES or code == FREE_LETTER or code not in BUILTIN_TEMPLATES]
    return [(code, title) for code, title in active if code not in CLAIM_TEMPLATES]


def _check(title: str, subject: str, body: str) -> None:
    problems = {name: rules.template_problems(text) for name, text in (("subject", subject), ("body", body))}
    problems = {name: found for name, found in problems.items() if found}
    if not title.strip():
        raise TemplateError("title_required")
    if problems:
        raise TemplateError("refused", problems)


def stamp_of(template: LetterTemplate | None) -> str:
    """What an edit form carries to detect a concurrent change."""
    return template.updated_at.isoformat() if template is not None and template.updated_at else ""


def save(session: Session, actor, *, code: str, title: str, subject: str, body: str, is_active: bool = True,
         stamp: str = "", new: bool = False) -> LetterTemplate:
    """Create or reword a template, refusing any unknown merge field or
    expression; ``stamp`` (from :func:`stamp_of`) refuses a stale edit."""
    if not CODE_PATTERN.match(code or ""):
        raise TemplateError("bad_code")
    _check(title, subject, body)
    template = firm_template(session, code)
    if new and (template is not None or code in BUILTIN_TEMPLATES):
        raise TemplateError("code_taken")
    if stamp_of(template) != (stamp or ""):
        raise TemplateError("stale")
    before = None
    if template is None:
        template = LetterTemplate(code=code)
        session.add(template)
    else:
        before = {"title": template.title, "subject": template.subject, "body": template.body,
                  "is_active": template.is_active}
    template.title, template.subject, template.body = title.strip()[:200], subject.strip()[:250], body.strip()
    template.is_active = is_active
    session.flush()
    audit.record(session, actor, "letter_template.save", "letter_template", code, before=before,
                 after={"title": template.title, "subject": template.subject, "body": template.body,
                        "is_active": is_active})
    return template


def reset(session: Session, actor, code: str) -> None:
    """Back to the built-in wording (a built-in code), or delete the firm's own template."""
    template = firm_template(session, code)
    if template is None:
        raise TemplateError("not_found")
    audit.record(session, actor, "letter_template.reset", "letter_template", code,
                 before={"title": template.title, "subject": template.subject, "body": template.body})
    session.delete(template)
    session.flush()
