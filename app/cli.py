"""The `occupancy` command line: migrate, serve, healthcheck, demo and keys on the configured
database, import spreadsheets; report, file (and keys with --server) against a running service, through
app/remote.py."""

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from app import remote
from app.client import KeyInfo
from app.kit.settings import get_settings
from app.models.enums import Role

if TYPE_CHECKING:
    from app.models import ApiKey


def _migrate(_args: argparse.Namespace) -> int:
    from app.kit import migrate

    migrate.upgrade(get_settings().database_url)
    print(f"database at migration {migrate.head_revision()}")
    return 0


def _host(text: str) -> str:
    if not text or text != text.strip() or any(c.isspace() or ord(c) < 32 for c in text):
        raise argparse.ArgumentTypeError("must be a host name or address, without spaces")
    return text


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}")
        return int(text)

    return parse


_port = _whole(1, 65535)
_workers = _whole(1, 64)

# `occupancy serve` without a flag takes the value from this environment variable (an empty one
# counts as unset), and without either, the default: a container or a platform that assigns the
# port sets PORT, and the image sets HOST and WORKERS.
SERVE_OPTIONS: dict[str, tuple[str, Callable[[str], Any], Any]] = {
    "host": ("HOST", _host, "127.0.0.1"),
    "port": ("PORT", _port, 8000),
    "workers": ("WORKERS", _workers, 1),
}


def serve_options(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """Host, port and workers: the flag, else the environment variable, else the default.
    A malformed variable raises ValueError naming it (a malformed flag never gets here)."""
    chosen = {}
    for option, (variable, parse, default) in SERVE_OPTIONS.items():
        value = getattr(args, option)
        if value is None and environ.get(variable):
            try:
                value = parse(environ[variable])
            except argparse.ArgumentTypeError as exc:
                raise ValueError(f"{variable}={environ[variable]!r}: {exc}") from None
        chosen[option] = default if value is None else value
    return chosen


def _serve(args: argparse.Namespace) -> int:
    from app.kit.serve import serve

    try:
        options = serve_options(args, os.environ)
    except ValueError as exc:
        print(f"occupancy serve: {exc}", file=sys.stderr)
        return 2
    settings = get_settings()
    serve(**options, log_level=settings.log_level, log_format=settings.log_format)
    return 0


def _healthcheck(args: argparse.Namespace) -> int:
    """Exit 0 when the server on this host answers /readyz with 200 (what a container's
    health check runs), 1 otherwise, saying why on one line."""
    import urllib.error
    import urllib.request

    url = args.url
    if url is None:
        try:
            port = serve_options(argparse.Namespace(host=None, port=None, workers=None), os.environ)
        except ValueError as exc:
            print(f"occupancy healthcheck: {exc}", file=sys.stderr)
            return 2
        url = f"http://127.0.0.1:{port['port']}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:
            print(f"ready: {response.status} from {url}")
            return 0
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace")
        print(f"not ready: {exc.code} from {url}: {detail}")
    except (OSError, ValueError) as exc:
        print(f"not ready: {url}: {exc}")
    return 1


@contextmanager
def _database() -> Iterator[sessionmaker[Session]]:
    """Sessions on the configured database, for the length of one command."""
    from app.kit.db import make_engine, make_sessionmaker

    settings = get_settings()
    engine = make_engine(
        settings.database_url,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()


@contextmanager
def _write_session(actor: str) -> Iterator[Session]:
    """A write transaction on the configured database, its audit events signed by `actor`.

    Write from the start, so on SQLite no other writer comes between a check and the write
    that depends on it (on PostgreSQL the unique constraints catch a concurrent twin).
    """
    from app.kit.audit import set_context
    from app.kit.db import write_session

    with _database() as factory, write_session(factory) as session:
        set_context(session, actor=actor, request_id=None)
        yield session


def _demo(args: argparse.Namespace) -> int:
    from app.demo import DemoRefused, database_is_empty, load_demo
    from app.kit.db import bump_data_version

    try:
        with _write_session("cli:demo") as session:
            if args.if_empty and not database_is_empty(session):
                print("database already holds data; demo not loaded")
                return 0
            summary = load_demo(session)
            bump_data_version(session)
            session.commit()
    except DemoRefused as exc:
        print(f"demo not loaded: {exc}", file=sys.stderr)
        return 1
    print(summary)
    return 0


def _keys_create(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from app.access.keys import create_key
    from app.access.schemas import KeyCreate
    from app.kit.db import bump_data_version
    from app.kit.errors import DomainError

    try:  # the same rules as POST /api/v1/keys
        request = KeyCreate(name=args.name, role=args.role)
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        print(f"key not created: {problems}", file=sys.stderr)
        return 1
    try:
        with _write_session("cli") as session:
            key, secret = create_key(session, name=request.name, role=request.role)
            bump_data_version(session)
            session.commit()
    except DomainError as exc:
        print(f"key not created: {exc.detail}", file=sys.stderr)
        return 1
    print(f"created {key.role} key {key.name!r} (id {key.id}); it is shown only this once:")
    print(secret)
    return 0


def _key_info(key: "ApiKey") -> KeyInfo:
    return KeyInfo(
        id=key.id,
        name=key.name,
        role=key.role,
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def _local_only(args: argparse.Namespace) -> bool:
    """Without --server, the options about the server make no sense: say so."""
    if args.timeout is not None or args.retries is not None:
        print("--timeout and --retries need --server", file=sys.stderr)
        return False
    return True


def _keys_list(args: argparse.Namespace) -> int:
    if args.server is not None:
        return remote.keys_list_command(args)
    if not _local_only(args):
        return remote.EXIT_USAGE
    from app.access.keys import all_keys

    with _database() as factory, factory() as session:
        listed = [_key_info(key) for key in all_keys(session)]
    print(remote.key_table(listed), end="")
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    """Revoke by id or name, by the API's own rule: never the last admin key that works."""
    if args.server is not None:
        return remote.keys_revoke_command(args)
    if not _local_only(args):
        return remote.EXIT_USAGE
    from app.access.keys import key_named, revoke_key
    from app.kit.db import bump_data_version
    from app.kit.errors import DomainError

    try:
        with _write_session("cli") as session:
            key_id = args.key_id if args.key_id is not None else key_named(session, args.name).id
            revoked = _key_info(revoke_key(session, key_id))
            bump_data_version(session)
            session.commit()
    except DomainError as exc:
        print(f"key not revoked: {exc.detail}", file=sys.stderr)
        return 1
    print(remote.key_table([revoked]), end="")
    return 0


def _import(args: argparse.Namespace) -> int:
    """Import a register from a spreadsheet, as POST /api/v1/imports does, with a progress
    bar on stderr and the same error list."""
    from app.imports.service import NO_ROWS, RowsRefused, Source, run_import
    from app.imports.upload import CSV, XLSX
    from app.kit.db import bump_data_version
    from app.kit.errors import DomainError
    from app.kit.settings import local_today
    from app.sheets.layout import Entity
    from app.sheets.reading import Refused, read_sheet

    settings = get_settings()
    path = args.file
    try:
        with open(path, "rb") as handle:
            content = handle.read(settings.max_import_bytes + 1)
    except OSError as exc:
        print(f"occupancy import: {exc.strerror}: {path}", file=sys.stderr)
        return 1
    if len(content) > settings.max_import_bytes:
        print(
            f"occupancy import: files are limited to {settings.max_import_bytes} bytes",
            file=sys.stderr,
        )
        return 1
    name = os.path.basename(path)
    media_type = (
        XLSX if name.lower().endswith(".xlsx") else CSV if name.lower().endswith(".csv") else ""
    )
    entity = Entity(args.entity)
    try:
        sheet = read_sheet(content, media_type, entity)
    except Refused as exc:
        print(f"file refused: {exc.message}\n  {exc.message_vi}", file=sys.stderr)
        return 1
    if not sheet.rows and not sheet.errors:
        print(f"file refused: {NO_ROWS[0]}\n  {NO_ROWS[1]}", file=sys.stderr)
        return 1
    bar = ProgressBar(sys.stderr, label="dry run" if args.dry_run else "import")
    try:
        with _write_session("cli:import") as session:
            result = run_import(
                session,
                entity,
                sheet,
                Source(content, media_type or "application/octet-stream", name),
                dry_run=args.dry_run,
                today=local_today(settings),
                progress=bar,
            )
            if not args.dry_run:
                bump_data_version(session)
                session.commit()
    except RowsRefused as exc:
        bar.done()
        print(exc.detail, file=sys.stderr)
        for item in exc.extensions["errors"]:
            value = "" if item["value"] is None else f" ({item['value']!r})"
            print(
                f"  row {item['row']}, {item['column'] or 'row'}{value}: {item['message']}\n"
                f"      {item['message_vi']}",
                file=sys.stderr,
            )
        return 1
    except DomainError as exc:
        bar.done()
        print(f"nothing imported: {exc.detail}", file=sys.stderr)
        return 1
    bar.done()
    what = (
        "checked (dry run, nothing written)" if args.dry_run else f"imported (import {result.id})"
    )
    print(
        f"{result.rows} rows {what}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
    return 0


class ProgressBar:
    """A one-line progress bar on a terminal (a line per tenth on anything else)."""

    WIDTH = 30

    def __init__(self, stream: Any, *, label: str) -> None:
        self.stream, self.label = stream, label
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if not self.tty and tenth == self.shown:
            return
        self.shown = tenth
        filled = done * self.WIDTH // max(total, 1)
        line = f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} rows"
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="occupancy", description="Industrial-zone occupancy service."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema to the latest migration")
    serve = commands.add_parser("serve", help="serve the HTTP API")
    for option, (variable, parse, default) in SERVE_OPTIONS.items():
        serve.add_argument(
            f"--{option}", type=parse, help=f"default: ${variable} if set, else {default}"
        )
    health = commands.add_parser(
        "healthcheck", help="exit 0 when the local server is ready (GET /readyz answers 200)"
    )
    health.add_argument(
        "--url", help="default: http://127.0.0.1:$PORT/readyz ($PORT as for serve, else 8000)"
    )
    health.add_argument("--timeout", type=_whole(1, 60), default=5, help="seconds (default 5)")
    demo = commands.add_parser(
        "demo", help="load the Hòa Bình demo data set (synthetic projects) into an empty database"
    )
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="when the database already holds data, say so and exit 0 instead of failing",
    )
    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(
        dest="keys_command", required=True
    )
    create = keys.add_parser("create", help="create an API key and print it once")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    listing = keys.add_parser(
        "list", help="list the API keys: id, name, role, prefix, created, revoked (no secret)"
    )
    remote.add_server_options(listing, required=False)
    revoke = keys.add_parser(
        "revoke", help="revoke an API key; never the last admin key that works"
    )
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("key_id", nargs="?", type=remote.key_id, metavar="ID")
    which.add_argument("--name")
    remote.add_server_options(revoke, required=False)
    spreadsheet = commands.add_parser(
        "import",
        help="import zones, projects or clearance records from a spreadsheet (XLSX or CSV) "
        "into the configured database, all or nothing",
    )
    spreadsheet.add_argument("file", metavar="FILE")
    spreadsheet.add_argument("--entity", required=True, choices=["zones", "projects", "clearance"])
    spreadsheet.add_argument(
        "--dry-run", action="store_true", help="check every row, write nothing"
    )
    remote.add_report_command(commands)
    remote.add_file_command(commands)
    return parser


def _configuration_errors() -> str | None:
    """What is wrong with the OCCUPANCY_* settings, or None."""
    from pydantic import ValidationError

    try:
        get_settings()
    except ValidationError as exc:
        return "; ".join(
            f"OCCUPANCY_{str(error['loc'][0]).upper()}: {error['msg']}" for error in exc.errors()
        )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    wrong = _configuration_errors()
    if wrong is not None:
        print(f"invalid configuration: {wrong}", file=sys.stderr)
        return 2
    keys: dict[str, Callable[[argparse.Namespace], int]] = {
        "create": _keys_create,
        "list": _keys_list,
        "revoke": _keys_revoke,
    }
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "migrate": _migrate,
        "serve": _serve,
        "healthcheck": _healthcheck,
        "demo": _demo,
        "import": _import,
        "keys": lambda args: keys[args.keys_command](args),
        "report": remote.report_command,
        "file": remote.file_command,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
