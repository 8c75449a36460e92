"""Specific clauses: the firm's library per line of business, and the clauses
of one contract (copied from the library, then editable, or written for it).

Neither table has a version column: a stale edit is recognised by the row's
``updated_at`` read with the form (``stamp``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.contracts import services
from app.contracts.models import Clause, Contract, ContractClause
from app.contracts.services import ContractError


def stamp_of(row) -> str:
    return row.updated_at.isoformat() if row.updated_at else ""


def _check_stamp(row, stamp: str | None) -> None:
    if stamp != stamp_of(row):
        raise ContractError("stale")


def library(session: Session, line: str | None = None, *, active_only: bool = False) -> list[Clause]:
    query = select(Clause).order_by(Clause.line, Clause.code)
    if line:
        query = query.where(Clause.line == line)
    if active_only:
        query = query.where(Clause.is_active)
    return list(session.scalars(query))


def get_clause(session: Session, clause_id: int) -> Clause | None:
    return session.get(Clause, clause_id)


def _snapshot(clause: Clause) -> dict:
    return {"line": clause.line, "code": clause.code, "title": clause.title, "text": clause.text,
            "is_active": clause.is_active}


def _check_code(session: Session, line: str, code: str, clause_id: int | None = None) -> None:
    query = select(Clause.id).where(Clause.line == line, func.upper(Clause.code) == code.upper())
    if clause_id is not None:
        query = query.where(Clause.id != clause_id)
    if session.scalar(query) is not None:
        raise ContractError("code_taken", "code")


def create_clause(session: Session, actor, *, line: str, code: str, title: str, text: str) -> Clause:
    code = code.strip().upper()
    _check_code(session, line, code)
    clause = Clause(line=line, code=code, title=title.strip(), text=text.strip(), is_active=True)
    session.add(clause)
    session.flush()
    audit.record(session, actor, "clause.create", "clause", clause.id, after=_snapshot(clause))
    return clause


def update_clause(session: Session, actor, clause: Clause, *, stamp: str | None, code: str, title: str, text: str,
                  is_active: bool) -> Clause:
    _check_stamp(clause, stamp)
    code = code.strip().upper()
    _check_code(session, clause.line, code, clause.id)
    before = _snapshot(clause)
    clause.code, clause.title, clause.text, clause.is_active = code, title.strip(), text.strip(), is_active
    audit.record(session, actor, "clause.update", "clause", clause.id, before=before, after=_snapshot(clause))
    return clause


def delete_clause(session: Session, actor, clause: Clause) -> None:
    """Remove a library clause; contracts keep their copies."""
    audit.record(session, actor, "clause.delete", "clause", clause.id, before=_snapshot(clause))
    session.delete(clause)


# --- a contract's clauses -----------------------------------------------------

def get_contract_clause(session: Session, contract: Contract, clause_id: int) -> ContractClause | None:
    clause = session.get(ContractClause, clause_id)
    return clause if clause is not None and clause.contract_id == contract.id else None


def add_to_contract(session: Session, actor, contract: Contract, *, library_clause: Clause | None = None,
                    title: str | None = None, text: str | None = None) -> ContractClause:
    """Copy a library clause of the contract's line, or add one written for it."""
    if library_clause is not None:
        if library_clause.line != contract.line or not library_clause.is_active:
            raise ContractError("clause_not_for_line", "clause_id")
        title, text = library_clause.title, library_clause.text
    position = (session.scalar(select(func.max(ContractClause.position))
                               .where(ContractClause.contract_id == contract.id)) or 0) + 1
    clause = ContractClause(contract_id=contract.id, clause_id=library_clause.id if library_clause else None,
                            title=(title or "").strip(), text=(text or "").strip(), position=position)
    session.add(clause)
    session.flush()
    audit.record(session, actor, "contract.clause_add", "contract", contract.id,
                 after={"clause": clause.title, "from_library": clause.clause_id})
    services.record_event(session, actor, contract, kind="clause", summary=clause.title,
                          details={"action": "added"})
    return clause


def update_contract_clause(session: Session, actor, contract: Contract, clause: ContractClause, *,
                           stamp: str | None, title: str, text: str) -> ContractClause:
    _check_stamp(clause, stamp)
    before = {"title": clause.title, "text": clause.text}
    clause.title, clause.text = title.strip(), text.strip()
    audit.record(session, actor, "contract.clause_update", "contract", contract.id,
                 before=before, after={"title": clause.title, "text": clause.text})
    services.record_event(session, actor, contract, kind="clause", summary=clause.title,
                          details={"action": "changed"})
    return clause


def remove_contract_clause(session: Session, actor, contract: Contract, clause: ContractClause) -> None:
    audit.record(session, actor, "contract.clause_remove", "contract", contract.id,
                 before={"title": clause.title, "text": clause.text})
    services.record_event(session, actor, contract, kind="clause", summary=clause.title,
                          details={"action": "removed"})
    session.delete(clause)
