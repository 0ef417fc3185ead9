"""Server cost and load (issue 20): what one small sync costs the server, how many a process answers
a second, and how 1,000 laptops syncing every 5 minutes fare against two server processes.

A small sync is what a laptop does after one edit: a push of one mutation setting three fields of
its own family (town, postcode, notes; plus the laptop's clock stamp), then a pull of the page
after its cursor. The pull is made every time here, even when the push says none is needed (the
real engine then skips it), so each sync is always two requests.

The bench:
1. creates a throwaway PostgreSQL database beside the one ``--database-url`` names (dropped at the
   end), migrates it, and provisions N workers in teams of ``--team-size``, each with one laptop
   (device) and an access token signed with the server's own key (no argon2 sign-in per laptop);
2. starts two ``ehdesk-server`` processes (uvicorn, JSON logs, as deployed) on loopback ports;
3. runs the load generator in a process of its own (asyncio; each laptop one kept-alive HTTP/1.1
   connection and its requests' bytes built once, so that the generator costs the shared cores
   little; every response is checked: status 200, the push's change applied, the pull's page
   read), which
   - **cost**: drives requests one at a time against process 1 and reads that process's CPU time
     from /proc before and after: server CPU ms per empty pull, per three-field push, per sync;
   - **throughput**: ``--clients`` laptops (one per team, so their pulls stay empty) sync in a
     closed loop against process 1 for ``--throughput-seconds``: small syncs a second, and the
     server CPU per sync (the ratio that holds on any machine: 1,000 / that = syncs a second per
     core);
   - **fleet**: every laptop syncs every ``--interval`` seconds, compressed by ``--time-scale``
     (10: every 30 s instead of 5 minutes, 10x the real rate), starting at a random point of its
     first interval and drifting by +-5% each time, alternating between the two processes, for
     ``--fleet-seconds``. Latency runs from the moment a sync was due (so a generator or a server
     falling behind shows in it) to the end of its pull; an error is any non-200 answer, any
     change not applied, or a transport failure.
4. prints the figures next to the targets, with the machine's load.

Run from the repository root:
    .venv/bin/python bench/bench_server_load.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres
(or EHDESK_TEST_DATABASE_URL). ``--time-scale 1 --fleet-seconds 600`` runs two real 5-minute windows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"
TICK = os.sysconf("SC_CLK_TCK")


# -- CPU time off /proc ------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_cpu_seconds(database: str) -> float:
    """CPU seconds of the PostgreSQL backends serving ``database`` (their process title names it;
    the servers' pooled connections live through a phase)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f" {database} ".encode() in (entry / "cmdline").read_bytes().replace(b"\0", b" "):
                total += cpu_seconds(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return total


# -- the parent: database, servers, provisioning ----------------------------------------------


def provision(url: str, laptops: int, team_size: int) -> list[dict]:
    from ehdesk.models import Team, User
    from ehdesk.server import security
    from ehdesk.server.changelog import Revisions, log_row
    from ehdesk.server.db import make_engine, migrate, session_factory, transaction
    from ehdesk.server.models import Account, Device, TeamMember

    engine = make_engine(url)
    migrate(engine)
    factory = session_factory(engine)
    with transaction(factory) as s:
        security.signing_key(s)  # made and committed once
    password_hash = security.hash_password(PASSWORD)  # one argon2 for all: sign-in is not measured
    out = []
    with transaction(factory) as s:
        revisions = Revisions(s)
        teams = [Team(name=f"Bench team {i:04d}") for i in range((laptops + team_size - 1) // team_size)]
        s.add_all(teams)
        s.flush()
        for team in teams:
            log_row(s, revisions, team, ["name"])
        users = []
        for i in range(laptops):
            team = teams[i // team_size]
            user = User(
                username=f"worker{i:05d}", display_name=f"Worker {i}", role="practitioner", team_id=team.id
            )
            users.append(user)
        s.add_all(users)
        s.flush()
        devices = []
        for user in users:
            s.add(Account(user_id=user.id, username=user.username, password_hash=password_hash))
            s.add(TeamMember(user_id=user.id, team_id=user.team_id))
            log_row(s, revisions, user, ["username", "role", "team_id"])
            devices.append(Device(user_id=user.id, name="bench laptop", token_version=0))
        s.add_all(devices)
        s.flush()
        for i, (user, device) in enumerate(zip(users, devices, strict=True)):
            out.append({"n": i, "user_id": user.id, "device_id": device.id, "team": i // team_size})
    engine.dispose()
    return out


def mint_tokens(url: str, laptops: list[dict]) -> None:
    from ehdesk.server import security
    from ehdesk.server.db import make_engine, session_factory, transaction

    engine = make_engine(url)
    with transaction(session_factory(engine)) as s:
        key = security.signing_key(s)
    engine.dispose()
    for laptop in laptops:
        laptop["token"] = security.make_access_token(key, laptop["user_id"], laptop["device_id"], 0)


def start_server(url: str, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "ehdesk.server.cli", "--database-url", url, "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_up(port: int) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health/ready").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server on port {port} did not start")
        time.sleep(0.2)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throwaway_database(admin_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"ehdesk_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("EHDESK_TEST_DATABASE_URL"))
    parser.add_argument("--laptops", type=int, default=1000)
    parser.add_argument("--team-size", type=int, default=10)
    parser.add_argument("--interval", type=float, default=300.0, help="seconds between a laptop's syncs")
    parser.add_argument("--time-scale", type=float, default=10.0, help="compress the interval by this")
    parser.add_argument("--fleet-seconds", type=float, default=60.0)
    parser.add_argument("--cost-requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=16, help="closed-loop laptops in the throughput phase")
    parser.add_argument("--throughput-seconds", type=float, default=20.0)
    parser.add_argument("--phases", default="cost,throughput,fleet")
    parser.add_argument("--generate", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate))
        return
    if not args.database_url or not args.database_url.startswith("postgresql"):
        sys.exit(
            "Give --database-url (or EHDESK_TEST_DATABASE_URL) of a PostgreSQL server to make a throwaway database in."
        )
    name, url = throwaway_database(args.database_url)
    servers: list[subprocess.Popen] = []
    spec_file = Path(tempfile.mkstemp(prefix="ehdesk-load-", suffix=".json")[1])
    try:
        started = time.perf_counter()
        laptops = provision(url, args.laptops, args.team_size)
        print(
            f"provisioned {len(laptops)} workers with a laptop each, in teams of {args.team_size}, "
            f"in {time.perf_counter() - started:.1f} s (database {name})"
        )
        ports = [free_port(), free_port()]
        servers = [start_server(url, port) for port in ports]
        for port in ports:
            wait_until_up(port)
        mint_tokens(url, laptops)
        spec = {
            "ports": ports,
            "pids": [p.pid for p in servers],
            "database": name,
            "laptops": laptops,
            "phases": args.phases.split(","),
            "cost_requests": args.cost_requests,
            "clients": args.clients,
            "throughput_seconds": args.throughput_seconds,
            "period": args.interval / args.time_scale,
            "fleet_seconds": args.fleet_seconds,
        }
        spec_file.write_text(json.dumps(spec))
        load = os.getloadavg()
        print(
            f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} before the run"
        )
        # The load generator in its own process, as the issue asks (it must not share the
        # servers' or this process's interpreter).
        generator = subprocess.run(
            [sys.executable, __file__, "--generate", str(spec_file)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=args.fleet_seconds + args.throughput_seconds + 900,
        )
        if generator.returncode != 0:
            sys.exit(f"the load generator failed:\n{generator.stderr[-4000:]}")
        results = json.loads(generator.stdout.strip().splitlines()[-1])
        report(args, results)
        print(
            "uptime after the run:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        )
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        spec_file.unlink(missing_ok=True)
        drop_database(args.database_url, name)


def report(args, results: dict) -> None:
    cost = results.get("cost")
    if cost:
        print(
            f"\nCOST (requests one at a time, {cost['requests']} of each, server process 1's CPU from /proc)\n"
            f"  empty pull:        {cost['pull_ms']:.2f} ms server CPU (target <= 3 ms); "
            f"{cost['pull_wall_ms']:.2f} ms wall\n"
            f"  three-field push:  {cost['push_ms']:.2f} ms server CPU (target <= 3 ms); "
            f"{cost['push_wall_ms']:.2f} ms wall\n"
            f"  PostgreSQL backends of the bench database, per sync (pull + push): {cost['pg_ms_per_sync']:.2f} ms CPU"
        )
    tp = results.get("throughput")
    if tp:
        print(
            f"\nTHROUGHPUT (one process, {tp['clients']} laptops in a closed loop, {tp['seconds']:.0f} s)\n"
            f"  {tp['syncs_per_s']:.0f} small syncs/s (target >= 300 per process); "
            f"{tp['syncs']} syncs, {tp['errors']} errors\n"
            f"  server CPU per sync {tp['server_ms_per_sync']:.2f} ms "
            f"(= {1000 / max(tp['server_ms_per_sync'], 1e-9):.0f} syncs/s per core the server has to itself); "
            f"server process busy {tp['server_busy']:.0%} of one core\n"
            f"  PostgreSQL CPU per sync {tp['pg_ms_per_sync']:.2f} ms; load generator CPU per sync "
            f"{tp['generator_ms_per_sync']:.2f} ms\n"
            f"  latency p50 {tp['p50']:.0f} ms, p95 {tp['p95']:.0f} ms, p99 {tp['p99']:.0f} ms"
        )
        if tp["error_samples"]:
            print("  error samples:", tp["error_samples"][:5])
    fleet = results.get("fleet")
    if fleet:
        print(
            f"\nFLEET ({fleet['laptops']} laptops, each syncing every {args.interval:.0f} s compressed "
            f"{args.time_scale:g}x = every {fleet['period']:.1f} s, jittered starts, two server processes, "
            f"{fleet['seconds']:.0f} s)\n"
            f"  {fleet['syncs']} syncs, {fleet['syncs_per_s']:.1f}/s in all ({args.time_scale:g}x the "
            f"{fleet['syncs_per_s'] / args.time_scale:.1f}/s of the real fleet); errors {fleet['errors']} (target 0)\n"
            f"  latency p50 {fleet['p50']:.0f} ms, p95 {fleet['p95']:.0f} ms, p99 {fleet['p99']:.0f} ms "
            f"(target p99 < 500 ms), max {fleet['max']:.0f} ms\n"
            f"  per process: {', '.join(f'{n:.1f} syncs/s' for n in fleet['per_process_syncs_per_s'])}; "
            f"server CPU per sync {fleet['server_ms_per_sync']:.2f} ms; rows pulled per sync {fleet['rows_per_sync']:.1f}\n"
            f"  generator lateness (a sync started after it was due) p99 {fleet['late_p99']:.0f} ms; "
            f"generator CPU per sync {fleet['generator_ms_per_sync']:.2f} ms"
        )
        if fleet["error_samples"]:
            print("  error samples:", fleet["error_samples"][:5])


# -- the load generator (its own process) -----------------------------------------------------


HOST = "127.0.0.1"
TIMEOUT = 60.0  # seconds a request may take before it counts as failed


class SyncFailed(Exception):
    pass


class Connection:
    """One kept-alive HTTP/1.1 connection to a server on loopback, on asyncio streams: a request
    written as prebuilt bytes, its response read by its Content-Length. Opened when first used,
    and again after a failure (a request that fails closes it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        """``head`` is the request up to its "Content-Length: "; returns the status and the
        response's body (inflated when gzip)."""
        try:
            async with asyncio.timeout(TIMEOUT):
                if self.writer is None or self.reader is None or self.reader.at_eof():
                    # First use, or the server closed the kept-alive connection while it was idle
                    # (uvicorn does after 5 s; a fleet laptop syncs every 30 s): a new one, as
                    # any HTTP client would.
                    self.close()
                    self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
                assert self.reader is not None
                # A few hundred bytes: the socket takes them at once, nothing to drain.
                self.writer.write(b"%s%d\r\n\r\n%s" % (head, len(body), body))
                lines = (await self.reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
                status = int(lines[0].split(b" ", 2)[1])
                length, gzipped, close = -1, False, False
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    name = name.lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"content-encoding":
                        gzipped = value.strip().lower() == b"gzip"
                    elif name == b"connection":
                        close = value.strip().lower() == b"close"
                if length < 0:
                    raise SyncFailed(f"a {status} response without a Content-Length")
                content = await self.reader.readexactly(length)
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        return status, zlib.decompress(content, 47) if gzipped else content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _template(body: dict, numbers: tuple[str, ...] = (), strings: tuple[str, ...] = ()) -> str:
    """``body`` as compact JSON with its ``"@name@"`` values left as %-fields: a number, or a
    string (whose values must need no JSON escaping)."""
    text = json.dumps(body, separators=(",", ":")).replace("%", "%%")
    for name in numbers:
        text = text.replace(f'"@{name}@"', f"%({name})d")
    for name in strings:
        text = text.replace(f'"@{name}@"', f'"%({name})s"')
    return text


class Lap:
    """One simulated laptop: its outbox sequence, pull cursor and the family it edits, and its
    requests' bytes built once (only the sequence, values, stamps and cursor change)."""

    def __init__(self, spec: dict) -> None:
        self.device_id = spec["device_id"]
        self.n = spec["n"]
        self.family_id = str(uuid.uuid4())
        self.seq = 0
        self.cursor = 0
        self.revision = 0
        self.created = False
        self.edits = 0
        headers = (
            f"Host: {HOST}\r\nAuthorization: Bearer {spec['token']}\r\nContent-Type: application/json\r\n"
            "Content-Encoding: gzip\r\nAccept-Encoding: gzip\r\nUser-Agent: ehdesk-sync\r\nContent-Length: "
        ).encode()
        self.push_head = b"POST /v1/sync/push HTTP/1.1\r\n" + headers
        self.pull_head = b"POST /v1/sync/pull HTTP/1.1\r\n" + headers
        self.stamp_tail = f":0000:{self.device_id[:8]}"
        fields = {
            "town": "@town@",
            "postcode": "@postcode@",
            "notes": "@notes@",
            "client_changed_at": "@stamp@",
        }
        self.edit = _template(
            self._push(fields, "update", "@base@", "@stamp@"),
            numbers=("cursor", "seq", "base"),
            strings=("town", "postcode", "notes", "stamp"),
        )
        self.ask = _template(
            {"schema_version": 3, "device_id": self.device_id, "cursor": "@cursor@", "limit": 500},
            numbers=("cursor",),
        )

    def _push(self, fields: dict, op: str, base: object, stamp: str) -> dict:
        return {
            "schema_version": 3,
            "device_id": self.device_id,
            "cursor": "@cursor@",
            "mutations": [
                {
                    "device_id": self.device_id,
                    "seq": "@seq@",
                    "entity": "family",
                    "row_id": self.family_id,
                    "op": op,
                    "fields": fields,
                    "base_revision": base,
                    "changed_at": stamp,
                }
            ],
        }

    def push_body(self) -> bytes:
        self.seq += 1
        self.edits += 1
        stamp = f"{time.time_ns():020d}{self.stamp_tail}"
        values = {
            "town": f"Town {self.edits}",
            "postcode": f"AB{self.edits % 99} 1CD",
            "notes": f"Visit {self.edits}",
        }
        if self.created:
            text = self.edit % {
                **values,
                "cursor": self.cursor,
                "seq": self.seq,
                "base": self.revision,
                "stamp": stamp,
            }
        else:  # the family's first push creates it (once a laptop: built the plain way)
            fields = {**values, "reference": f"EH-{self.n:05d}", "household_name": f"Household {self.n}"}
            body = self._push({**fields, "client_changed_at": stamp}, "insert", 0, stamp)
            body.update(cursor=self.cursor)
            body["mutations"][0]["seq"] = self.seq
            text = json.dumps(body)
        return zlib.compress(text.encode(), 6, wbits=31)  # gzip, as the laptop sends it

    def pull_body(self) -> bytes:
        return zlib.compress((self.ask % {"cursor": self.cursor}).encode(), 6, wbits=31)


async def push(conn: Connection, lap: Lap) -> None:
    status, content = await conn.post(lap.push_head, lap.push_body())
    if status != 200:
        raise SyncFailed(f"push {status} {content[:120]!r}")
    result = json.loads(content)["results"][0]
    if result["status"] != "applied":
        raise SyncFailed(f"push result {result['status']}")
    lap.created = True
    lap.revision = result["revision"] or lap.revision


async def pull(conn: Connection, lap: Lap) -> int:
    rows = 0
    while True:
        status, content = await conn.post(lap.pull_head, lap.pull_body())
        if status != 200:
            raise SyncFailed(f"pull {status} {content[:120]!r}")
        page = json.loads(content)
        rows += len(page["changes"])
        for change in page["changes"]:
            if change["row_id"] == lap.family_id:
                lap.revision = change["revision"]
        lap.cursor = page["cursor"]
        if not page["has_more"]:
            return rows


async def sync(conn: Connection, lap: Lap) -> int:
    await push(conn, lap)
    return await pull(conn, lap)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def cost_phase(spec: dict, laps: list[Lap]) -> dict:
    """Requests one at a time: the server's CPU per request, free of any queueing."""
    conn = Connection(spec["ports"][0])
    pid = spec["pids"][0]
    lap = laps[0]
    try:
        for _ in range(20):  # warm: the family exists, caches are filled, the cursor is current
            await sync(conn, lap)
        n = spec["cost_requests"]
        cpu0, pg0, wall0 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.perf_counter()
        for _ in range(n):
            await pull(conn, lap)
        cpu1, _, wall1 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.perf_counter()
        for _ in range(n):
            await push(conn, lap)
        cpu2, pg2, wall2 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.perf_counter()
        await pull(conn, lap)
    finally:
        conn.close()
    return {
        "requests": n,
        "pull_ms": (cpu1 - cpu0) * 1000 / n,
        "push_ms": (cpu2 - cpu1) * 1000 / n,
        "pull_wall_ms": (wall1 - wall0) * 1000 / n,
        "push_wall_ms": (wall2 - wall1) * 1000 / n,
        "pg_ms_per_sync": (pg2 - pg0) * 1000 / n,
    }


async def throughput_phase(spec: dict, laps: list[Lap]) -> dict:
    by_team: dict[int, Lap] = {}
    for lap, info in zip(laps, spec["laptops"], strict=True):
        by_team.setdefault(info["team"], lap)
    chosen = list(by_team.values())[1 : spec["clients"] + 1]  # team 0's laptop did the cost phase
    conns = [Connection(spec["ports"][0]) for _ in chosen]  # a connection each, kept alive
    pid = spec["pids"][0]
    latencies: list[float] = []
    errors: list[str] = []

    async def small_sync(conn: Connection, lap: Lap) -> None:
        # Each laptop is alone in its team here: a pull that is not empty is not a small sync.
        if await sync(conn, lap):
            raise SyncFailed("the pull was not empty")

    try:
        await asyncio.gather(*(sync(c, lap) for c, lap in zip(conns, chosen, strict=True)))  # the family
        await asyncio.gather(*(small_sync(c, lap) for c, lap in zip(conns, chosen, strict=True)))
        stop = time.perf_counter() + spec["throughput_seconds"]

        async def loop(conn: Connection, lap: Lap) -> None:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    await small_sync(conn, lap)
                    latencies.append((time.perf_counter() - t0) * 1000)
                except Exception as exc:  # noqa: BLE001  (counted and sampled)
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])

        cpu0, pg0, me0, wall0 = (
            cpu_seconds(pid),
            postgres_cpu_seconds(spec["database"]),
            time.process_time(),
            time.perf_counter(),
        )
        await asyncio.gather(*(loop(c, lap) for c, lap in zip(conns, chosen, strict=True)))
        cpu1, pg1, me1, wall1 = (
            cpu_seconds(pid),
            postgres_cpu_seconds(spec["database"]),
            time.process_time(),
            time.perf_counter(),
        )
    finally:
        for conn in conns:
            conn.close()
    syncs = len(latencies)
    seconds = wall1 - wall0
    return {
        "clients": len(chosen),
        "seconds": seconds,
        "syncs": syncs,
        "errors": len(errors),
        "error_samples": errors[:10],
        "syncs_per_s": syncs / seconds,
        "server_ms_per_sync": (cpu1 - cpu0) * 1000 / max(syncs, 1),
        "server_busy": (cpu1 - cpu0) / seconds,
        "pg_ms_per_sync": (pg1 - pg0) * 1000 / max(syncs, 1),
        "generator_ms_per_sync": (me1 - me0) * 1000 / max(syncs, 1),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
    }


async def fleet_phase(spec: dict, laps: list[Lap]) -> dict:
    # A connection per laptop, as laptops have, alternating between the processes.
    own = [Connection(spec["ports"][i % len(spec["ports"])]) for i in range(len(laps))]
    period = spec["period"]
    seconds = spec["fleet_seconds"]
    rng = random.Random(20)
    latencies: list[float] = []
    lateness: list[float] = []
    per_process = [0] * len(spec["ports"])
    rows = 0
    errors: list[str] = []
    origin = stop = 0.0

    async def laptop(i: int, lap: Lap) -> None:
        nonlocal rows
        client_no = i % len(spec["ports"])
        conn = own[i]
        due = origin + rng.uniform(0, period)  # the jittered start
        while due < stop:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            began = time.perf_counter()
            lateness.append((began - due) * 1000)
            try:
                got = await sync(conn, lap)  # not "rows += await ...": that reads rows before waiting
                rows += got
                latencies.append((time.perf_counter() - due) * 1000)
                per_process[client_no] += 1
            except Exception as exc:  # noqa: BLE001  (counted and sampled)
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            due += period * rng.uniform(0.95, 1.05)

    try:
        # Every laptop has synced before (its family is on the server, its cursor current): the
        # fleet is measured in its steady state, not at its first sync.
        gate = asyncio.Semaphore(32)

        async def first(i: int, lap: Lap) -> None:
            async with gate:
                if not lap.created:
                    await sync(own[i], lap)
                await sync(own[i], lap)

        await asyncio.gather(*(first(i, lap) for i, lap in enumerate(laps)))
        origin = time.perf_counter() + 1.0
        stop = origin + seconds
        cpus0, me0 = [cpu_seconds(pid) for pid in spec["pids"]], time.process_time()
        await asyncio.gather(*(laptop(i, lap) for i, lap in enumerate(laps)))
        elapsed = time.perf_counter() - origin
        cpus1, me1 = [cpu_seconds(pid) for pid in spec["pids"]], time.process_time()
    finally:
        for conn in own:
            conn.close()
    syncs = len(latencies)
    return {
        "laptops": len(laps),
        "period": period,
        "seconds": elapsed,
        "syncs": syncs,
        "syncs_per_s": syncs / elapsed,
        "per_process_syncs_per_s": [n / elapsed for n in per_process],
        "errors": len(errors),
        "error_samples": errors[:10],
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=float("nan")),
        "late_p99": percentile(lateness, 0.99),
        "server_ms_per_sync": sum(b - a for a, b in zip(cpus0, cpus1, strict=True)) * 1000 / max(syncs, 1),
        "generator_ms_per_sync": (me1 - me0) * 1000 / max(syncs, 1),
        "rows_per_sync": rows / max(syncs, 1),
    }


def generate(spec_file: Path) -> None:
    spec = json.loads(spec_file.read_text())
    laps = [Lap(info) for info in spec["laptops"]]
    results: dict = {}

    async def run() -> None:
        if "cost" in spec["phases"]:
            results["cost"] = await cost_phase(spec, laps)
        if "throughput" in spec["phases"]:
            results["throughput"] = await throughput_phase(spec, laps)
        if "fleet" in spec["phases"]:
            results["fleet"] = await fleet_phase(spec, laps)

    asyncio.run(run())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
