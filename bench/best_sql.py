"""The floor: the best SQL written by hand for each report's figures, run on the bare driver
(sqlite3 or psycopg: its own cursor, rows fetched whole; no SQLAlchemy result, no ORM, no
HTTP, no JSON). Kept in step with the schema in migrations/, and held to the service's
figures by tests/test_bench_data.py (which runs the same statements through SQLAlchemy).

Each function returns the rows a report is made of; the benchmark times them beside the
service over HTTP. They run unchanged on SQLite and PostgreSQL.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

ESTABLISHED = "s.status IN ('under_construction', 'operating', 'suspended')"
# Each zone as it stands on :d: the one state of it in effect then (none before it exists).
ZONES_ON = (
    "zones z JOIN zone_states s ON s.zone_id = z.id"
    " AND (s.valid_from IS NULL OR s.valid_from <= :d) AND (s.valid_to IS NULL OR s.valid_to > :d)"
)
IN_SCOPE = ESTABLISHED
IN_EFFECT = (
    "p.lease_start <= :d AND (p.lease_end IS NULL OR p.lease_end > :d)"
    " AND (p.terminated_on IS NULL OR p.terminated_on > :d)"
)


def whole(total: str) -> str:
    """A sum of areas (whole square metres, BIGINT) read as an integer: PostgreSQL sums BIGINT
    as NUMERIC, which its driver reads as a Decimal per value (the occupancy statement took
    1.1-1.5 ms more over 2,000 zones). SQLite's sum is an integer already."""
    return f"CAST({total} AS BIGINT)"


OCCUPANCY = text(
    f"""
    SELECT z.id, z.code, s.name, z.kind, s.province, s.status, s.total_area_ha,
           s.industrial_land_ha, s.service_land_ha,
           coalesce(h.industrial, 0), coalesce(h.service, 0), coalesce(h.leases, 0)
    FROM {ZONES_ON} LEFT JOIN (
        SELECT p.zone_id,
               {whole("sum(CASE WHEN p.land_use = 'industrial' THEN p.leased_ha ELSE 0 END)")}
                   AS industrial,
               {whole("sum(CASE WHEN p.land_use = 'service' THEN p.leased_ha ELSE 0 END)")}
                   AS service,
               count(*) AS leases
        FROM projects p WHERE {IN_EFFECT} GROUP BY p.zone_id) h ON h.zone_id = z.id
    WHERE {IN_SCOPE}
    ORDER BY z.kind DESC, z.code
    """
)

# Two statements: the zones, and the latest record of each. Joined in one statement, the
# latest records cost SQLite more and PostgreSQL seven times as much (a plan that evaluates
# the grouped window per zone). The latest records: one window pass gives each record the
# area of the one before; grouped by zone, the latest date and the latest date that raised
# the area; the latest record is read by its key (zone, date).
CLEARANCE = [
    text(
        f"SELECT z.id, z.code, s.name, z.kind, s.clearance_required_ha FROM {ZONES_ON}"
        f" WHERE {IN_SCOPE} ORDER BY z.kind DESC, z.code"
    ),
    text(
        f"""
        SELECT c.zone_id, c.recorded_on, c.cleared_ha, c.households_total,
               c.households_relocated, c.compensation_paid_vnd, g.progressed_on
        FROM (
            SELECT o.zone_id, max(o.recorded_on) AS latest_on,
                   max(CASE WHEN o.cleared_ha > coalesce(o.before, 0) THEN o.recorded_on END)
                       AS progressed_on
            FROM (
                SELECT c.zone_id, c.recorded_on, c.cleared_ha,
                       lag(c.cleared_ha) OVER (PARTITION BY c.zone_id ORDER BY c.recorded_on)
                           AS before
                FROM clearance_records c
                WHERE c.recorded_on <= :d
                  AND c.zone_id IN (SELECT z.id FROM {ZONES_ON} WHERE {IN_SCOPE})) o
            GROUP BY o.zone_id) g
        JOIN clearance_records c ON c.zone_id = g.zone_id AND c.recorded_on = g.latest_on
        """
    ),
]

# Registered capital in USD and in VND, as the investment figures read it.
CAPITAL = (
    "sum(CASE WHEN p.capital_currency = 'USD' THEN p.registered_capital ELSE 0 END),"
    " sum(CASE WHEN p.capital_currency = 'VND' THEN p.registered_capital ELSE 0 END)"
)

# The investment report: one grouping by country, status and sector (a few hundred rows),
# which adds up to the totals and both breakdowns; three groupings, one statement each, take
# twice as long.
INVESTMENT = text(
    f"""
    SELECT p.investor_country, p.status, p.sector, count(*), coalesce(sum(p.employees), 0),
           {CAPITAL},
           sum(p.leased_ha)
    FROM {ZONES_ON} JOIN projects p ON p.zone_id = z.id
    WHERE {IN_EFFECT} AND {IN_SCOPE}
    GROUP BY p.investor_country, p.status, p.sector
    """
)

# The summary's investment totals need no breakdown: FDI or not, and status.
INVESTMENT_TOTALS = text(
    f"""
    SELECT p.investor_country <> 'VN' AS fdi, p.status, count(*), coalesce(sum(p.employees), 0),
           {CAPITAL}
    FROM {ZONES_ON} JOIN projects p ON p.zone_id = z.id
    WHERE {IN_EFFECT} AND {IN_SCOPE}
    GROUP BY 1, 2
    """
)

ZONE_COUNTS = text(f"SELECT z.kind, s.status, count(*) FROM {ZONES_ON} GROUP BY z.kind, s.status")


def history(points: Sequence[date]) -> tuple[Any, dict[str, Any]]:
    """One sweep over lease events, bucketed by report point, per zone and bucket."""
    names = {f"p{n}": point for n, point in enumerate(points)}

    def bucket(column: str) -> str:
        whens = " ".join(f"WHEN {column} <= :p{n} THEN {n}" for n in range(len(points)))
        return f"CASE {whens} END"

    end = (
        "CASE WHEN p.terminated_on IS NOT NULL AND (p.lease_end IS NULL OR"
        " p.terminated_on < p.lease_end) THEN p.terminated_on ELSE p.lease_end END"
    )
    last = f":p{len(points) - 1}"
    industrial = "CASE WHEN p.land_use = 'industrial' THEN p.leased_ha ELSE 0 END"
    service = "CASE WHEN p.land_use = 'service' THEN p.leased_ha ELSE 0 END"
    # Zones with a state over the points; which of them count at each point is decided on
    # their states (read beside this statement), as the service does.
    spans = f"(s.valid_from IS NULL OR s.valid_from <= {last}) AND (s.valid_to IS NULL OR s.valid_to > :p0)"
    zone = f"p.zone_id IN (SELECT s.zone_id FROM zone_states s WHERE {spans})"
    statement = text(
        f"""
        SELECT zone_id, bucket, {whole("sum(i)")}, {whole("sum(s)")}, sum(n) FROM (
            SELECT p.zone_id, {bucket("p.lease_start")} AS bucket, {industrial} AS i,
                   {service} AS s, 1 AS n
            FROM projects p WHERE {zone} AND p.lease_start <= {last}
            UNION ALL
            SELECT p.zone_id, {bucket(end)}, -({industrial}), -({service}), -1
            FROM projects p WHERE {zone} AND p.lease_start <= {last} AND {end} <= {last}
        ) events GROUP BY zone_id, bucket
        """
    )
    return statement, names


def driver_of(connection: Connection) -> Any:
    """The driver's own connection under SQLAlchemy's (sqlite3's or psycopg's)."""
    driver = connection.connection.driver_connection
    assert driver is not None
    return driver


def driver_runner(connection: Connection) -> Callable[[Any, dict[str, Any]], list[Any]]:
    """A call that runs a statement on the connection's own driver connection: compiled once
    for its dialect (named or positional parameters), executed on a driver cursor and its
    rows fetched whole. Dates go to SQLite as their ISO text, as SQLAlchemy stores them."""
    driver = driver_of(connection)
    dialect = connection.dialect
    sqlite = dialect.name == "sqlite"
    compiled: dict[int, Any] = {}

    def run(statement: Any, params: dict[str, Any]) -> list[Any]:
        form = compiled.get(id(statement))
        if form is None:
            form = compiled[id(statement)] = statement.compile(dialect=dialect)
        values = form.construct_params(params)
        if sqlite:
            values = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
        bound = [values[name] for name in form.positiontup] if form.positional else values
        cursor = driver.cursor()
        try:
            cursor.execute(form.string, bound)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    return run


def floors(
    connection: Connection, day: date, points: Sequence[date]
) -> dict[str, Callable[[], object]]:
    """Each report's floor, as a call that fetches every row in a transaction of its own."""
    history_sql, history_params = history(points)
    last = f":p{len(points) - 1}"
    zones_sql = text(
        "SELECT z.id, z.kind, s.valid_from, s.valid_to, s.status, s.province, s.total_area_ha,"
        " s.industrial_land_ha, s.service_land_ha FROM zones z JOIN zone_states s"
        f" ON s.zone_id = z.id WHERE (s.valid_from IS NULL OR s.valid_from <= {last})"
        " AND (s.valid_to IS NULL OR s.valid_to > :p0) ORDER BY z.id, s.valid_from"
    )

    driver = driver_of(connection)
    run = driver_runner(connection)

    def own_transaction(call: Callable[[], object]) -> Callable[[], object]:
        """The call reads in a transaction of its own, as each request does (one held open
        across calls would spare SQLite re-reading its state: 0.4 ms of a 12 ms floor)."""

        def read() -> object:
            try:
                return call()
            finally:
                driver.rollback()

        return read

    calls: dict[str, Callable[[], object]] = {
        "occupancy": lambda: run(OCCUPANCY, {"d": day}),
        "occupancy/history": lambda: (
            run(zones_sql, history_params),
            run(history_sql, history_params),
        ),
        "clearance": lambda: [run(statement, {"d": day}) for statement in CLEARANCE],
        "investment": lambda: run(INVESTMENT, {"d": day}),
        "summary": lambda: (
            run(OCCUPANCY, {"d": day}),
            [run(statement, {"d": day}) for statement in CLEARANCE],
            run(INVESTMENT_TOTALS, {"d": day}),
            run(ZONE_COUNTS, {"d": day}),
        ),
    }
    return {name: own_transaction(call) for name, call in calls.items()}
