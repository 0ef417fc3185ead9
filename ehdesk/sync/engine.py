"""One sync: push the outbox, then pull the change log, reporting an honest status as it goes.

Push sends the outbox in small batches; the server's reply names the last sequence it holds for
this device, and only then are those entries forgotten here. The entry with that sequence is
kept as a high-water mark (SQLite hands out ``max(seq) + 1``, so the mark stops a sequence number
ever being reused). Pull applies page by page, each page and its cursor in one transaction.
Any interruption leaves a state from which the next sync simply carries on."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from ehdesk.errors import EhdeskError
from ehdesk.models import Blob, BlobOnServer, Family, SyncConflict, Team, User
from ehdesk.store import ProfileManager, Store
from ehdesk.store.changes import ChangeSet
from ehdesk.sync import protocol as p
from ehdesk.sync.apply import (
    ACKED_KEY,
    CURSOR_KEY,
    apply_page,
    pending_count,
    purge_family,
    read_int,
    wipe_everything,
    write_state,
)
from ehdesk.sync.client import RETRY_STATUSES, Offline, SignedOut, SyncClient, SyncRefused
from ehdesk.sync.framing import MAX_BATCH_BLOBS, MAX_BATCH_DATA, read_ahead
from ehdesk.sync.outbox_batches import OutboxBatch, acknowledge, combine, read_batch
from ehdesk.sync.refusals import forget_unconfirmed, record_answer, to_ask
from ehdesk.sync.refusals import open_count as refused_count
from ehdesk.sync.snapshot import COMMIT_ROWS as SNAPSHOT_COMMIT_ROWS
from ehdesk.sync.snapshot import Committed, SnapshotWriter, collector_paused, snapshot_progress
from ehdesk.sync.status import SyncStatus

# Rows per snapshot frame: a few megabytes of JSON, one transaction each on the laptop.
SNAPSHOT_ROWS = 5000
# Pushed changes the server took, recorded here (forgotten from the outbox, revisions stamped) in
# one transaction at a time: a transaction per 500-change batch was half the laptop's time in a
# first push, rewriting the same pages again and again. A laptop stopped before recording sends
# those batches again and the server acknowledges them as already applied (exactly once).
ACK_EVERY = 5000


@dataclass
class SyncSummary:
    pushed: int = 0
    pulled: int = 0
    purged_families: int = 0
    # The families this sync took off the laptop (moved to a team outside the worker's scope, or
    # the worker moved): a record of one left open is closed.
    left_families: list[str] = field(default_factory=list)
    conflicts_new: int = 0
    refused: int = 0
    blobs_sent: int = 0
    blobs_received: int = 0
    # The first sync as a snapshot: frames written, and how often it resumed after a cut.
    snapshot_frames: int = 0
    snapshot_resumes: int = 0
    snapshot_rows: int = 0  # rows and blobs written from snapshot frames
    snapshot_revision: int = 0
    wiped: bool = False
    # The worker's role, when this sync brought a new one from the council (``ehdesk-server admin
    # set-role``): the desktop adds or takes away the manager's screens.
    role_now: str | None = None
    # The name of the worker's new team, when this sync followed them there (``admin move-user``).
    team_now: str | None = None
    status: SyncStatus = field(default_factory=SyncStatus)
    # What the pulled pages brought, so open screens refresh (the desktop's ``changes``).
    changes: ChangeSet = field(default_factory=ChangeSet)

    def text(self) -> str:
        if self.wiped:
            return "The council wiped this profile: every record on this laptop was removed."
        parts = [
            f"Sent {self.pushed} change{'s' if self.pushed != 1 else ''}",
            f"received {self.pulled}",
        ]
        if self.purged_families:
            parts.append(f"{self.purged_families} famil{'ies' if self.purged_families != 1 else 'y'} removed")
        if self.refused:
            parts.append(f"{self.refused} refused by the server")
        if self.conflicts_new:
            parts.append(f"{self.conflicts_new} new conflict{'s' if self.conflicts_new != 1 else ''}")
        if self.role_now:
            parts.append(f"the council has made you {p.role_with_article(self.role_now)}")
        if self.team_now:
            parts.append(f'the council has moved you to team "{self.team_now}"')
        return ", ".join(parts) + f". {self.status.text()}."


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: SyncClient,
        on_status: Callable[[SyncStatus], None] | None = None,
        push_batch: int = p.DEFAULT_PUSH_BATCH,
        pull_page: int = p.DEFAULT_PULL_PAGE,
        snapshot_rows: int = SNAPSHOT_ROWS,
    ) -> None:
        self.store = store
        self.client = client
        self.on_status = on_status
        self.push_batch = push_batch
        self.pull_page = pull_page
        self.snapshot_rows = snapshot_rows
        # Rows and blobs a snapshot commits at a time (SnapshotWriter): tests set 1 to commit
        # every frame.
        self.snapshot_commit_rows = SNAPSHOT_COMMIT_ROWS
        # Changes the server took that are recorded here at a time (ACK_EVERY; tests set 1 to
        # record every batch as it is answered).
        self.ack_every = ACK_EVERY
        self.status = SyncStatus()
        self._skip_pull_upto: int | None = None
        self._snapshot_revision = 0
        if client.on_refresh_token is None:
            from ehdesk.sync.tokens import save_refresh_token

            client.on_refresh_token = lambda token: save_refresh_token(store, token)
        self.refresh_counts(report=False)

    # -- status -------------------------------------------------------------------------------

    def _report(self, **changes) -> None:
        self.status = self.status.with_(**changes)
        if self.on_status is not None:
            self.on_status(self.status)

    def counts(self) -> tuple[int, int]:
        with self.store.session() as s:
            waiting = pending_count(s)
            conflicts = s.scalar(
                select(func.count()).where(SyncConflict.status == "open", SyncConflict.deleted.is_(False))
            )
        return waiting, conflicts or 0

    def tallies(self) -> dict[str, int]:
        """What the status bar counts: changes waiting, open conflicts, and refused changes the
        worker has not dealt with."""
        waiting, conflicts = self.counts()
        with self.store.session() as s:
            refused = refused_count(s)
        return {"waiting": waiting, "conflicts": conflicts, "refused": refused}

    def refresh_counts(self, report: bool = True) -> SyncStatus:
        self.status = self.status.with_(**self.tallies())
        if report and self.on_status is not None:
            self.on_status(self.status)
        return self.status

    # -- one sync -----------------------------------------------------------------------------

    def sync(self) -> SyncSummary:
        summary = SyncSummary()
        self._skip_pull_upto = None
        self._report(state="syncing", percent=0, last_error="", signed_out=False)
        try:
            self._push(summary)
            self._push_blobs(summary)
            self._pull(summary)
            if not summary.wiped:  # (a laptop to be wiped may only receive the wipe)
                self._follow_team(summary)
                self._explain_refusals(summary)
        except Offline as exc:
            self._fail("offline", exc)
            raise
        except EhdeskError as exc:
            self._fail("error", exc)
            raise
        except Exception as exc:
            self._fail("error", EhdeskError(f"Sync stopped unexpectedly ({type(exc).__name__})."))
            raise
        self._mark_online(summary)
        self._report(state="up_to_date", percent=100, last_synced_at=datetime.now(UTC), **self.tallies())
        summary.status = self.status
        return summary

    def _mark_online(self, summary: SyncSummary) -> None:
        """Profiles expire when not seen online for N days: this sync counts as seen. And the
        worker's role and team as the council now has them, which came with the pulled user rows,
        are kept in ``profile.json``, where the sign-in and the screens read them: without this a
        worker made a manager on the server stayed a practitioner on the laptop for good."""
        profile = self.store.profile
        changes: dict[str, str] = {"last_online_at": datetime.now(UTC).isoformat()}
        user = self._user_on_server()
        role = user.role if user is not None and user.role in p.ROLES else None
        if role is not None and role != profile.role:
            changes["role"] = role
        if user is not None and user.team_id and user.team_id != profile.team_id:
            changes["team_id"] = user.team_id
        try:
            updated = ProfileManager(profile.path.parent.parent).update_profile(profile, **changes)
        except OSError:
            return  # the sync itself succeeded; both are refreshed at the next one
        if "role" in changes or "team_id" in changes:
            # Read by the casework as each act is done (``actor_role``): the new role holds at once.
            self.store.profile = updated
        if "role" in changes:
            summary.role_now = role

    def _user_on_server(self) -> User | None:
        """This worker's own user row, as the council last sent it (detached: read its columns)."""
        user_id = self.store.profile.user_id
        if not user_id:
            return None
        with self.store.session() as s:
            user = s.get(User, user_id)
            if user is None or user.deleted:
                return None
            s.expunge(user)
            return user

    def _follow_team(self, summary: SyncSummary) -> None:
        """The council moved this worker to another team (``ehdesk-server admin move-user``): their
        own user row, pulled with the new team's staff, names it. The server no longer gives or
        takes the old team's families, so they leave this laptop (as a family moved away does),
        and the new team's arrive as a first sync takes them, from cursor 0. An admin's laptop
        holds every team's families: nothing to follow."""
        user = self._user_on_server()
        profile = self.store.profile
        if user is None or not user.team_id or not profile.team_id or user.team_id == profile.team_id:
            return
        if profile.role == "admin" or user.role == "admin":
            return
        with self.store.session(applying_remote=True) as s:
            gone = list(
                s.scalars(
                    select(Family.id).where(Family.team_id.is_not(None), Family.team_id != user.team_id)
                )
            )
            for family_id in gone:
                purge_family(s, family_id)
            write_state(s, CURSOR_KEY, 0)
            team = s.get(Team, user.team_id)
            summary.team_now = team.name if team is not None else "a new team"
        summary.purged_families += len(gone)
        summary.left_families += gone
        summary.changes = ChangeSet(everything=True)
        self._pull(summary)  # from cursor 0: the new team's families, as a snapshot

    def _fail(self, state: str, exc: Exception) -> None:
        self._report(
            state=state, last_error=str(exc), signed_out=isinstance(exc, SignedOut), **self.tallies()
        )

    # -- push ---------------------------------------------------------------------------------

    def _push(self, summary: SyncSummary) -> None:
        """The outbox in batches, one request at a time (the server applies a device's batches
        strictly in order). While the server applies one batch, the laptop reads and compresses
        the next and records those before (every ``ack_every`` changes, at the end, and before a
        failure is reported), so neither side waits for the other's work."""
        total = max(self.counts()[0], 1)
        with self.store.session() as s:
            acked = read_int(s, ACKED_KEY)
        cursor = int(self.store.get_state(CURSOR_KEY, "0") or 0)
        batch = read_batch(self.store, acked, self.push_batch)
        if batch is None:
            return
        in_flight = _Background(
            self.client.push_prepared, self.client.prepare_push(batch.mutations_json), cursor
        )
        # Batches the server took that are not recorded here yet, and their number of changes.
        taken: list[tuple[OutboxBatch, p.PushResponse]] = []
        held = 0
        while True:
            following = read_batch(self.store, batch.last_seq, self.push_batch)
            upcoming = None if following is None else self.client.prepare_push(following.mutations_json)
            try:
                reply = in_flight.result()
            except Exception:
                if taken:  # what the server took before this failure is recorded as taken
                    acknowledge(self.store, *combine(taken), cursor)
                raise
            if reply.last_seq < batch.last_seq:
                if taken:
                    acknowledge(self.store, *combine(taken), cursor)
                raise EhdeskError(
                    "The council server did not take every change. They are kept to send again."
                )
            if not reply.pull_needed:
                # Nothing new for this laptop up to the server's newest revision.
                cursor = max(reply.revision, cursor)
            if following is not None:
                in_flight = _Background(self.client.push_prepared, upcoming, cursor)
            taken.append((batch, reply))
            held += len(batch.entries)
            if following is None or held >= self.ack_every:
                try:
                    acknowledge(self.store, *combine(taken), cursor)
                except BaseException:
                    if following is not None:
                        in_flight.wait()  # a batch sent is answered before the sync reports its failure
                    raise
                taken, held = [], 0
            if not reply.pull_needed:
                self._skip_pull_upto = reply.revision
            summary.pushed += sum(1 for r in reply.results if r.status in ("applied", "conflict"))
            summary.refused += sum(1 for r in reply.results if r.status == "refused")
            summary.conflicts_new += sum(r.conflicts for r in reply.results)
            done = summary.pushed + summary.refused
            self._report(percent=min(50, int(50 * done / total)), waiting=max(total - done, 0))
            if following is None:
                return
            batch = following

    def _explain_refusals(self, summary: SyncSummary) -> None:
        """Ask the server why it refused the changes kept without a reason, and whether it had
        refused those it answered as already applied (``refusals``): one request, and only when
        there are any. A server of the release before cannot say: those answered as applied are
        taken as applied, and the refusals stay without a reason."""
        with self.store.session() as s:
            asked = to_ask(s)
        if not asked:
            return
        reasons: dict[int, str] = {}
        try:
            for start in range(0, len(asked), p.MAX_REFUSAL_QUERY):
                reasons.update(self.client.refusals(asked[start : start + p.MAX_REFUSAL_QUERY]))
        except SyncRefused as exc:
            if exc.status not in (404, 405):
                raise
            with self.store.session(applying_remote=True) as s:
                forget_unconfirmed(s)
            return
        with self.store.session(applying_remote=True) as s:
            summary.refused += record_answer(s, asked, reasons)

    def _push_blobs(self, summary: SyncSummary) -> None:
        """Blobs go up after the rows that name them (the server checks the family), each only
        once: the server says which it lacks, and ``blob_on_server`` remembers the rest."""
        with self.store.session() as s:
            todo = list(
                s.execute(
                    select(Blob.sha256, Blob.family_id, Blob.media_type).where(
                        Blob.sha256.not_in(select(BlobOnServer.sha256))
                    )
                )
            )
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            missing = set(self.client.blobs_missing([r.sha256 for r in chunk]))
            if self.client.schema_version >= p.SNAPSHOT_SCHEMA:
                self._put_batches([r for r in chunk if r.sha256 in missing], summary)
                with self.store.session(applying_remote=True) as s:
                    for row in chunk:
                        if row.sha256 not in missing:
                            s.merge(BlobOnServer(sha256=row.sha256))
                continue
            for row in chunk:
                if row.sha256 in missing:
                    with self.store.session() as s:
                        data = s.get(Blob, row.sha256).data
                    try:
                        self.client.put_blob(row.sha256, data, row.media_type, row.family_id)
                    except SyncRefused as exc:
                        if exc.status in (404, 413, 422):
                            continue  # not accepted (yet): kept here, tried again next sync
                        raise
                    summary.blobs_sent += 1
                with self.store.session(applying_remote=True) as s:
                    s.merge(BlobOnServer(sha256=row.sha256))

    def _put_batches(self, rows: list, summary: SyncSummary) -> None:
        """Up to 500 blobs or 8 MB a request; what the server now holds is recorded in one
        transaction per batch. A blob it refused stays here and is offered again next sync."""
        batch: list[tuple[str, str, str | None, bytes]] = []
        size = 0
        loaded: dict[str, bytes] = {}
        for i, row in enumerate([*rows, None]):
            if row is not None:
                if i % 100 == 0:  # read a hundred at a time (a transaction a blob cost more)
                    with self.store.session() as s:
                        wanted = [r.sha256 for r in rows[i : i + 100]]
                        loaded = dict(
                            s.execute(select(Blob.sha256, Blob.data).where(Blob.sha256.in_(wanted))).all()
                        )
                found = loaded.pop(row.sha256, None)
                if found is None:
                    continue
                data = found
            if batch and (row is None or len(batch) >= MAX_BATCH_BLOBS or size + len(data) > MAX_BATCH_DATA):
                results = self.client.put_blobs(batch)
                held = [r.sha256 for r in results if r.status in ("stored", "present")]
                with self.store.session(applying_remote=True) as s:
                    if held:
                        s.execute(
                            insert(BlobOnServer.__table__)
                            .prefix_with("OR IGNORE")
                            .values([{"sha256": h} for h in held])
                        )
                summary.blobs_sent += sum(1 for r in results if r.status == "stored")
                batch, size = [], 0
            if row is not None:
                batch.append((row.sha256, row.media_type, row.family_id, data))
                size += len(data)

    def _fetch_blobs(self, page: p.PullResponse) -> dict[str, tuple[bytes, str, str | None]]:
        """The page's blobs this laptop lacks, many per request, before the page is applied (so a
        page and its blobs land together)."""
        wanted = {ref.sha256: ref for ref in page.blobs}
        if wanted:
            with self.store.session() as s:
                have = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(sorted(wanted)))))
            for sha256 in have:
                wanted.pop(sha256)
        got: dict[str, tuple[bytes, str, str | None]] = {}
        todo = sorted(wanted)
        while todo:
            batch = self.client.fetch_blobs(todo[:200])
            if not batch:
                break  # the rest are no longer ours to see (moved away): nothing to store
            for blob in batch:
                data = base64.b64decode(blob.data_b64)
                if hashlib.sha256(data).hexdigest() == blob.sha256:
                    got[blob.sha256] = (data, blob.media_type, blob.family_id)
            done = {b.sha256 for b in batch}
            todo = [h for h in todo if h not in done]
        return got

    # -- pull ---------------------------------------------------------------------------------

    def _pull(self, summary: SyncSummary) -> None:
        cursor = int(self.store.get_state(CURSOR_KEY, "0") or 0)
        if self._skip_pull_upto is not None and cursor >= self._skip_pull_upto:
            return  # the push reply said there is nothing to fetch
        if self.client.schema_version >= p.SNAPSHOT_SCHEMA and (
            cursor == 0 or snapshot_progress(self.store)[0]
        ):
            # No cursor yet (or a snapshot cut off): the scope's current rows, not the log's history.
            if self._snapshot(summary):
                return
            cursor = int(self.store.get_state(CURSOR_KEY, "0") or 0)
        start = cursor
        # Families that came into scope, taken as a snapshot during this pull, and at which
        # revision (None: a schema-2 laptop, which takes them from the log).
        held: dict[str, int] | None = {} if self.client.schema_version >= p.SNAPSHOT_SCHEMA else None
        # The next page is fetched while this one is written: the network and the disk overlap.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ehdesk-pull") as ahead:
            upcoming = ahead.submit(self._fetch_page, cursor, held)
            while True:
                page, blobs = upcoming.result()
                if page.wipe:
                    with self.store.session(applying_remote=True) as s:
                        wipe_everything(s)
                    summary.wiped = True
                    summary.changes = ChangeSet(everything=True)
                    return
                if page.cursor == 0 and cursor > 0 and self.client.schema_version >= p.SNAPSHOT_SCHEMA:
                    # The server holds less than this laptop has seen (restored from a backup).
                    with self.store.session(applying_remote=True) as s:
                        write_state(s, CURSOR_KEY, 0)
                    break
                if page.arrived_families and held is not None:
                    # Their current rows as a snapshot (one transaction a frame), not their history.
                    if self._snapshot(summary, families=page.arrived_families, revision=page.head):
                        return  # wiped instead
                    held = {**held, **dict.fromkeys(page.arrived_families, self._snapshot_revision)}
                    summary.changes = summary.changes | ChangeSet.of(
                        (family_id, "family") for family_id in page.arrived_families
                    )
                    upcoming = ahead.submit(self._fetch_page, cursor, held)
                    continue
                if page.has_more:
                    upcoming = ahead.submit(self._fetch_page, page.cursor, held)
                summary.blobs_received += len(blobs)
                with self.store.session(applying_remote=True) as s:
                    summary.pulled += apply_page(s, page, blobs)
                for change in page.changes:
                    stamp = change.fields.get("client_changed_at")
                    if stamp:
                        self.store.clock.observe(stamp)
                summary.purged_families += len(page.remove_families)
                summary.left_families += page.remove_families
                summary.changes = summary.changes | pulled_changes(page)
                cursor = page.cursor
                span = max(page.head - start, 1)
                self._report(percent=50 + int(50 * (cursor - start) / span))
                if not page.has_more:
                    return
        self._pull(summary)  # from cursor 0: a snapshot, then the log

    def _snapshot(self, summary: SyncSummary, families: list[str] | None = None, revision: int = 0) -> bool:
        """Receive and write a snapshot (of the scope, or of ``families`` that came into it, at
        ``revision``), resuming after the last whole frame when the connection drops. Returns True
        when the council wiped this profile instead.

        The cyclic collector waits until the last frame: the frames parse into hundreds of
        thousands of lists and dicts, none in a cycle, and a collection deferred section by section
        still walked them all (0.85 s of a 10,000-family first sync's 10.5 s of laptop CPU). Where
        a Qt application runs, the collector is already off (``ui/main_thread_gc``): nothing changes."""
        with collector_paused():
            return self._receive_snapshot(summary, families, revision)

    def _receive_snapshot(self, summary: SyncSummary, families: list[str] | None, revision: int) -> bool:
        writer = SnapshotWriter(self.store, arrival=bool(families), commit_rows=self.snapshot_commit_rows)
        after = 0
        if not families:
            revision, after = snapshot_progress(self.store)
        failures = 0
        try:
            while True:
                try:
                    frames = self.client.snapshot(revision, after, self.snapshot_rows, families)
                    for frame in read_ahead(frames, writer.prepare):
                        if frame.header.get("wipe"):
                            writer.abandon()
                            with self.store.session(applying_remote=True) as s:
                                wipe_everything(s)
                            summary.wiped = True
                            return True
                        writer.apply(frame)
                        if (done := writer.take_committed()) is not None:
                            revision, after = self._count_committed(summary, done)
                            failures = 0
                        header = frame.header
                        self._report(percent=50 + int(50 * header["upto"] / max(header["revision"], 1)))
                        if frame.last:
                            return False
                    raise Offline("The connection dropped part-way through the first sync.")
                except SyncRefused as exc:
                    if (kept := self._keep_whole_frames(writer, summary)) is not None:
                        revision, after, failures = *kept, 0
                    if exc.status == 422 and revision:
                        revision, after = 0, 0  # that revision is gone (a restored server): start again
                    elif exc.status not in RETRY_STATUSES and exc.status < 500:
                        raise
                    failures += 1
                    if failures > self.client.retries:
                        raise
                except Offline:
                    if (kept := self._keep_whole_frames(writer, summary)) is not None:
                        revision, after, failures = *kept, 0
                    failures += 1
                    if failures > self.client.retries:
                        raise
                summary.snapshot_resumes += 1
                self.client.sleep(min(self.client.backoff * 2 ** (failures - 1), 30.0))
        finally:
            self._keep_whole_frames(writer, summary)  # the laptop stopping: keep what came whole

    def _keep_whole_frames(self, writer: SnapshotWriter, summary: SyncSummary) -> tuple[int, int] | None:
        """The stream stopped early: commit the whole frames written so far, so the snapshot
        resumes after them. Returns the (revision, after) to resume from, if anything committed."""
        writer.flush()
        done = writer.take_committed()
        return None if done is None else self._count_committed(summary, done)

    def _count_committed(self, summary: SyncSummary, done: Committed) -> tuple[int, int]:
        """Progress counts only what is on the disk."""
        summary.pulled += done.rows
        summary.blobs_received += done.blobs
        summary.snapshot_frames += done.frames
        summary.snapshot_rows += done.rows + done.blobs
        summary.snapshot_revision = done.revision
        self._snapshot_revision = done.revision
        return done.revision, done.upto

    def _fetch_page(self, cursor: int, held: dict[str, int] | None = None) -> tuple[p.PullResponse, dict]:
        page = self.client.pull(cursor, self.pull_page, held=held)
        return page, ({} if page.wipe else self._fetch_blobs(page))


def pulled_changes(page: p.PullResponse) -> ChangeSet:
    """The families and kinds of record one pulled page changed or removed."""
    rows = [(c.row_id if c.entity == "family" else c.family_id, c.entity) for c in page.changes]
    rows += [(family_id, "family") for family_id in page.remove_families]
    # Team and worker rows belong to no family and change no family's screens.
    return ChangeSet.of(row for row in rows if row[0])


class _Background:
    """One call on a daemon thread of its own (quitting never waits for it); ``result`` returns
    its value or raises its error where the caller asks for it."""

    def __init__(self, fn: Callable, *args) -> None:
        self._value = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, *args), name="ehdesk-push", daemon=True)
        self._thread.start()

    def _run(self, fn: Callable, *args) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001  (raised again by ``result``)
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value
