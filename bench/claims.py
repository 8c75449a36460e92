"""Claims queue benchmark: the filtered first page of ``GET /claims`` in a
firm holding CLAIMS claims, against the same pages in a firm holding
BASELINE claims, measured in the same run (and ``/healthz`` as the app's
bare request cost).

Both firms are filled alike by ``INSERT ... SELECT`` over
``generate_series``: clients with their search vector, contracts of
several lines (most active), claims declared over five years whose status
follows their age (old ones mostly closed, recent ones open), 10 handlers
and 5 % unassigned, reserves on open claims, an insurer's number on a
third of the claims past declaration. The pages are requested through the
Flask test client, signed in as the firm's admin, for representative
filters; the queue's database work alone (count + first page) is timed
too, and EXPLAIN ANALYZE shows the plans at CLAIMS claims.
"""

from __future__ import annotations

import os
import time
from datetime import date

from bench.common import Stats, host_client, log, signed_in_client

#: BENCH_CLAIMS makes a quick trial run smaller; the recorded figures use the default
CLAIMS = int(os.environ.get("BENCH_CLAIMS", "100000"))
BASELINE = 1_000
HANDLERS = 10
ROUNDS = 15
TITLE = "Claims queue"
SLUGS = {CLAIMS: "bench-claims", BASELINE: "bench-claims-small"}
LAST_NAMES = ("Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
              "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
              "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefevre", "Faure",
              "Andre", "Mercier", "Blanc", "Guerin", "Boyer", "Garnier", "Chevalier", "Francois", "Legrand",
              "Gauthier", "Garcia", "Perrin", "Robin", "Clement", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu",
              "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noel", "Meyer",
              "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Riviere", "Lucas", "Brunet", "Gaillard",
              "Barbier", "Arnaud", "Martinez", "Gerard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
              "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
              "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoit", "Rey", "Leclerc", "Payet", "Rolland",
              "Leclercq", "Guillaume", "Lecomte")
FIRST_NAMES = ("Marie", "Jean", "Pierre", "Michel", "Anne", "Sophie", "Nicolas", "Julie", "Thomas", "Camille", "Lea",
               "Louis", "Emma", "Hugo", "Chloe", "Lucas", "Manon", "Paul", "Ines", "Arthur")
#: (line, share in % of contracts) and the kinds of loss each line's claims take
LINES = (("motor", 45), ("home", 35), ("rc_pro", 8), ("multirisk", 6), ("health", 6))
KINDS = {"motor": ("collision", "theft", "glass", "fire", "natural_event"),
         "home": ("water_damage", "break_in", "fire", "glass", "natural_event"),
         "health": ("illness",)}
OTHER_KINDS = ("liability", "fire", "water_damage", "other")


def _firm(app, slug: str) -> None:
    from app.platform.services import create_firm

    with app.app_context():
        create_firm(slug=slug, name=f"Cabinet {slug}", admin_email="admin@example.fr",
                    admin_password="correct horse battery", admin_name="Anne Admin",
                    tenant_migrations=app.extensions["tenancy"].tenant_migrations)


def _array(values) -> str:
    return "ARRAY[" + ", ".join(f"'{value}'" for value in values) + "]"


def _line_case(share_of: str) -> str:
    """A SQL CASE picking a line from ``share_of`` (0..99) by LINES' shares."""
    parts, upper = [], 0
    for line, share in LINES:
        upper += share
        parts.append(f"WHEN {share_of} < {upper} THEN '{line}'")
    return "CASE " + " ".join(parts) + " END"


CLIENTS_SQL = """
INSERT INTO {s}.client (reference, kind, status, display_name, sort_name, last_name, first_name, email, country,
                        marketing_consent, held_elsewhere, version, search_vector)
SELECT 'CLI-' || lpad(n::text, 6, '0'), 'individual', 'customer', name, lower(name), last, first,
       'client' || n || '@exemple.fr', 'FR', false, '[]'::jsonb, 1,
       to_tsvector('simple', lower(name || ' ' || 'cli ' || lpad(n::text, 6, '0') || ' ' || n))
FROM (SELECT n, ({last})[1 + (n * 7) % {nlast}] AS last, ({first})[1 + (n * 13) % {nfirst}] AS first,
             ({last})[1 + (n * 7) % {nlast}] || ' ' || ({first})[1 + (n * 13) % {nfirst}] AS name
      FROM generate_series(1, {clients}) AS n) AS g
"""

CONTRACTS_SQL = """
INSERT INTO {s}.contract (reference, policy_number, client_id, insurer_id, line, label, risk, guarantees,
                          effective_date, renewal_date, term_months, tacit_renewal, notice_days, premium_net, fees,
                          tax_rate, tax, total, commission_rate, instalment_plan, status, version)
SELECT 'CTR-' || lpad(i::text, 7, '0'), 'POL-' || lpad(i::text, 7, '0'), {first_client} + i % {clients}, {insurer},
       {line}, 'Contrat ' || i, '{{}}'::jsonb, '[]'::jsonb, current_date - 400 + i % 365, current_date - 35 + i % 365,
       12, true, 60, 500, 10, 9, 45.90, 555.90, 12, 'annual',
       CASE WHEN i % 100 < 92 THEN 'active' WHEN i % 100 < 95 THEN 'suspended' ELSE 'cancelled' END, 1
FROM generate_series(0, {contracts} - 1) AS i
"""

#: status by age: older claims are mostly closed, recent ones open (r: 0..99)
STATUS_CASE = """CASE
  WHEN age > 365 THEN CASE WHEN r < 88 THEN 'closed' WHEN r < 96 THEN 'settled' WHEN r < 98 THEN 'with_insurer'
                           ELSE 'in_progress' END
  WHEN age > 90 THEN CASE WHEN r < 45 THEN 'closed' WHEN r < 70 THEN 'settled' WHEN r < 85 THEN 'with_insurer'
                          ELSE 'in_progress' END
  ELSE CASE WHEN r < 25 THEN 'declared' WHEN r < 60 THEN 'in_progress' WHEN r < 85 THEN 'with_insurer'
            WHEN r < 95 THEN 'settled' ELSE 'closed' END END"""

CLAIMS_SQL = """
INSERT INTO {s}.claim (id, reference, contract_id, client_id, line, kind, occurred_at, known_on, declared_on, deadline,
                       declared_late, place, circumstances, details, channel, handler_id, status, insurer_reference,
                       reserve, paid_total, reopened_count, version)
SELECT g.id, 'SIN-' || lpad(g.id::text, 6, '0'), c.id, c.client_id, c.line,
       CASE c.line WHEN 'motor' THEN ({motor})[1 + g.i % {nmotor}] WHEN 'home' THEN ({home})[1 + g.i % {nhome}]
                   WHEN 'health' THEN 'illness' ELSE ({other})[1 + g.i % {nother}] END,
       (g.declared - 2)::timestamptz + interval '14 hours', g.declared - 1, g.declared, g.declared + 5,
       g.i % 23 = 0, 'Lyon', 'Sinistre de démonstration', '{{}}'::jsonb, ({channels})[1 + g.i % 4],
       CASE WHEN g.i % 20 = 0 THEN NULL ELSE ({handlers})[1 + g.i % {nhandlers}] END, g.status,
       CASE WHEN g.status <> 'declared' AND g.i % 3 = 0 THEN 'AX' || lpad(g.i::text, 8, '0') END,
       CASE WHEN g.status IN ('closed', 'settled') THEN 0 ELSE 150 + (g.i * 37) % 15000 + (g.i % 100) / 100.0 END,
       0, 0, 1
FROM (SELECT nextval(pg_get_serial_sequence('{s}.claim', 'id')) AS id, i, declared, {status} AS status
      FROM (SELECT i, (i * 7919) % 1826 AS age, (current_date - (i * 7919) % 1826) AS declared, (i * 37) % 100 AS r
            FROM generate_series(0, {claims} - 1) AS i) AS raw) AS g
JOIN {s}.contract AS c ON c.id = {first_contract} + (g.i * 31) % {contracts}
"""


def _vacuum(session, schema: str) -> None:
    """VACUUM ANALYZE after the bulk fill, as autovacuum soon would: statistics for the planner, and the
    visibility map that lets counts read the indexes alone."""
    with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("client", "contract", "claim", '"user"'):
            conn.exec_driver_sql(f"VACUUM ANALYZE {schema}.{table}")


def fill(session, claims: int) -> dict:
    """Handlers, an insurer, clients, contracts and ``claims`` claims in the bound firm; returns what the
    filters need (a handler's id, a client's name, a claim number)."""
    from sqlalchemy import func, select, text

    from app.auth.models import User
    from app.catalog.models import Insurer
    from app.claims.models import Claim
    from app.contracts.models import Contract
    from app.crm.models import Client
    from tenants import bound_schema

    schema = f'"{bound_schema(session)}"'
    handlers = [User(email=f"gestionnaire{n}@exemple.fr", full_name=f"Gestionnaire {n:02d}", role="handler")
                for n in range(1, HANDLERS + 1)]
    insurer = Insurer(name="Garonne IARD", placement_channel="email", placement_email="sinistres@garonne.example")
    session.add_all([*handlers, insurer])
    session.flush()
    clients, contracts = max(claims // 5, 100), max(claims // 4, 100)
    session.execute(text(CLIENTS_SQL.format(s=schema, last=_array(LAST_NAMES), nlast=len(LAST_NAMES),
                                            first=_array(FIRST_NAMES), nfirst=len(FIRST_NAMES), clients=clients)))
    first_client = session.scalar(select(func.min(Client.id)))
    session.execute(text(CONTRACTS_SQL.format(s=schema, first_client=first_client, clients=clients,
                                              insurer=insurer.id, line=_line_case("(i * 17) % 100"),
                                              contracts=contracts)))
    first_contract = session.scalar(select(func.min(Contract.id)))
    session.execute(text(CLAIMS_SQL.format(
        s=schema, motor=_array(KINDS["motor"]), nmotor=len(KINDS["motor"]), home=_array(KINDS["home"]),
        nhome=len(KINDS["home"]), other=_array(OTHER_KINDS), nother=len(OTHER_KINDS),
        channels=_array(("portal", "phone", "letter", "email")),
        handlers="ARRAY[" + ", ".join(str(user.id) for user in handlers) + "]::bigint[]", nhandlers=HANDLERS,
        status=STATUS_CASE, claims=claims, first_contract=first_contract, contracts=contracts)))
    session.commit()
    _vacuum(session, schema)
    sample = session.scalar(select(Claim).where(Claim.status == "in_progress").order_by(Claim.id).limit(1))
    counts = dict(session.execute(select(Claim.status, func.count()).group_by(Claim.status)).all())
    return {"handler": handlers[2].id, "name": LAST_NAMES[10].lower(), "reference": sample.reference,
            "statuses": counts}


def filters(known: dict) -> dict[str, dict]:
    """Representative queue requests: label -> query string."""
    return {
        "open claims, newest first (the default)": {},
        "one handler's open claims": {"handler": str(known["handler"])},
        "unassigned open claims": {"handler": "none"},
        "home claims, oldest first": {"line": "home", "sort": "age"},
        "declared more than 90 days ago": {"age": "91+"},
        "reserve 5,000 to 10,000, largest first": {"reserve_min": "5000", "reserve_max": "10000", "sort": "reserve"},
        "every status, largest reserve first": {"status": ["declared", "in_progress", "with_insurer", "settled",
                                                           "closed"], "sort": "reserve"},
        "a client's name (every status)": {"q": known["name"], "status": ["declared", "in_progress",
                                                                          "with_insurer", "settled", "closed"]},
        "a claim number": {"q": known["reference"]},
    }


def _time_pages(client, requests: dict[str, dict], rounds: int = ROUNDS) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {label: [] for label in requests}
    for _ in range(rounds):
        for label, query in requests.items():
            start = time.perf_counter()
            response = client.get("/claims", query_string=query)
            timings[label].append(time.perf_counter() - start)
            if response.status_code != 200 or 'id="claim-results"' not in response.text:
                raise RuntimeError(f"GET /claims {query}: {response.status_code} {response.text[:300]}")
    return timings


def _database(app, slug: str, requests: dict[str, dict], me_id: int) -> dict[str, dict[str, list[float]]]:
    """The queue's database work alone per filter: the first page's rows and the count."""
    from werkzeug.datastructures import MultiDict

    from app.claims import queue
    from app.extensions import db
    from tenants.jobs import tenant_context

    today = date.today()
    result = {label: {"rows": [], "count": []} for label in requests}
    with app.app_context(), tenant_context(db.session, db.engine, slug):
        for _ in range(ROUNDS + 1):
            for label, query in requests.items():
                parsed = queue.parse_filters(MultiDict(query))
                start = time.perf_counter()
                db.session.execute(queue.page_query(parsed, 1, today=today, me_id=me_id)).all()
                middle = time.perf_counter()
                queue.count(db.session, parsed, today=today, me_id=me_id)
                end = time.perf_counter()
                result[label]["rows"].append(middle - start)
                result[label]["count"].append(end - middle)
                db.session.rollback()
    return {label: {part: series[1:] for part, series in parts.items()} for label, parts in result.items()}


def _matches(app, slug: str, requests: dict[str, dict], me_id: int) -> dict[str, int]:
    from werkzeug.datastructures import MultiDict

    from app.claims import queue
    from app.extensions import db
    from tenants.jobs import tenant_context

    with app.app_context(), tenant_context(db.session, db.engine, slug):
        return {label: queue.count(db.session, queue.parse_filters(MultiDict(query)), today=date.today(), me_id=me_id)
                for label, query in requests.items()}


def _explain(app, slug: str, query: dict, me_id: int, *, counting: bool) -> list[str]:
    """EXPLAIN ANALYZE (no costs, no timing) of the first page's query or of the count."""
    from sqlalchemy import func, select
    from sqlalchemy.dialects.postgresql import psycopg
    from werkzeug.datastructures import MultiDict

    from app.claims import queue
    from app.claims.models import Claim
    from app.extensions import db

    parsed = queue.parse_filters(MultiDict(query))
    today = date.today()
    statement = (select(func.count()).select_from(Claim).where(*queue.conditions(parsed, today=today, me_id=me_id))
                 if counting else queue.page_query(parsed, 1, today=today, me_id=me_id))
    compiled = statement.compile(dialect=psycopg.dialect(), compile_kwargs={"render_postcompile": True})
    sql = str(compiled).replace("tenant.", f'"tenant_{slug.replace("-", "_")}".')
    with app.app_context(), db.engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, compiled.params)]


def measure(app) -> dict:
    """Both firms filled, their queues timed, the big one's plans; the firms are deleted at the end."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db
    from tenants.jobs import tenant_context
    from tenants.provisioning import delete_tenant

    results, created = {}, []
    try:
        for count, slug in sorted(SLUGS.items()):
            _firm(app, slug)
            created.append(slug)
            start = time.perf_counter()
            with app.app_context(), tenant_context(db.session, db.engine, slug):
                known = fill(db.session, count)
                me_id = db.session.scalar(select(User.id).where(User.email == "admin@example.fr"))
            seconds = time.perf_counter() - start
            log(f"  {slug}: {count} claims in {seconds:.1f} s ({known['statuses']})")
            requests = filters(known)
            client = signed_in_client(app, slug)
            plain = host_client(app, f"{slug}.localhost")
            _time_pages(client, requests, rounds=1)  # warm-up
            pages = _time_pages(client, requests)
            health = [_timed_get(plain, "/healthz") for _ in range(ROUNDS * len(requests))]
            results[count] = {"fill": seconds, "known": known, "pages": pages, "healthz": Stats.of(health),
                              "all": Stats.of([t for series in pages.values() for t in series]),
                              "database": _database(app, slug, requests, me_id),
                              "matches": _matches(app, slug, requests, me_id), "me": me_id}
        big = results[CLAIMS]
        requests = filters(big["known"])
        big["plans"] = {
            "default first page": _explain(app, SLUGS[CLAIMS], {}, big["me"], counting=False),
            "default count": _explain(app, SLUGS[CLAIMS], {}, big["me"], counting=True),
            "one handler's first page": _explain(app, SLUGS[CLAIMS], requests["one handler's open claims"],
                                                 big["me"], counting=False),
            "client name first page": _explain(app, SLUGS[CLAIMS], requests["a client's name (every status)"],
                                               big["me"], counting=False),
        }
    finally:
        with app.app_context():
            for slug in created:
                delete_tenant(db.engine, slug, app.config["FILES_ROOT"])
    return {"results": results, "load": os.getloadavg()}


def _timed_get(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code}")
    return elapsed


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def render(result: dict, number: int, context: dict) -> list[str]:
    big, small = result["results"][CLAIMS], result["results"][BASELINE]
    statuses = ", ".join(f"{status} {count}" for status, count in sorted(big["known"]["statuses"].items()))
    lines = [
        f"## {number}. {TITLE} at {CLAIMS:,} claims".replace(",", " "),
        "",
        (f"Run on its own (`python -m bench.run claims`) on {context['when']:%Y-%m-%d %H:%M} UTC:"
         f" {context['cores']} cores, PostgreSQL {context['pg']}"
         f" ({'embedded pgserver' if context['embedded'] else 'BENCH_DATABASE_URL'}), Python {context['python']}."
         if context.get("alone") else "Measured in the run above.")
        + f" Load average (1, 5, 15 min) at the end: {'/'.join(f'{v:.2f}' for v in result['load'])}.",
        "",
        f"Two firms filled alike by `INSERT ... SELECT` over `generate_series`: {CLAIMS} claims"
        f" ({big['fill']:.1f} s with their {CLAIMS // 5} clients and {CLAIMS // 4} contracts, not counted) and, as the",
        f"baseline, {BASELINE} claims. Claims are declared over five years, their status follows their age"
        f" ({statuses}),",
        f"spread over {HANDLERS} handlers with 5 % unassigned, five lines, reserves on open claims. `GET /claims`",
        "(the full page: filters, the first 50 rows with client, contract, handler and badges, the count, pages),",
        f"Flask test client signed in as the admin; one warm-up round, then {ROUNDS} rounds of the filters below.",
        "`/healthz` (no tenant, no database) is timed in the same run as the app's bare request cost.",
        "",
        "| filter | matches at " + str(CLAIMS) + " | median ms | p95 ms | matches at " + str(BASELINE)
        + " | median ms | p95 ms | ratio (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label in big["pages"]:
        b, s = Stats.of(big["pages"][label]), Stats.of(small["pages"][label])
        lines.append(f"| {label} | {big['matches'][label]} | {_ms(b.median)} | {_ms(b.p95)} | {small['matches'][label]}"
                     f" | {_ms(s.median)} | {_ms(s.p95)} | {b.median / s.median:.2f} |")
    ba, sa = big["all"], small["all"]
    lines += [
        f"| **every filter** | | **{_ms(ba.median)}** | **{_ms(ba.p95)}** | | {_ms(sa.median)} | {_ms(sa.p95)} |"
        f" **{ba.median / sa.median:.2f}** |",
        f"| reference: `/healthz` | | {_ms(big['healthz'].median)} | {_ms(big['healthz'].p95)} | |"
        f" {_ms(small['healthz'].median)} | {_ms(small['healthz'].p95)} | |",
        "",
        f"- **Ratio {CLAIMS}/{BASELINE} claims over every filter: median {ba.median / sa.median:.2f},"
        f" p95 {ba.p95 / sa.p95:.2f}** for 100 times the rows; the page is"
        f" {ba.median / big['healthz'].median:.0f}x `/healthz` at {CLAIMS} ({sa.median / small['healthz'].median:.0f}x"
        f" at {BASELINE}).",
        "",
        "The queue's database work alone (the first page's rows, then the count), median ms:",
        "",
        f"| filter | rows at {CLAIMS} | count at {CLAIMS} | rows at {BASELINE} | count at {BASELINE} |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, parts in big["database"].items():
        other = small["database"][label]
        lines.append(f"| {label} | {_ms(Stats.of(parts['rows']).median)} | {_ms(Stats.of(parts['count']).median)} |"
                     f" {_ms(Stats.of(other['rows']).median)} | {_ms(Stats.of(other['count']).median)} |")
    counts = [Stats.of(parts["count"]).median for parts in big["database"].values()]
    lines += [
        "",
        f"- The count is an exact `count(*)` on the claim table alone: its median is {_ms(min(counts))} to"
        f" {_ms(max(counts))} ms at {CLAIMS} claims across the filters, so neither a capped count nor an estimate",
        "  is needed. A page's claims are chosen on the claim table (an index gives them in the asked order), then",
        "  only those 50 are joined to their client, contract and handler (plans below).",
        "- Indexes the queue reads, on `claim`: `ix_claim_declared (declared_on, id)`, `ix_claim_reserve (reserve, id)`,",
        "  `ix_claim_handler_declared (handler_id, declared_on, id)`, `ix_claim_line_declared (line, declared_on, id)`,",
        "  `ix_claim_insurer_reference (insurer_reference varchar_pattern_ops)`, and the existing",
        "  `ix_claim_status_created`, `ix_claim_client`, `uq_claim_reference`; the tables are `VACUUM ANALYZE`d after",
        "  the bulk fill, as autovacuum soon would (statistics, and the visibility map for index-only counts).",
        "",
    ]
    for title, plan in big["plans"].items():
        lines += [f"Plan at {CLAIMS} claims, {title} (`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)`):", "", "```"]
        lines += plan + ["```", ""]
    return lines
