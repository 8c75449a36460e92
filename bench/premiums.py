"""Premium benchmarks: generating a month's premium calls across a large
portfolio, and reconciling a large insurer commission statement.

(a) ``billing.services.generate_month`` over CONTRACTS active contracts of
one firm, each with exactly one instalment due in the month (annual,
half-yearly, quarterly and monthly plans mixed), with the commission lines
that ``events.calls_issued`` writes in the same transaction. Floor, in the
same run and the same firm: one ``INSERT ... SELECT`` computing the same
calls in SQL from the contract table (``generate_series`` over each plan's
instalments, the first instalment carrying the rounding remainder as the
rules do) into a copy of ``premium_call`` (same columns, defaults, indexes,
unique keys and foreign keys), then one ``INSERT ... SELECT`` of their
commission lines into a copy of ``commission_line``.

(b) ``commissions.statements.reconcile_statement`` on a statement of
STATEMENT_LINES lines for one insurer and month (matched lines, under-paid
ones, ours missing from it, lines unknown to us), against two baselines of
the same run: the pure matching
(:func:`app.commissions.reconciliation_rules.reconcile` on the same lines
already in memory), and the same matching done by PostgreSQL (the statement
copied into a temporary table, one ``INSERT ... SELECT`` with a full outer
join writing the outcomes into a copy of ``statement_line``).

Everything happens in a scratch firm, deleted at the end.
"""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal

from bench.common import log

#: BENCH_PREMIUM_CONTRACTS makes a quick trial run smaller; the recorded figures use the default
CONTRACTS = int(os.environ.get("BENCH_PREMIUM_CONTRACTS", "100000"))
#: one insurer in two: the statement has as many lines as that insurer has commission lines in the month
STATEMENT_LINES = CONTRACTS // 2
#: of the statement: our lines it lacks, lines under-paid by a euro, lines unknown to us (as many as missing)
MISSING, UNDERPAID, UNKNOWN = STATEMENT_LINES // 50, STATEMENT_LINES // 100, STATEMENT_LINES // 50
CLIENTS = 10_000
SLUG = "bench-premiums"
TITLE = "Premium calls of a month and statement reconciliation"
PLANS = ("annual", "half_yearly", "quarterly", "monthly")
LINES = (("motor", "18.00"), ("home", "30.00"), ("rc_pro", "9.00"), ("health", "13.27"))


def _firm(app) -> None:
    from app.platform.services import create_firm

    with app.app_context():
        create_firm(slug=SLUG, name="Cabinet Primes", admin_email="admin@example.fr",
                    admin_password="correct horse battery", admin_name="Anne Admin",
                    tenant_migrations=app.extensions["tenancy"].tenant_migrations)


def _portfolio(session, month: date) -> list[int]:
    """Two insurers with a 15 % agreement, CLIENTS clients and CONTRACTS
    contracts starting on a day of ``month`` (so each has its first instalment
    due in it), built by INSERT ... SELECT; returns the insurer ids."""
    from sqlalchemy import Date, Integer, Numeric, String, case, cast, func, insert, literal, select
    from sqlalchemy.dialects.postgresql import array

    from app.catalog.models import CommissionAgreement, Insurer
    from app.contracts.models import Contract
    from app.crm.models import Client

    insurers = [Insurer(name=name, placement_channel="email", placement_email=f"p@{name.lower()}.example")
                for name in ("Garonne IARD", "Azur Assurances")]
    session.add_all(insurers)
    session.flush()
    for insurer in insurers:
        session.add(CommissionAgreement(insurer_id=insurer.id, line=None, new_business_rate=Decimal("15.00"),
                                        renewal_rate=Decimal("12.00"), starts_on=date(2020, 1, 1)))
    n = func.generate_series(1, CLIENTS).table_valued("n").render_derived()
    session.execute(insert(Client).from_select(
        ["reference", "kind", "status", "display_name", "sort_name", "last_name"],
        select(func.concat("CLI-", func.lpad(cast(n.c.n, String), 6, "0")), literal("individual"),
               literal("customer"), func.concat("Client ", n.c.n), func.concat("client ", n.c.n),
               func.concat("Client ", n.c.n))))
    first_client = session.scalar(select(func.min(Client.id)))
    i = func.generate_series(0, CONTRACTS - 1).table_valued("i").render_derived()
    line = (i.c.i % 4) + 1
    lines = array([code for code, _ in LINES])
    rates = array([Decimal(rate) for _, rate in LINES], type_=Numeric(5, 2))
    plans = array(list(PLANS))
    net = cast(300 + (i.c.i * 37) % 1700 + (i.c.i % 100) / 100.0, Numeric(12, 2))
    tax = func.round((net + 10) * rates[line] / 100, 2)
    effective = cast(literal(month) + (i.c.i % 28), Date)
    session.execute(insert(Contract).from_select(
        ["reference", "policy_number", "client_id", "insurer_id", "line", "label", "effective_date",
         "renewal_date", "term_months", "premium_net", "fees", "tax_rate", "tax", "total", "instalment_plan",
         "status"],
        select(func.concat("CTR-", func.lpad(cast(i.c.i, String), 7, "0")),
               func.concat("POL-", func.lpad(cast(i.c.i, String), 7, "0")),
               first_client + i.c.i % CLIENTS, case((i.c.i % 2 == 0, insurers[0].id), else_=insurers[1].id),
               lines[line], literal("Bench policy"), effective, cast(effective + func.make_interval(1), Date),
               literal(12, Integer), net, literal(Decimal("10.00")), rates[line], tax, net + 10 + tax,
               plans[cast(func.div(i.c.i, 4) % 4 + 1, Integer)], literal("active"))))
    session.commit()
    return [insurer.id for insurer in insurers]


def _analyze(session) -> None:
    from sqlalchemy import text

    from tenants import bound_schema

    schema = bound_schema(session)
    for table in ("client", "contract", "premium_call", "commission_line"):
        session.execute(text(f'ANALYZE "{schema}".{table}'))
    session.commit()


FLOOR_TABLES = """
CREATE TABLE {s}.premium_call_floor (LIKE {s}.premium_call INCLUDING ALL);
ALTER TABLE {s}.premium_call_floor
  ADD FOREIGN KEY (contract_id) REFERENCES {s}.contract (id),
  ADD FOREIGN KEY (client_id) REFERENCES {s}.client (id),
  ADD FOREIGN KEY (insurer_id) REFERENCES {s}.insurer (id);
CREATE TABLE {s}.commission_line_floor (LIKE {s}.commission_line INCLUDING ALL);
ALTER TABLE {s}.commission_line_floor
  ADD FOREIGN KEY (call_id) REFERENCES {s}.premium_call_floor (id),
  ADD FOREIGN KEY (contract_id) REFERENCES {s}.contract (id),
  ADD FOREIGN KEY (insurer_id) REFERENCES {s}.insurer (id);
"""

#: the month's first instalment of each contract, as app.billing.rules.instalments computes it
FLOOR_CALLS = """
INSERT INTO {s}.premium_call_floor
  (id, reference, contract_id, client_id, insurer_id, line, kind, number, period_start, period_end, due_date,
   net, fees, tax_rate, tax, total, paid, refunded, status, version)
SELECT id, 'QUI-' || lpad(id::text, 6, '0'), contract_id, client_id, insurer_id, line, 'instalment', k + 1,
       period_start, period_end, period_start, net, fees, tax_rate, tax, net + fees + tax, 0, 0, 'due', 1
FROM (
  SELECT nextval(pg_get_serial_sequence('{s}.premium_call_floor', 'id')) AS id, c.id AS contract_id,
         coalesce(c.payer_id, c.client_id) AS client_id, c.insurer_id, c.line, c.tax_rate, k,
         (c.effective_date + make_interval(months => k * 12 / n))::date AS period_start,
         (c.effective_date + make_interval(months => (k + 1) * 12 / n))::date AS period_end,
         CASE WHEN k = 0 THEN c.premium_net - (n - 1) * round(c.premium_net / n, 2)
              ELSE round(c.premium_net / n, 2) END AS net,
         CASE WHEN k = 0 THEN c.fees - (n - 1) * round(c.fees / n, 2) ELSE round(c.fees / n, 2) END AS fees,
         CASE WHEN k = 0 THEN round((c.premium_net + c.fees) * c.tax_rate / 100, 2)
                              - (n - 1) * round((round(c.premium_net / n, 2) + round(c.fees / n, 2))
                                                * c.tax_rate / 100, 2)
              ELSE round((round(c.premium_net / n, 2) + round(c.fees / n, 2)) * c.tax_rate / 100, 2) END AS tax
  FROM (SELECT *, CASE instalment_plan WHEN 'monthly' THEN 12 WHEN 'quarterly' THEN 4
                       WHEN 'half_yearly' THEN 2 ELSE 1 END AS n
        FROM {s}.contract WHERE status = 'active') c
  CROSS JOIN LATERAL generate_series(0, c.n - 1) AS k
  WHERE (c.effective_date + make_interval(months => k * 12 / c.n))::date >= :first
    AND (c.effective_date + make_interval(months => k * 12 / c.n))::date < :end
) calls
"""

FLOOR_LINES = """
INSERT INTO {s}.commission_line_floor
  (call_id, contract_id, insurer_id, line, due_date, base_net, rate, amount, earned_when, status, earned_on,
   reversed_amount)
SELECT p.id, p.contract_id, p.insurer_id, p.line, p.due_date, p.net, a.new_business_rate,
       round(p.net * a.new_business_rate / 100, 2), 'issue', 'earned', :today, 0
FROM {s}.premium_call_floor p
JOIN {s}.commission_agreement a ON a.insurer_id = p.insurer_id AND a.line IS NULL
"""


def _timed_sql(session, sql: str, **params) -> float:
    from sqlalchemy import text

    start = time.perf_counter()
    session.execute(text(sql), params)
    session.commit()
    return time.perf_counter() - start


def generation(session, month: date) -> dict:
    """Time the floor, then generate_month, then generate_month again (nothing to create)."""
    from sqlalchemy import func, select, text

    from app.billing import services
    from app.billing.models import PremiumCall
    from app.commissions.models import CommissionLine
    from app.contracts.rules import add_months
    from tenants import bound_schema

    s = f'"{bound_schema(session)}"'
    for statement in FLOOR_TABLES.format(s=s).split(";"):
        if statement.strip():
            session.execute(text(statement))
    session.commit()
    floor_calls = _timed_sql(session, FLOOR_CALLS.format(s=s), first=month, end=add_months(month, 1))
    floor_lines = _timed_sql(session, FLOOR_LINES.format(s=s), today=month)
    start = time.perf_counter()
    created = services.generate_month(session, None, month, today=month)
    session.commit()
    ours = time.perf_counter() - start
    start = time.perf_counter()
    again = services.generate_month(session, None, month, today=month)
    session.commit()
    second = time.perf_counter() - start
    floor_count, floor_total = session.execute(text(f"SELECT count(*), sum(total) FROM {s}.premium_call_floor")).one()
    total = session.scalar(select(func.sum(PremiumCall.total)))
    lines = session.scalar(select(func.count()).select_from(CommissionLine))
    if created != CONTRACTS or floor_count != CONTRACTS or total != floor_total or again != 0:
        raise RuntimeError(f"generation: ours {created} calls ({total}), floor {floor_count} ({floor_total}),"
                           f" second run {again}")
    return {"calls": created, "lines": lines, "ours": ours, "second": second, "floor_calls": floor_calls,
            "floor_lines": floor_lines}


def _statement(session, insurer_id: int, month: date) -> list:
    """The insurer's statement for ``month``: our lines but the MISSING first,
    UNDERPAID of them a euro short, and UNKNOWN lines of policies we do not have."""
    from sqlalchemy import select

    from app.commissions.models import CommissionLine
    from app.commissions.statement_formats import StatementRow
    from app.contracts.models import Contract

    ours = session.execute(select(Contract.policy_number, CommissionLine.due_date, CommissionLine.base_net,
                                  CommissionLine.amount)
                           .join(Contract, Contract.id == CommissionLine.contract_id)
                           .where(CommissionLine.insurer_id == insurer_id).order_by(CommissionLine.id)).all()
    kept = ours[MISSING:MISSING + STATEMENT_LINES - UNKNOWN]
    rows = [StatementRow(number, policy, due, base, amount - (1 if number <= UNDERPAID else 0), Decimal("15.00"))
            for number, (policy, due, base, amount) in enumerate(kept, start=1)]
    rows += [StatementRow(len(rows) + k + 1, f"UNK-{k:06d}", month, Decimal("500.00"), Decimal("75.00"))
             for k in range(UNKNOWN)]
    if len(rows) != STATEMENT_LINES:
        raise RuntimeError(f"statement of {len(rows)} lines, {len(ours)} of ours")
    return rows


FLOOR_STATEMENT = """
CREATE TEMPORARY TABLE bench_statement (row_number int, policy_number varchar(60), due_date date,
  premium numeric(12, 2), amount numeric(12, 2), rate numeric(5, 2)) ON COMMIT DROP;
"""

FLOOR_RECONCILE = """
INSERT INTO {s}.statement_line_floor
  (statement_id, row_number, policy_number, due_date, premium, received, expected, difference, status,
   commission_line_id)
SELECT 0, t.row_number, coalesce(t.policy_number, o.policy_number), coalesce(t.due_date, o.due_date),
       coalesce(t.premium, o.base_net), t.amount, o.amount, coalesce(t.amount, 0) - coalesce(o.amount, 0),
       CASE WHEN o.id IS NULL THEN 'unknown_to_us' WHEN t.row_number IS NULL THEN 'missing_from_statement'
            WHEN abs(t.amount - o.amount) <= 0.01 THEN 'matched' ELSE 'amount_differs' END, o.id
FROM bench_statement t
FULL OUTER JOIN (
  SELECT l.id, l.due_date, l.base_net, l.amount - l.reversed_amount AS amount, c.policy_number,
         upper(regexp_replace(c.policy_number, '[\\s./-]', '', 'g')) AS policy_key
  FROM {s}.commission_line l JOIN {s}.contract c ON c.id = l.contract_id
  WHERE l.insurer_id = :insurer AND l.due_date >= :first AND l.due_date < :end
) o ON o.policy_key = upper(regexp_replace(t.policy_number, '[\\s./-]', '', 'g'))
   AND date_trunc('month', o.due_date) = date_trunc('month', t.due_date)
"""


def _floor_reconcile(session, rows: list, insurer_id: int, month: date) -> tuple[float, dict]:
    """The statement copied into a temporary table and matched by one INSERT ... SELECT; returns (seconds, counts)."""
    from sqlalchemy import text

    from app.contracts.rules import add_months
    from tenants import bound_schema

    s = f'"{bound_schema(session)}"'
    session.execute(text(f"CREATE TABLE {s}.statement_line_floor (LIKE {s}.statement_line INCLUDING ALL)"))
    session.commit()
    start = time.perf_counter()
    session.execute(text(FLOOR_STATEMENT))
    cursor = session.connection().connection.cursor()
    with cursor, cursor.copy("COPY bench_statement FROM STDIN") as copy:
        for row in rows:
            copy.write_row((row.row_number, row.policy_number, row.due_date, row.premium, row.amount, row.rate))
    session.execute(text(FLOOR_RECONCILE.format(s=s)),
                    {"insurer": insurer_id, "first": month, "end": add_months(month, 1)})
    session.commit()
    seconds = time.perf_counter() - start
    counts = dict(session.execute(text(f"SELECT status, count(*) FROM {s}.statement_line_floor GROUP BY status")).all())
    return seconds, counts


def _ours(session, insurer_id: int, month: date) -> list:
    """Our commission lines of the insurer due in ``month``, with their policy numbers."""
    from sqlalchemy import select

    from app.commissions.models import CommissionLine
    from app.contracts.models import Contract
    from app.contracts.rules import add_months

    return session.execute(
        select(Contract.policy_number, CommissionLine.due_date, CommissionLine.amount, CommissionLine.reversed_amount)
        .join(Contract, Contract.id == CommissionLine.contract_id)
        .where(CommissionLine.insurer_id == insurer_id, CommissionLine.due_date >= month,
               CommissionLine.due_date < add_months(month, 1))
        .order_by(CommissionLine.due_date, CommissionLine.id)).all()


def reconciliation(session, insurer_id: int, month: date) -> dict:
    """Time reconcile_statement, the pure matching and the SQL floor on the same statement."""
    from sqlalchemy import func, select

    from app.commissions import reconciliation_rules as rules
    from app.commissions.models import StatementLine
    from app.commissions.statements import reconcile_statement

    rows = _statement(session, insurer_id, month)
    floor, floor_counts = _floor_reconcile(session, rows, insurer_id, month)
    expected_rows = _ours(session, insurer_id, month)
    key = str(insurer_id)
    expected = [rules.CommissionLine(key, row.policy_number, rules.match_date(row.due_date, True),
                                     rules.expected_net(row.amount, row.reversed_amount)) for row in expected_rows]
    received = [rules.CommissionLine(key, row.policy_number, rules.match_date(row.due_date, True), row.amount)
                for row in rows]
    start = time.perf_counter()
    pure = rules.reconcile(expected, received)
    matching = time.perf_counter() - start
    start = time.perf_counter()
    reconcile_statement(session, None, insurer_id, month, rows, filename="bench.csv", match_by="month")
    session.commit()
    ours = time.perf_counter() - start
    counts = dict(session.execute(select(StatementLine.status, func.count()).group_by(StatementLine.status)).all())
    pure_counts = {}
    for line in pure.lines:
        pure_counts[line.status.value] = pure_counts.get(line.status.value, 0) + 1
    if counts != pure_counts or counts != floor_counts:
        raise RuntimeError(f"reconciliation: ours {counts}, pure {pure_counts}, floor {floor_counts}")
    return {"ours": ours, "matching": matching, "floor": floor, "counts": counts, "expected": len(expected_rows)}


def measure(app) -> dict:
    """Both benchmarks in a scratch firm, deleted afterwards."""
    from app.extensions import db
    from tenants.jobs import tenant_context
    from tenants.provisioning import delete_tenant

    month = date.today().replace(day=1)
    _firm(app)
    try:
        with app.app_context(), tenant_context(db.session, db.engine, SLUG):
            start = time.perf_counter()
            insurers = _portfolio(db.session, month)
            _analyze(db.session)
            fill = time.perf_counter() - start
            log(f"  {CONTRACTS} contracts in {fill:.1f} s; generating the month's calls")
            generated = generation(db.session, month)
            _analyze(db.session)
            log(f"  {generated['calls']} calls in {generated['ours']:.1f} s; reconciling a statement")
            reconciled = reconciliation(db.session, insurers[0], month)
    finally:
        with app.app_context():
            delete_tenant(db.engine, SLUG, app.config["FILES_ROOT"])
    return {"month": month, "fill": fill, "generation": generated, "reconciliation": reconciled,
            "load": os.getloadavg()}


def render(result: dict, number: int, context: dict) -> list[str]:
    g, r = result["generation"], result["reconciliation"]
    floor = g["floor_calls"] + g["floor_lines"]
    rate, floor_rate = g["calls"] / g["ours"], g["calls"] / floor
    counts = ", ".join(f"{status} {count}" for status, count in sorted(r["counts"].items()))
    return [
        f"## {number}. {TITLE}",
        "",
        (f"Run on its own (`python -m bench.run premiums`) on {context['when']:%Y-%m-%d %H:%M} UTC:"
         f" {context['cores']} cores, PostgreSQL {context['pg']}"
         f" ({'embedded pgserver' if context['embedded'] else 'BENCH_DATABASE_URL'}), Python {context['python']}."
         if context.get("alone") else "Measured in the run above.")
        + f" Load average (1, 5, 15 min) at the end: {'/'.join(f'{v:.2f}' for v in result['load'])}.",
        "",
        f"### (a) the calls of a month: {g['calls']:,} contracts of one firm".replace(",", " "),
        "",
        f"One scratch firm, {CONTRACTS} active contracts (built by `INSERT ... SELECT` in {result['fill']:.1f} s,",
        f"not counted) starting on the days of {result['month']:%B %Y}, plans mixed, so that each has one instalment",
        "due in the month. `generate_month` reads the contracts in one query and the calls already issued in",
        "another, computes the schedules with `app.billing.rules`, `COPY`s the missing calls into a temporary table",
        "and inserts them with one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`, and `events.calls_issued` writes",
        "their commission lines (one",
        "`INSERT ... SELECT`) and audits; one commit. The floor inserts the same calls, computed in SQL from the",
        "contract table with `generate_series`, into a copy of `premium_call` with the same indexes, unique and",
        "foreign keys, then their commission lines into a copy of `commission_line`: two statements, two commits.",
        "Both produce the same number of calls and the same sum of totals (checked).",
        "",
        "| measure | calls | commission lines | seconds | calls per second |",
        "|---|---:|---:|---:|---:|",
        f"| `generate_month` (calls + commission lines, committed) | {g['calls']} | {g['lines']} | {g['ours']:.2f} |"
        f" {rate:.0f} |",
        f"| floor: `INSERT ... SELECT` of the calls | {g['calls']} | | {g['floor_calls']:.2f} |"
        f" {g['calls'] / g['floor_calls']:.0f} |",
        f"| floor: `INSERT ... SELECT` of their commission lines | | {g['calls']} | {g['floor_lines']:.2f} | |",
        f"| `generate_month` again (nothing left to create) | 0 | 0 | {g['second']:.2f} | |",
        "",
        f"- **Ratio `generate_month` / floor (calls + lines): {g['ours'] / floor:.1f}x** ({rate:.0f} against"
        f" {floor_rate:.0f} calls per second).",
        f"- The second run, which finds every call already issued, takes {g['second'] / g['ours'] * 100:.0f}% of"
        " the first (idempotency costs the contract query and the schedules, not writes).",
        "",
        f"### (b) reconciling a statement of {STATEMENT_LINES} lines",
        "",
        f"`reconcile_statement` for one insurer and month: {r['expected']} commission lines of ours due in the month;",
        f"the statement has {STATEMENT_LINES - UNKNOWN} of them ({UNDERPAID} a euro short), lacks {MISSING},"
        f" and has {UNKNOWN} lines",
        "of policies we do not have. It reads our lines in one query, matches with",
        "`app.commissions.reconciliation_rules.reconcile` (dicts, O(n)), writes the outcome lines by `COPY` and the",
        "totals, and commits. Outcomes: " + counts + " (the same in the three runs, checked).",
        "",
        "| measure | seconds | lines per second |",
        "|---|---:|---:|",
        f"| `reconcile_statement` (committed) | {r['ours']:.2f} | {STATEMENT_LINES / r['ours']:.0f} |",
        f"| baseline: the matching alone, `rules.reconcile` on the lines in memory | {r['matching']:.2f} |"
        f" {STATEMENT_LINES / r['matching']:.0f} |",
        f"| baseline: `COPY` of the statement into a temporary table + one `INSERT ... SELECT` with a full outer"
        f" join into a copy of `statement_line` | {r['floor']:.2f} | {STATEMENT_LINES / r['floor']:.0f} |",
        "",
        f"- **Ratio `reconcile_statement` / SQL join: {r['ours'] / r['floor']:.1f}x; / matching alone:"
        f" {r['ours'] / r['matching']:.1f}x.**",
        "",
    ]
