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
3. runs the load generator in a process of its own (httpx, async), which
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
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
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
            user = User(username=f"worker{i:05d}", display_name=f"Worker {i}", role="practitioner", team_id=team.id)
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
        sys.exit("Give --database-url (or EHDESK_TEST_DATABASE_URL) of a PostgreSQL server to make a throwaway database in.")
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
        print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} before the run")
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
        print("uptime after the run:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
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
            f"  generator lateness (a sync started after it was due) p99 {fleet['late_p99']:.0f} ms"
        )
        if fleet["error_samples"]:
            print("  error samples:", fleet["error_samples"][:5])


# -- the load generator (its own process) -----------------------------------------------------


class Lap:
    """One simulated laptop: its outbox sequence, pull cursor and the family it edits."""

    def __init__(self, spec: dict) -> None:
        self.device_id = spec["device_id"]
        self.headers = {
            "Authorization": f"Bearer {spec['token']}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Accept-Encoding": "gzip",
            "User-Agent": "ehdesk-sync",
        }
        self.n = spec["n"]
        self.family_id = str(uuid.uuid4())
        self.seq = 0
        self.cursor = 0
        self.revision = 0
        self.created = False
        self.edits = 0

    def push_body(self) -> bytes:
        self.seq += 1
        self.edits += 1
        stamp = f"{time.time_ns():020d}:0000:{self.device_id[:8]}"
        fields = {"town": f"Town {self.edits}", "postcode": f"AB{self.edits % 99} 1CD", "notes": f"Visit {self.edits}"}
        if self.created:
            op, base = "update", self.revision
        else:
            op, base = "insert", 0
            fields.update(reference=f"EH-{self.n:05d}", household_name=f"Household {self.n}")
        fields["client_changed_at"] = stamp
        body = {
            "schema_version": 3,
            "device_id": self.device_id,
            "cursor": self.cursor,
            "mutations": [
                {
                    "device_id": self.device_id,
                    "seq": self.seq,
                    "entity": "family",
                    "row_id": self.family_id,
                    "op": op,
                    "fields": fields,
                    "base_revision": base,
                    "changed_at": stamp,
                }
            ],
        }
        return gzip.compress(json.dumps(body).encode(), compresslevel=6)

    def pull_body(self) -> bytes:
        body = {"schema_version": 3, "device_id": self.device_id, "cursor": self.cursor, "limit": 500}
        return gzip.compress(json.dumps(body).encode(), compresslevel=6)


class SyncFailed(Exception):
    pass


async def push(client, lap: Lap) -> None:
    r = await client.post("/v1/sync/push", content=lap.push_body(), headers=lap.headers)
    if r.status_code != 200:
        raise SyncFailed(f"push {r.status_code} {r.text[:120]}")
    reply = r.json()
    result = reply["results"][0]
    if result["status"] != "applied":
        raise SyncFailed(f"push result {result['status']}")
    lap.created = True
    lap.revision = result["revision"] or lap.revision


async def pull(client, lap: Lap) -> int:
    rows = 0
    while True:
        r = await client.post("/v1/sync/pull", content=lap.pull_body(), headers=lap.headers)
        if r.status_code != 200:
            raise SyncFailed(f"pull {r.status_code} {r.text[:120]}")
        page = r.json()
        rows += len(page["changes"])
        for change in page["changes"]:
            if change["row_id"] == lap.family_id:
                lap.revision = change["revision"]
        lap.cursor = page["cursor"]
        if not page["has_more"]:
            return rows


async def sync(client, lap: Lap) -> int:
    await push(client, lap)
    return await pull(client, lap)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def clients_for(ports: list[int]):
    import httpx

    # Kept-alive connections, as behind a council's reverse proxy.
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=2000)
    return [
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60.0) for port in ports
    ]


async def cost_phase(spec: dict, laps: list[Lap]) -> dict:
    """Requests one at a time: the server's CPU per request, free of any queueing."""
    client = clients_for(spec["ports"][:1])[0]
    pid = spec["pids"][0]
    lap = laps[0]
    async with client:
        for _ in range(20):  # warm: the family exists, caches are filled, the cursor is current
            await sync(client, lap)
        n = spec["cost_requests"]
        cpu0, pg0, wall0 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.perf_counter()
        for _ in range(n):
            await pull(client, lap)
        cpu1, _, wall1 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.perf_counter()
        for _ in range(n):
            await push(client, lap)
        cpu2, pg2, wall2 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.perf_counter()
        await pull(client, lap)
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
    client = clients_for(spec["ports"][:1])[0]
    pid = spec["pids"][0]
    latencies: list[float] = []
    errors = 0
    async with client:
        await asyncio.gather(*(sync(client, lap) for lap in chosen))  # first push: the family
        await asyncio.gather(*(sync(client, lap) for lap in chosen))
        stop = time.perf_counter() + spec["throughput_seconds"]

        async def loop(lap: Lap) -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    await sync(client, lap)
                    latencies.append((time.perf_counter() - t0) * 1000)
                except Exception:  # noqa: BLE001  (counted)
                    errors += 1

        cpu0, pg0, me0, wall0 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.process_time(), time.perf_counter()
        await asyncio.gather(*(loop(lap) for lap in chosen))
        cpu1, pg1, me1, wall1 = cpu_seconds(pid), postgres_cpu_seconds(spec["database"]), time.process_time(), time.perf_counter()
    syncs = len(latencies)
    seconds = wall1 - wall0
    return {
        "clients": len(chosen),
        "seconds": seconds,
        "syncs": syncs,
        "errors": errors,
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
    import httpx

    # A client (one connection) per laptop, as laptops are: one shared pool of a thousand
    # connections costs the generator more than the servers (httpcore scans its pool per request).
    own = [
        httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{spec['ports'][i % len(spec['ports'])]}",
            limits=httpx.Limits(max_connections=1),
            timeout=60.0,
            verify=False,
        )
        for i in range(len(laps))
    ]
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
        client = own[i]
        due = origin + rng.uniform(0, period)  # the jittered start
        while due < stop:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            began = time.perf_counter()
            lateness.append((began - due) * 1000)
            try:
                got = await sync(client, lap)  # not "rows += await ...": that reads rows before waiting
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
        cpus0 = [cpu_seconds(pid) for pid in spec["pids"]]
        await asyncio.gather(*(laptop(i, lap) for i, lap in enumerate(laps)))
        elapsed = time.perf_counter() - origin
    finally:
        for client in own:
            await client.aclose()
    cpus1 = [cpu_seconds(pid) for pid in spec["pids"]]
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
