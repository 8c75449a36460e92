"""Merge fields of letter templates: only whitelisted names, nothing evaluated.

A template is text with ``{{ field }}`` placeholders. It is parsed by a Jinja
``SandboxedEnvironment`` and accepted only when every expression in it is a
bare name from :data:`MERGE_FIELDS`: no attribute access (``{{ ''.__class__
}}``), no call, no filter, no statement (``{% ... %}``). Merging then
substitutes values the application formatted beforehand (strings), so no
code of the firm's wording ever runs. Pure: no DB, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

#: every merge field a template may use
MERGE_FIELDS: tuple[str, ...] = (
    "client_name", "client_address", "client_reference", "contract_number", "contract_reference",
    "insurer_name", "line", "effective_date", "renewal_date", "cancellation_date", "cancellation_deadline",
    "amount", "new_amount", "refund_amount", "firm_name", "firm_orias", "firm_address", "today", "handler_name",
    "documents", "reason",
    # a letter about a claim (app.letters.claim_fields)
    "claim_reference", "loss_date", "loss_place", "claim_kind", "claim_declared_on", "insurer_claim_number",
    "indemnity", "deductible", "paid_total", "balance_due", "cover_clauses",
)


@dataclass(frozen=True)
class TemplateProblem:
    """Why a template is refused: ``code`` is ``syntax``, ``unknown_field``
    or ``not_allowed``; ``detail`` names the field or the line."""

    code: str
    detail: str


_environment = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


def _expression_problems(node: nodes.Node) -> list[TemplateProblem]:
    if isinstance(node, nodes.Name):
        return [] if node.name in MERGE_FIELDS else [TemplateProblem("unknown_field", node.name)]
    return [TemplateProblem("not_allowed", f"line {node.lineno}")]


def template_problems(text: str) -> list[TemplateProblem]:
    """Return what makes ``text`` unusable as a letter template (empty: fine)."""
    try:
        tree = _environment.parse(text or "")
    except TemplateSyntaxError as exc:
        return [TemplateProblem("syntax", f"line {exc.lineno}")]
    problems: list[TemplateProblem] = []
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            problems.append(TemplateProblem("not_allowed", f"line {statement.lineno}"))
            continue
        for part in statement.nodes:
            if not isinstance(part, nodes.TemplateData):
                problems.extend(_expression_problems(part))
    return list(dict.fromkeys(problems))


def fields_used(text: str) -> set[str]:
    """The merge fields a valid template uses."""
    tree = _environment.parse(text or "")
    return {node.name for node in tree.find_all(nodes.Name)}


class TemplateRefused(ValueError):
    def __init__(self, problems: list[TemplateProblem]) -> None:
        super().__init__("; ".join(f"{p.code}: {p.detail}" for p in problems))
        self.problems = problems


def merge(text: str, values: dict[str, str]) -> str:
    """Substitute ``values`` into a template; a field without a value stays
    visible as ``[field]`` so the handler sees what to fill in by hand."""
    problems = template_problems(text)
    if problems:
        raise TemplateRefused(problems)
    complete = {name: values.get(name) or f"[{name}]" for name in MERGE_FIELDS}
    return _environment.from_string(text).render(**complete)
