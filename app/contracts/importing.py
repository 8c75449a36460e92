"""Importing the existing portfolio of contracts from a CSV or XLSX file:
stage the upload (``app.spreadsheets``), check every row against the clients
and insurers of the firm, then insert all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import spreadsheets
from app.audit import services as audit
from app.catalog.models import Insurer
from app.contracts import import_rules, services
from app.contracts.models import Contract
from app.crm.models import Client
from app.documents import storage
from app.spreadsheets import MAX_BYTES, ImportProblem  # noqa: F401  (part of this module's API)

MAX_ROWS = 5_000
STAGED = spreadsheets.StagedFiles("assurdesk.contract-import")


@dataclass
class RowError:
    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class ImportCheck:
    filename: str
    rows: list[tuple[int, dict]]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    return spreadsheets.read_rows(content, import_rules.column_name, MAX_ROWS)


def _clients(session: Session, rows: list[tuple[int, dict]]) -> dict[str, int]:
    references = {values["client_reference"] for _number, values in rows if values["client_reference"]}
    return dict(session.execute(select(Client.reference, Client.id).where(Client.reference.in_(references))).all())


def _insurers(session: Session) -> dict[str, int]:
    return {name.strip().lower(): insurer_id for name, insurer_id in session.execute(select(Insurer.name, Insurer.id))}


def _existing_numbers(session: Session, pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    numbers = {number for _insurer, number in pairs}
    found = session.execute(select(Contract.insurer_id, Contract.policy_number)
                            .where(Contract.policy_number.in_(numbers))).all()
    return {tuple(row) for row in found} & pairs


def _resolve(session: Session, rows: list[tuple[int, dict]], errors: list[RowError]) -> None:
    """Turn client references and insurer names into ids; flag unknown ones
    and policy numbers already held (in the file or in the firm)."""
    clients, insurers = _clients(session, rows), _insurers(session)
    seen: dict[tuple[int, str], int] = {}
    for number, values in rows:
        values["client_id"] = clients.get(values["client_reference"])
        values["insurer_id"] = insurers.get(values["insurer"].lower())
        if values["client_reference"] and values["client_id"] is None:
            errors.append(RowError(number, "client_reference", "client_unknown"))
        if values["insurer"] and values["insurer_id"] is None:
            errors.append(RowError(number, "insurer", "insurer_unknown"))
        key = (values["insurer_id"], values["policy_number"])
        if values["insurer_id"] and values["policy_number"]:
            if key in seen:
                errors.append(RowError(number, "policy_number", "duplicate_in_file", {"row": seen[key]}))
            seen.setdefault(key, number)
    taken = _existing_numbers(session, set(seen)) if seen else set()
    for number, values in rows:
        if (values["insurer_id"], values["policy_number"]) in taken:
            errors.append(RowError(number, "policy_number", "number_taken"))


def check(session: Session, filename: str, content: bytes, today: date | None = None) -> ImportCheck:
    today = today or date.today()
    headers, raw_rows = read_rows(content)
    errors = [RowError(spreadsheets.HEADER_ROW, name, code) for name, code in import_rules.header_problems(headers)]
    rows = []
    for number, raw in raw_rows:
        values, problems = import_rules.parse_row(raw, today)
        rows.append((number, values))
        errors += [RowError(number, name, code) for name, code in problems.items()]
    _resolve(session, rows, errors)
    errors.sort(key=lambda error: (error.row, error.column))
    return ImportCheck(filename, rows, errors)


def stage(session: Session, secret: str, filename: str, content: bytes) -> str:
    read_rows(content)
    return STAGED.stage(session, secret, filename, content)


def staged(session: Session, secret: str, token: str) -> tuple[str, str, bytes]:
    return STAGED.staged(session, secret, token)


def _terms(values: dict) -> services.Terms:
    return services.Terms(
        client_id=values["client_id"], insurer_id=values["insurer_id"], line=values["line"],
        label=values["label"][:200], effective_date=values["effective_date"], premium_net=values["premium_net"],
        policy_number=values["policy_number"][:60], insured_name=values["insured_name"][:250] or None,
        renewal_date=values["renewal_date"], term_months=values["term_months"],
        tacit_renewal=values["tacit_renewal"], notice_days=values["notice_days"], fees=Decimal(values["fees"]),
        instalment_plan=values["instalment_plan"])


def run(session: Session, actor, secret: str, token: str) -> ImportCheck:
    """Check the staged file again and insert every contract in one
    transaction; insert nothing when a row is wrong."""
    key, filename, content = staged(session, secret, token)
    result = check(session, filename, content)
    if not result.ok:
        return result
    numbers = services.next_numbers(session, len(result.rows))
    contracts = [services.build(session, _terms(values), number=number, status=values["status"])
                 for number, (_row, values) in zip(numbers, result.rows)]
    session.add_all(contracts)
    session.flush()
    for contract in contracts:
        services.open_version(session, contract, number=1, valid_from=contract.effective_date)
        services.record_event(session, actor, contract, kind="imported", summary=filename,
                              effective_on=contract.effective_date, to_status=contract.status)
    audit.record(session, actor, "contract.import", "contract", None,
                 after={"filename": filename, "count": len(contracts), "first": contracts[0].reference,
                        "last": contracts[-1].reference})
    session.commit()
    storage.remove(session, key)
    return result


def template_csv() -> bytes:
    return spreadsheets.as_csv([list(import_rules.COLUMNS)])

