"""The command line's remote commands: `occupancy report`, `occupancy file`, and `occupancy keys
list|revoke --server URL`, through the typed client (app.client) and nothing of the service.

Exit status: 0 done; 1 the service refused or failed (its problem's detail on stderr), or the
output could not be written; 2 a bad command line; 3 no answer from the service.
"""

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from app.client import (
    API_KEY_VARIABLE,
    FORMATS,
    REPORTS,
    ApiError,
    KeyInfo,
    OccupancyClient,
    ReportParams,
    Retrying,
    RetryPolicy,
    ServiceError,
    Unreachable,
)
from app.client.reports import BOUNDARIES, INTERVALS, KINDS, SCOPES, check

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
TIMEOUT_S, RETRIES = 30.0, 3
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# ----------------------------------------------------------------------------- arguments


def _day(text: str) -> date:
    if not DATE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: {exc}") from exc


def key_id(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (1 to 2147483647)")
    return int(text)


def _retries(text: str) -> int:
    if not text.isdigit() or int(text) > 20:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of retries (0 to 20)")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a timeout in seconds (0 to 3600)")
    return value


def add_server_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """--server, --timeout, --retries: where the service is and how patiently to ask it."""
    parser.add_argument(
        "--server",
        required=required,
        metavar="URL",
        help="the service's base URL, e.g. https://occupancy.example"
        + ("" if required else " (without it: the configured database)"),
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help=f"give up on an attempt after this long without progress (default {TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--retries",
        type=_retries,
        metavar="N",
        help="tries after the first on no answer, a timeout, 429, 502, 503 or 504 "
        "(default 3; waits 0.5, 1, 2 … s, or the answer's Retry-After)",
    )


def _add_report_params(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", choices=REPORTS, metavar="NAME", help=", ".join(REPORTS))
    dated = parser.add_mutually_exclusive_group()
    dated.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="report date")
    dated.add_argument(
        "--period", metavar="P", help="instead of --as-of: YYYY-H1 (14 June) or YYYY (14 December)"
    )
    parser.add_argument("--scope", choices=SCOPES)
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--province")
    parser.add_argument("--boundaries", choices=BOUNDARIES)
    parser.add_argument("--from", dest="from_", type=_day, metavar="YYYY-MM-DD")
    parser.add_argument("--to", type=_day, metavar="YYYY-MM-DD")
    parser.add_argument("--interval", choices=INTERVALS)
    parser.add_argument("--plan", dest="plan_id", type=key_id, metavar="ID")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (replaced whole) instead of stdout"
    )


def add_report_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    report = commands.add_parser(
        "report",
        help="fetch a report from a running service",
        description="Fetch a report, byte for byte as the service serves it. Parameters the "
        f"report does not take are refused. The API key, if any, is read from {API_KEY_VARIABLE}.",
    )
    _add_report_params(report)
    report.add_argument("--format", choices=FORMATS, default="json")
    add_server_options(report, required=True)


def add_file_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    file = commands.add_parser(
        "file",
        help="file a report with a running service",
        description="File a report (an editor key in "
        f"{API_KEY_VARIABLE}) and print the filing's record. Every attempt carries the same "
        "Idempotency-Key, so the report is filed once however often the request is retried.",
    )
    _add_report_params(file)
    file.add_argument("--note", help="a note kept with the filing")
    file.add_argument(
        "--idempotency-key",
        metavar="KEY",
        help="the key of an earlier attempt that failed, to send it again without filing twice",
    )
    add_server_options(file, required=True)


# ------------------------------------------------------------------------------ commands


def _params(args: argparse.Namespace) -> ReportParams:
    return ReportParams(
        as_of=args.as_of,
        period=args.period,
        scope=args.scope,
        kind=args.kind,
        province=args.province,
        boundaries=args.boundaries,
        from_=args.from_,
        to=args.to,
        interval=args.interval,
        plan_id=args.plan_id,
    )


def _client(args: argparse.Namespace) -> OccupancyClient:
    timeout = TIMEOUT_S if args.timeout is None else args.timeout
    retries = RETRIES if args.retries is None else args.retries
    return OccupancyClient.from_env(
        args.server,
        timeout=timeout,
        retry=RetryPolicy(attempts=retries + 1),
        on_retry=_say_retrying,
    )


def _run(
    args: argparse.Namespace, work: Callable[[OccupancyClient], int], *, resendable: bool = False
) -> int:
    """Run `work` with a client; turn every failure into a message on stderr and an exit
    status. `resendable`: the command takes --idempotency-key, so when the outcome of its
    write is unknown (no answer, or a server error) say which key to send it again with."""
    try:
        client = _client(args)
    except ValueError as exc:  # not an http(s) URL
        _say(str(exc))
        return EXIT_USAGE
    with client:
        try:
            return work(client)
        except ApiError as exc:
            _say_refused(exc, has_key=client.has_key)
            if resendable and exc.status >= 500:
                _say_resend(exc)
            return EXIT_FAILED
        except Unreachable as exc:
            _say(str(exc))
            if resendable:
                _say_resend(exc)
            return EXIT_UNREACHABLE
        except ServiceError as exc:
            _say(str(exc))
            return EXIT_FAILED
        except OutputError as exc:
            _say(str(exc))
            return EXIT_FAILED


def _checked(args: argparse.Namespace) -> ReportParams | None:
    """The report's parameters, or None (said on stderr) when the report does not take them."""
    params = _params(args)
    try:
        check(args.name, params)
    except ValueError as exc:
        _say(str(exc))
        return None
    return params


def report_command(args: argparse.Namespace) -> int:
    params = _checked(args)
    if params is None:
        return EXIT_USAGE
    if args.format == "xlsx" and args.output in (None, "-") and sys.stdout.isatty():
        _say("xlsx is a binary file: write it with -o FILE")
        return EXIT_USAGE

    def work(client: OccupancyClient) -> int:
        answer = client.report(args.name, params, format=args.format)
        _write(answer.content, args.output)
        return EXIT_OK

    return _run(args, work)


def file_command(args: argparse.Namespace) -> int:
    params = _checked(args)
    if params is None:
        return EXIT_USAGE

    def work(client: OccupancyClient) -> int:
        filed = client.file_report(
            args.name, params, note=args.note, idempotency_key=args.idempotency_key
        )
        _write(filed.answer.content + b"\n", args.output)
        if filed.answer.replayed:
            _say(f"filing {filed.filing.id} was made by an earlier attempt under this key")
        return EXIT_OK

    return _run(args, work, resendable=True)


def keys_list_command(args: argparse.Namespace) -> int:
    def work(client: OccupancyClient) -> int:
        print(key_table(client.keys()), end="")
        return EXIT_OK

    return _run(args, work)


def keys_revoke_command(args: argparse.Namespace) -> int:
    def work(client: OccupancyClient) -> int:
        key_id = args.key_id
        if key_id is None:
            found = client.key_named(args.name)
            if found is None:
                _say(f"no key is named {args.name!r}")
                return EXIT_FAILED
            key_id = found.id
        print(key_table([client.revoke_key(key_id)]), end="")
        return EXIT_OK

    return _run(args, work)


# -------------------------------------------------------------------------------- output


def key_table(keys: Sequence[KeyInfo]) -> str:
    """Keys as an aligned table: id, name, role, prefix, created, revoked. Never a secret."""
    rows = [("id", "name", "role", "prefix", "created", "revoked")]
    rows += [
        (str(k.id), k.name, k.role, k.prefix, _when(k.created_at), _when(k.revoked_at))
        for k in keys
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class OutputError(Exception):
    """The output could not be written."""


def _write(content: bytes, output: str | None) -> None:
    """To stdout, or to a file replaced whole: a failure leaves the file as it was."""
    if output in (None, "-"):
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        except BrokenPipeError as exc:  # the reader went away (`| head`)
            # Nothing more can reach it: point stdout at nothing, so that the flush at exit
            # does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise OutputError("the output was closed before all of it was written") from exc
        return
    target = Path(output)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise OutputError(f"could not write {output}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o666 & ~_umask())  # as if opened afresh, not mkstemp's 0600
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"could not write {output}: {exc.strerror or exc}") from exc
    _say(f"wrote {len(content):,} bytes to {output}")


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _say(message: str) -> None:
    print(f"occupancy: {message}", file=sys.stderr)


def _say_retrying(notice: Retrying) -> None:
    _say(
        f"{notice.reason}; trying again in {notice.wait:g} s "
        f"(attempt {notice.attempt} of {notice.attempts})"
    )


def _say_refused(exc: ApiError, *, has_key: bool) -> None:
    if not exc.errors:
        _say(f"the service answered {exc}")
    else:  # the detail joins the errors: one a line reads better
        _say(f"the service answered {exc.status} {exc.title}:")
        for field, message in exc.errors:
            print(f"  {field}: {message}", file=sys.stderr)
    if exc.status == 401 and not has_key:
        print(f"  ({API_KEY_VARIABLE} is not set)", file=sys.stderr)
    if exc.request_id:
        print(f"  request id: {exc.request_id}", file=sys.stderr)


def _say_resend(exc: ServiceError) -> None:
    if exc.idempotency_key is not None:
        print(
            f"  the write may or may not have been made: to send it again without repeating "
            f"it, add --idempotency-key {exc.idempotency_key}",
            file=sys.stderr,
        )
