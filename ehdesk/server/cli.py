"""``ehdesk-server``: serve the sync API, and the ``admin`` commands council IT uses
(../shared/CLI.md is the contract). Errors are one plain-English line, never a traceback."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import platformdirs

from ehdesk.errors import EhdeskError
from ehdesk.errors_cli import parser_error_line, run_reporting_errors
from ehdesk.paths import write_private_file


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, parser_error_line(self, "ehdesk-server", message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ehdesk-server", description="The ehdesk central server: sign-in and sync.")
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="where the SQLite database lives")
    parser.add_argument(
        "--database-url", metavar="URL", help="e.g. postgresql+psycopg://user@host/db (default: SQLite)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8765, help="port to listen on (default 8765)")
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="a reverse proxy (address or network) whose X-Forwarded-For is believed; repeatable. "
        "Without one, the connection's own address counts (also EHDESK_TRUSTED_PROXIES, comma-separated)",
    )
    parser.add_argument(
        "--log-format",
        choices=["json", "text"],
        default="json",
        help="one JSON object a line per request (default), or uvicorn's own warnings only",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    adm = sub.add_parser("admin", help="teams, users, passwords, devices")
    asub = adm.add_subparsers(dest="admin_command", metavar="ACTION", parser_class=_Parser)
    asub.required = True

    p = asub.add_parser("create-team", help="a team")
    p.add_argument("--name", required=True)
    p.set_defaults(handler=_create_team)
    p = asub.add_parser("create-user", help="a user (password from EHDESK_PASSWORD or a prompt)")
    p.add_argument("--name", required=True)
    p.add_argument("--team", required=True)
    p.add_argument("--role", required=True, choices=["practitioner", "manager", "admin"])
    p.set_defaults(handler=_create_user)
    p = asub.add_parser("reset-password", help="a new password for a user")
    p.add_argument("--name", required=True)
    p.set_defaults(handler=_reset_password)
    p = asub.add_parser("disable-user", help="a worker who has left: no sign-in, every laptop's session ends")
    p.add_argument("--name", required=True)
    p.set_defaults(handler=_disable_user)
    p = asub.add_parser("enable-user", help="a disabled user may sign in again")
    p.add_argument("--name", required=True)
    p.set_defaults(handler=_enable_user)
    p = asub.add_parser("refused", help="changes the server refused and kept aside, and why")
    p.add_argument("--name", help="only this user's")
    p.set_defaults(handler=_refused)
    p = asub.add_parser("users", help="every user, with their team and role")
    p.add_argument("--team", help="only this team's users")
    p.set_defaults(handler=_users)
    p = asub.add_parser("set-role", help="make a user a manager, or a practitioner again")
    p.add_argument("--name", required=True)
    # "admin" is offered so that asking for it is told why not (admin.set_role), not "invalid choice".
    p.add_argument("--role", required=True, choices=["practitioner", "manager", "admin"])
    p.set_defaults(handler=_set_role)
    p = asub.add_parser("move-user", help="a worker who has moved to another team: their laptops follow")
    p.add_argument("--name", required=True)
    p.add_argument("--team", required=True)
    p.set_defaults(handler=_move_user)
    p = asub.add_parser("move-family", help="give a family to another team")
    p.add_argument("--family", required=True, metavar="ID")
    p.add_argument("--team", required=True)
    p.set_defaults(handler=_move_family)
    p = asub.add_parser("devices", help="the laptops that have signed in, with the ids revoke-device takes")
    p.add_argument("--name", help="only this user's laptops")
    p.set_defaults(handler=_devices)
    p = asub.add_parser("move-requests", help="families managers have asked to move to another team")
    p.set_defaults(handler=_move_requests)
    for name, handler, text in (
        ("revoke-device", _revoke, "stop a lost laptop from syncing"),
        ("wipe-profile", _wipe, "wipe a laptop's profile at its next sync"),
    ):
        p = asub.add_parser(name, help=text)
        p.add_argument("--device", metavar="ID", help="the device id")
        p.add_argument("--name", help="every device of this user")
        if name == "revoke-device":
            p.add_argument(
                "--wipe",
                action="store_true",
                help="also wipe it: its next contact with the server removes every record on it",
            )
        p.set_defaults(handler=handler)
    p = asub.add_parser("verify-audit", help="re-check every laptop's audit hash chain held by the server")
    p.add_argument("--device", metavar="ID", help="only this device's chain")
    p.set_defaults(handler=_verify_audit)
    from ehdesk.reports.arguments import REPORT_HELP, add_report_arguments

    rep = sub.add_parser("report", help=f"council-wide: {REPORT_HELP}")

    add_report_arguments(rep)
    rep.set_defaults(handler=_report)
    return parser


def _verify_audit(args) -> int:
    from ehdesk.server.audit_chain import verify

    checked, breaks = _admin(args, lambda s: verify(s, args.device))
    for b in breaks:
        print(f"device {b.device_id}: event {b.chain_seq} ({b.event_id}) {b.problem}")
    print(f"Checked {checked} audit event(s): {len(breaks) or 'no'} break(s) in the chain.")
    return 1 if breaks else 0


def _report(args) -> int:
    from ehdesk.reports.arguments import checked, compare_period, kind_words
    from ehdesk.reports.build import build_report
    from ehdesk.server.db import session_factory, transaction

    date_from, date_to = checked(args)
    compare = compare_period(args)
    engine = open_database(args)
    try:
        with transaction(session_factory(engine)) as s:
            body = build_report(s, date_from, date_to, None, args.fmt, kind=args.kind, compare=compare)
            from ehdesk.server.models import ServerAudit

            # Audited like any export: who is the server's operator, so the act is named "cli".
            s.add(
                ServerAudit(
                    user_id="cli",
                    action="report",
                    entity="return" if args.kind == "return" else args.kind,
                    entity_id=f"{date_from}..{date_to}",
                    detail={"format": args.fmt, "teams": "all", "kind": args.kind},
                )
            )
            # Written inside the transaction: if the file cannot be written, nothing is audited.
            write_private_file(args.out, body)
    finally:
        engine.dispose()
    print(
        f"Wrote the council-wide {args.fmt.upper()} {kind_words(args.kind)} for {date_from:%d/%m/%Y}"
        f" to {date_to:%d/%m/%Y} to {args.out}."
    )
    return 0


def database_url(args) -> str:
    from ehdesk.server.db import default_url

    url = args.database_url or os.environ.get("EHDESK_DATABASE_URL")
    if url:
        return postgres_url(url)
    data_dir = args.data_dir or os.environ.get("EHDESK_SERVER_DATA_DIR")
    if not data_dir:
        data_dir = platformdirs.user_data_dir("ehdesk-server", appauthor=False)
        # Said every time: an admin command typed without the --database-url the server runs with
        # made its team or user in a pilot database of its own, and said nothing.
        print(
            f"ehdesk-server: no --database-url (or EHDESK_DATABASE_URL) given, so this uses the "
            f"SQLite pilot database in {data_dir}.",
            file=sys.stderr,
        )
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
    except OSError:
        raise EhdeskError(f"The data folder {data_dir} cannot be created.") from None
    return default_url(Path(data_dir))


def postgres_url(url: str) -> str:
    """``url`` with PostgreSQL's own spellings (``postgresql://``, ``postgres://``, what
    ``pg_dump`` and ``psql`` take) read as the psycopg driver the server ships with, so one URL
    serves the server and the PostgreSQL tools alike."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def open_database(args):
    from alembic.util import CommandError
    from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

    from ehdesk.server.db import make_engine, migrate, unknown_migrations

    engine = None
    url = database_url(args)
    if url.partition("://")[2].count("@") > 1:
        # "u:p@ss@host": the part of the password after its "@" was read as the host, and the
        # error about that host would have quoted it.
        raise EhdeskError(
            "The database URL is not valid: it holds more than one @. Write an @, /, : or # in the "
            "password percent-encoded (%40, %2F, %3A, %23), or keep the password out of the URL, "
            "in ~/.pgpass or PGPASSWORD."
        )
    try:
        engine = make_engine(url)
        migrate(engine)
    except OperationalError as exc:
        raise EhdeskError(unreachable(engine, exc)) from None
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        where = _where(engine)
        if "permission denied for table" in str(exc.orig) or "must be owner" in str(exc.orig):
            raise EhdeskError(
                f"The server's database cannot be opened: the user {where['user']} may not use its "
                "tables, which belong to another user (as after a restore run as postgres without "
                f"--role). Restore it as the server's user (createdb -O {where['login']}, then "
                f"pg_restore --no-owner --role={where['login']}), or have the tables' owner give "
                f"them to {where['user']}."
            ) from None
        raise EhdeskError(
            f"The server's database cannot be set up: the user {where['user']} may not create tables "
            f'in the database "{where["database"]}". Make that user the database\'s owner '
            f"(createdb -O {where['login']} {where['database']}, or ALTER DATABASE ... OWNER TO), "
            "or grant it CREATE on the schema the tables go in."
        ) from None
    except CommandError:
        newer = unknown_migrations(engine) if engine is not None else []
        if not newer:
            raise
        raise EhdeskError(
            "The server's database was set up by a newer release of ehdesk-server (it holds "
            f"migration {', '.join(newer)}, which this release does not know): run that release "
            "against it, or restore a backup taken before the upgrade."
        ) from None
    except ImportError:
        raise EhdeskError("The database URL names a driver that is not installed.") from None
    except (
        ArgumentError,
        ValueError,
    ):  # "notaurl", "postgresql://host:abc/db"; not echoed: it may hold a password
        raise EhdeskError(
            "The database URL is not valid: write it as postgresql+psycopg://USER@HOST:PORT/DATABASE "
            "(or leave it out for SQLite in the data folder)."
        ) from None
    return engine


def _where(engine) -> dict:
    """The parts of the engine's URL an error may name: never the password."""
    url = engine.url
    return {
        "host": url.host or "localhost",
        "port": url.port or 5432,
        "database": url.database or "",
        "user": f'"{url.username}"' if url.username else "(the login's own name)",
        "login": url.username or "USER",
    }


def unreachable(engine, exc) -> str:
    """Why the database could not be opened, in words IT can act on. The driver's message is read
    for its reason but never echoed (it may quote the URL); what is named comes from the URL,
    without its password."""
    reason = str(getattr(exc, "orig", exc))
    lead = "The server's database cannot be reached or opened"
    if engine is None:
        return f"{lead}."
    if engine.dialect.name == "sqlite":
        if "unable to open database file" in reason:
            return (
                f"{lead}: the SQLite file {engine.url.database} cannot be opened (does its folder "
                "exist, and may this account write to it?)."
            )
        return f"{lead}."
    w = _where(engine)
    at = f"PostgreSQL at {w['host']}:{w['port']}"
    if "does not exist" in reason and "database" in reason:
        return (
            f'{lead}: {at} has no database "{w["database"]}". Create it first '
            f"(createdb -h {w['host']} -O USER {w['database']}), or correct the name in the URL."
        )
    if "does not exist" in reason and "role" in reason:
        return (
            f"{lead}: {at} has no user {w['user']}. Create it first (createuser), or correct the "
            "user in the URL."
        )
    if "password authentication failed" in reason or "no password supplied" in reason:
        return (
            f"{lead}: {at} refused the password of user {w['user']}. Check the password "
            "(in ~/.pgpass, PGPASSWORD or the URL)."
        )
    if "pg_hba.conf" in reason:
        return (
            f"{lead}: {at} does not let user {w['user']} connect from this computer "
            "(see pg_hba.conf on the database server)."
        )
    if "resolve host" in reason or "translate host name" in reason:
        return f'{lead}: the host "{w["host"]}" cannot be found. Check the host name in the URL.'
    if "Connection refused" in reason:
        return (
            f"{lead}: nothing answers at {w['host']}:{w['port']}. Is PostgreSQL running there, "
            "and is the port right?"
        )
    if "timeout" in reason or "timed out" in reason:
        return f"{lead}: {at} did not answer in time (a firewall, or the wrong host?)."
    return f'{lead} ({at}, database "{w["database"]}").'


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1 to 65535)")
    return port


def _password(prompt: str = "Password for the new user: ") -> str:
    if "EHDESK_PASSWORD" in os.environ:
        return os.environ["EHDESK_PASSWORD"]
    if not sys.stdin or not sys.stdin.isatty():
        raise EhdeskError("No password given: set EHDESK_PASSWORD or run the command in a terminal.")
    first = getpass.getpass(prompt)
    if getpass.getpass("Type the password again: ") != first:
        raise EhdeskError("The two passwords are not the same. Nothing was changed.")
    return first


def _admin(args, act):
    from ehdesk.server.db import session_factory, transaction

    engine = open_database(args)
    try:
        with transaction(session_factory(engine)) as s:
            return act(s)
    finally:
        engine.dispose()


def _create_team(args) -> int:
    from ehdesk.server import admin

    team_id = _admin(args, lambda s: admin.create_team(s, args.name).id)
    print(f'Created team "{args.name}" ({team_id}).')
    return 0


def _create_user(args) -> int:
    from ehdesk.server import admin

    password = _password()

    def create(s):
        user = admin.create_user(s, args.name, args.team, args.role, password)
        return user.id, user.username  # the name as kept: without stray spaces

    user_id, name = _admin(args, create)
    print(f'Created {args.role} "{name}" in team "{args.team}" ({user_id}).')
    return 0


def _reset_password(args) -> int:
    from ehdesk.server import admin

    password = _password("New password: ")
    name = _admin(args, lambda s: admin.reset_password(s, args.name, password))
    print(f'A new password is set for "{name}".')
    return 0


def _disable_user(args) -> int:
    from ehdesk.server import admin

    name, already = _admin(args, lambda s: admin.disable_user(s, args.name))
    if already:
        print(f'"{name}" is already disabled: nothing was changed.')
    else:
        print(
            f'"{name}" can no longer sign in, and every session of their laptops has ended. What the '
            f"laptops hold stays on them, encrypted: revoke-device --name {name} --wipe removes it."
        )
    return 0


def _enable_user(args) -> int:
    from ehdesk.server import admin

    name, already = _admin(args, lambda s: admin.enable_user(s, args.name))
    if already:
        print(f'"{name}" is not disabled: nothing was changed.')
    else:
        print(f'"{name}" can sign in again; each laptop of theirs signs in again with their password.')
    return 0


def _refused(args) -> int:
    from ehdesk.server import admin

    def listed(s):
        return [
            (
                q.at,
                name,
                q.device_id,
                q.seq,
                q.mutation.get("entity", ""),
                q.mutation.get("row_id", ""),
                q.reason,
            )
            for q, name in admin.refused(s, args.name)
        ]

    rows = _admin(args, listed)
    if not rows:
        print(
            "The server has refused no change."
            if args.name is None
            else "The server has refused none of this user's changes."
        )
    for at, name, device_id, seq, entity, row_id, reason in rows:
        print(
            f"{at:%Y-%m-%d %H:%M} UTC  {name}  laptop {device_id} change {seq}  {entity} {row_id}: {reason}"
        )
    return 0


def _users(args) -> int:
    from ehdesk.server import admin

    rows = _admin(args, lambda s: admin.users(s, args.team))
    if not rows:
        print("There are no users yet." if args.team is None else f'Team "{args.team}" has no users.')
    width = max((len(name) for name, *_ in rows), default=0)
    for name, team, role, disabled in rows:
        print(f"{name:<{width}}  {role:<12}  {team or '(no team)'}" + ("  (disabled)" if disabled else ""))
    return 0


def _set_role(args) -> int:
    from ehdesk.server import admin
    from ehdesk.sync.protocol import role_with_article

    name, before = _admin(args, lambda s: admin.set_role(s, args.name, args.role))
    if before == args.role:
        print(f'"{name}" is already {role_with_article(before)}: nothing was changed.')
        return 0
    print(
        f'"{name}" is now {role_with_article(args.role)} (was {role_with_article(before)}). '
        "Their laptops take the new role at their next sync."
    )
    return 0


def _move_user(args) -> int:
    from ehdesk.server import admin

    name, before = _admin(args, lambda s: admin.move_user(s, args.name, args.team))
    if before == args.team.strip():
        print(f'"{name}" is already in team "{before}": nothing was changed.')
        return 0
    print(
        f'"{name}" is now in team "{args.team.strip()}"'
        + (f' (was "{before}")' if before else "")
        + ". At their next sync their laptops drop the old team's families and take the new team's. "
        "Anything they had not sent about the old team's families is refused and kept aside: "
        "see admin refused."
    )
    return 0


def _move_family(args) -> int:
    from ehdesk.server import admin

    sent = _admin(args, lambda s: admin.move_family(s, args.family, args.team))
    print(f'The family now belongs to team "{args.team}" ({sent} records re-sent).')
    return 0


def _move_requests(args) -> int:
    from ehdesk.server.move_requests import open_requests

    rows = _admin(args, open_requests)
    if not rows:
        print("No family is waiting to move.")
    for r in rows:
        print(
            f"{r.requested_on:%Y-%m-%d}  {r.family_id}  {r.reference}: {r.from_team} -> {r.to_team}, asked by {r.requested_by}: {r.reason}"
        )
    return 0


def _devices(args) -> int:
    from ehdesk.server import admin

    def listed(s):
        return [
            (d.id, name, d.created_at, d.last_seen_at, d.revoked, d.wipe, d.wipe_delivered_at)
            for d, name in admin.devices(s, args.name)
        ]

    rows = _admin(args, listed)
    if not rows:
        print(
            "No laptop has signed in yet."
            if args.name is None
            else "This user has not signed in from any laptop."
        )
    for device_id, name, created, seen, revoked, wipe, wiped in rows:
        state = []
        if revoked:
            state.append("revoked")
        if wiped is not None:
            state.append(f"wiped {wiped:%Y-%m-%d %H:%M} UTC")
        elif wipe:
            state.append("to be wiped at its next contact")
        last = f"{seen:%Y-%m-%d %H:%M} UTC" if seen is not None else "never"
        print(
            f"{device_id}  {name}  signed in {created:%Y-%m-%d %H:%M} UTC, last seen {last}"
            + (f"  ({', '.join(state)})" if state else "")
        )
    return 0


def _revoke(args) -> int:
    from ehdesk.server import admin

    n = _admin(args, lambda s: admin.revoke_device(s, args.name, args.device, wipe=args.wipe))
    if args.wipe:
        print(f"Revoked {n} device(s): at their next contact they are wiped, and can do nothing else.")
    else:
        print(f"Revoked {n} device(s): they can no longer sync (what is on them stays, encrypted).")
    return 0


def _wipe(args) -> int:
    from ehdesk.server import admin

    n = _admin(args, lambda s: admin.wipe_profile(s, args.name, args.device))
    print(f"{n} device(s) will wipe their profile at their next contact, even if revoked.")
    return 0


def serve(args) -> int:
    import uvicorn

    from ehdesk.server.app import build

    # Checked and bound first: a proxy that is not an address, a port in use or a wrong --host is
    # one plain line, before "listening" is said and before the database is opened (or migrated)
    # for a server that cannot run.
    proxies = trusted_proxies(args)
    sockets = listening_sockets(args.host, args.port)
    try:
        engine = open_database(args)
        config = uvicorn.Config(
            build(engine, proxies),
            # The app reads X-Forwarded-For itself, from configured proxies only (uvicorn's own
            # handling would believe any client connecting from 127.0.0.1).
            proxy_headers=False,
            host=args.host,
            port=args.port,
            log_level="warning",
            access_log=False,
            # No "server" or "date" headers: bytes on a 2G link, and nothing to fingerprint.
            server_header=False,
            date_header=False,
        )
        # After uvicorn.Config, which sets up uvicorn's own loggers: set up before it, the JSON
        # handler was taken off "uvicorn.error", and a request that failed (the database gone)
        # wrote a multi-line traceback quoting the database's error to the log.
        listening = f"listening on http://{args.host}:{args.port}"
        if getattr(args, "log_format", "json") == "json":
            import logging

            from ehdesk.server.ops_metrics import configure_json_logging

            configure_json_logging()
            logging.getLogger("ehdesk.server").info(listening)
        else:
            print(f"ehdesk-server {listening}", file=sys.stderr)
        server = uvicorn.Server(config)
        try:
            server.run(sockets=sockets)  # what uvicorn.run does, on the sockets bound above
        except KeyboardInterrupt:
            pass
        return 0 if server.started else 3  # 3: the app did not start (uvicorn's STARTUP_FAILURE)
    finally:
        for sock in sockets:
            sock.close()


def trusted_proxies(args) -> list[str]:
    """--trusted-proxy and EHDESK_TRUSTED_PROXIES, each checked to be an address or a network
    (a host name was "something went wrong (ValueError)")."""
    import ipaddress

    given = [("--trusted-proxy", p) for p in args.trusted_proxy] + [
        ("EHDESK_TRUSTED_PROXIES", p) for p in os.environ.get("EHDESK_TRUSTED_PROXIES", "").split(",")
    ]
    proxies = []
    for where, value in given:
        if not value.strip():
            continue
        try:
            ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise EhdeskError(
                f'{where}: "{value.strip()}" is not an IP address or network: give the reverse '
                "proxy's address as numbers (10.0.0.2) or its network (10.0.0.0/24), not its name."
            ) from None
        proxies.append(value.strip())
    return proxies


def listening_sockets(host: str, port: int) -> list:
    """Sockets bound to ``host``:``port`` as asyncio's create_server binds them for uvicorn (one per
    address the host resolves to; SO_REUSEADDR on POSIX; IPv6 sockets IPv6 only), or an
    EhdeskError saying in plain words why the address cannot be used."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(
            host or None, port, family=socket.AF_UNSPEC, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError):
        raise EhdeskError(
            f'The host "{host}" cannot be found: give --host an address of this computer '
            "(127.0.0.1 for this computer only, 0.0.0.0 for every network)."
        ) from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            if os.name == "posix" and sys.platform != "cygwin":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        code = exc.errno
        if code in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)):
            message = (
                f"Port {port} on {host} is already in use: stop the other server or choose another --port."
            )
        elif code in (errno.EADDRNOTAVAIL, getattr(errno, "WSAEADDRNOTAVAIL", None)):
            message = (
                f"{host} is not an address of this computer: choose another --host "
                "(127.0.0.1 for this computer only, 0.0.0.0 for every network)."
            )
        elif code in (errno.EACCES, getattr(errno, "WSAEACCES", None)):
            message = (
                f"This account may not listen on port {port} on {host}: choose another --port "
                "(above 1023 needs no administrator rights)."
            )
        else:
            message = (
                f"Cannot listen on port {port} on {host} ({exc.strerror or exc}): "
                "choose another --host or --port."
            )
        raise EhdeskError(message) from None
    return sockets


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_reporting_errors(
        "ehdesk-server", lambda: serve(args) if args.command is None else args.handler(args)
    )


if __name__ == "__main__":
    sys.exit(main())
