"""The `occupancy` command line: migrate, serve, demo, keys."""

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session

from app.kit.settings import get_settings
from app.models.enums import Role


def _migrate(_args: argparse.Namespace) -> int:
    from app.kit import migrate

    migrate.upgrade(get_settings().database_url)
    print(f"database at migration {migrate.head_revision()}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from app.kit.serve import serve

    settings = get_settings()
    serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        log_format=settings.log_format,
    )
    return 0


@contextmanager
def _write_session(actor: str) -> Iterator[Session]:
    """A write transaction on the configured database, its audit events signed by `actor`.

    Write from the start, so on SQLite no other writer comes between a check and the write
    that depends on it (on PostgreSQL the unique constraints catch a concurrent twin).
    """
    from app.kit.audit import set_context
    from app.kit.db import make_engine, make_sessionmaker, write_session

    settings = get_settings()
    engine = make_engine(
        settings.database_url,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    try:
        with write_session(make_sessionmaker(engine)) as session:
            set_context(session, actor=actor, request_id=None)
            yield session
    finally:
        engine.dispose()


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="occupancy", description="Industrial-zone occupancy service."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema to the latest migration")
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
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
    handlers = {"migrate": _migrate, "serve": _serve, "demo": _demo, "keys": _keys_create}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
