"""The wire protocol between a laptop and the council server (DESIGN.md §4), shared by both sides.

Every request carries ``schema_version``; the server accepts the current version and the one
before it, so a laptop that has not been updated yet still syncs. Bodies travel as JSON, gzipped
both ways. Batches are small (a few hundred rows) so that each request fits a 2G/3G link.

Schema 3 adds the snapshot first sync (``SnapshotRequest``, answered with binary frames, see
``ehdesk/sync/framing.py``) and batched blob uploads; a schema-2 laptop keeps replaying the log
and putting blobs one by one, and the server still answers it exactly as before."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# 3: the server sets who, which device and when for audit events (laptops send their chain);
# refresh tokens rotate (a version-3 refresh reply carries the next token); strict types; the
# snapshot first sync and batched blob uploads.
SCHEMA_VERSION = 3
# The first schema with the snapshot first sync and batched blob uploads.
SNAPSHOT_SCHEMA = 3
SUPPORTED_SCHEMA_VERSIONS = frozenset({SCHEMA_VERSION - 1, SCHEMA_VERSION})

MAX_PUSH_BATCH = 500
# The server applies a batch in bulk, so the fixed cost of a request is most of a small batch's:
# a laptop sends as many as the server takes (about 40 KB gzipped; a few seconds on 3G).
DEFAULT_PUSH_BATCH = MAX_PUSH_BATCH
MAX_PULL_PAGE = 2000
DEFAULT_PULL_PAGE = 500
MAX_BLOB_BYTES = 8 * 1024 * 1024

Role = Literal["practitioner", "manager", "admin"]
ROLES: tuple[str, ...] = get_args(Role)


def role_with_article(role: str) -> str:
    """The role with its article, as the admin command and a sync's summary say it: "a manager",
    "an admin"."""
    return f"an {role}" if role[:1] in ("a", "e", "i", "o", "u") else f"a {role}"


# Integers as the database columns hold them (PostgreSQL INTEGER): larger would fail there, not here.
INT32_MAX = 2**31 - 1

ID = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
SHA256 = Field(pattern=r"^[0-9a-f]{64}$")
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Free text on the wire: never a NUL byte (PostgreSQL cannot store one; it would be a 500).
Text = Annotated[str, AfterValidator(_no_nul)]


def Count(ge: int = 0, le: int = INT32_MAX, **kw: Any) -> Any:  # noqa: N802 (a Field factory)
    """A strict, bounded whole number: JSON ``false`` or ``1.9`` is refused, not coerced."""
    return Field(strict=True, ge=ge, le=le, **kw)


class WireModel(BaseModel):
    # Unknown keys are refused: a malformed request changes nothing and says so.
    model_config = ConfigDict(extra="forbid")


class Versioned(WireModel):
    schema_version: int = Count(ge=1, le=1000)


# -- signing in ------------------------------------------------------------------------------


class SignInRequest(Versioned):
    username: Text = Field(min_length=1, max_length=120)
    password: Text = Field(min_length=1, max_length=1024)
    device_name: Text = Field(default="", max_length=120)
    # Signing an existing profile in again (after a password reset, or a refresh token presented
    # twice): the laptop's own device, which keeps its id, outbox sequence and audit chain. Sent
    # only then, so a server of the release before (which refuses unknown fields) still takes
    # first sign-ins; absent, the server registers a new device as it always did. At most 36
    # characters, as the server's device ids (and the audit row naming a refused one) are.
    device_id: str | None = Field(default=None, min_length=1, max_length=36, pattern=r"^[A-Za-z0-9_.:-]+$")


class SignInResponse(WireModel):
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: str
    username: str
    display_name: str
    role: Role
    team_id: str | None
    team_ids: list[str]
    device_id: str


class RefreshRequest(Versioned):
    device_id: str = ID
    refresh_token: Text = Field(min_length=16, max_length=200)


class TokenResponse(WireModel):
    access_token: str
    expires_in: int
    # Version 3: refresh tokens are used once; this is the next one (omitted for version 2).
    refresh_token: str | None = None


# -- push ------------------------------------------------------------------------------------


class Mutation(WireModel):
    """One outbox entry (``ehdesk.models.OutboxEntry``) on the wire."""

    device_id: str = ID
    seq: int = Count(ge=1)
    entity: str = Field(min_length=1, max_length=60, pattern=r"^[a-z_][a-z0-9_]*$")
    row_id: str = ID
    op: Literal["insert", "update", "delete"]
    fields: dict[str, Any] = Field(default_factory=dict, max_length=200)
    base_revision: int = Count()
    changed_at: Text = Field(max_length=64)


class PushRequest(Versioned):
    device_id: str = ID
    mutations: list[Mutation] = Field(max_length=MAX_PUSH_BATCH)
    # The laptop's pull cursor (schema 2): lets the server say whether a pull is needed at all,
    # so one edit costs one round trip.
    cursor: int | None = Count(default=None)


class MutationResult(WireModel):
    seq: int
    # applied | duplicate (already applied before: acknowledged again) | conflict (applied, some
    # fields kept as a conflict) | refused (outside the worker's scope: kept aside, not applied)
    status: Literal["applied", "duplicate", "conflict", "refused"]
    conflicts: int = 0
    # The row's new revision when the laptop already holds exactly what the server has (so it is
    # not sent back by pull): the laptop stamps it on its copy. 0 otherwise.
    revision: int = 0


class PushResponse(WireModel):
    last_seq: int
    results: list[MutationResult]
    # The server's newest revision after this batch.
    revision: int
    # False when nothing after the request's cursor (up to ``revision``) is for this laptop:
    # it may move its cursor to ``revision`` without pulling.
    pull_needed: bool = True


# -- refusals -------------------------------------------------------------------------------

# Changes the laptop records at a time (``engine.ACK_EVERY``): every one of them can be asked about.
MAX_REFUSAL_QUERY = 5000


class RefusalQuery(Versioned):
    """Which of these outbox changes the server refused, and why (``/v1/sync/refusals``, added in
    schema 3's lifetime: a server of the release before answers 404). Asked after a push that
    refused some, or answered some as already applied; never part of the push reply, which a
    laptop of the release before would refuse for an unknown field."""

    device_id: str = ID
    seqs: list[Annotated[int, Count(ge=1)]] = Field(max_length=MAX_REFUSAL_QUERY)


class Refusal(WireModel):
    seq: int
    reason: str


class RefusalResponse(WireModel):
    # Only the asked changes the server refused; a change not listed was applied.
    refusals: list[Refusal]


# -- pull ------------------------------------------------------------------------------------


FamilyId = Annotated[str, ID]
MAX_ARRIVALS = 1000


class PullRequest(Versioned):
    device_id: str = ID
    cursor: int = Count()
    limit: int = Count(default=DEFAULT_PULL_PAGE, ge=1, le=MAX_PULL_PAGE)
    # The laptop takes families that come into its scope as a snapshot of their current rows
    # (``PullResponse.arrived_families``) instead of their rows from the log. Sent only as true:
    # a server without it, and a laptop without it, keep to the log.
    snapshot_arrivals: bool = False
    # Families this laptop holds from such a snapshot, each at the revision it was taken: the log
    # leaves out their rows up to that revision (the laptop has them already).
    held_families: dict[FamilyId, Annotated[int, Count()]] = Field(
        default_factory=dict, max_length=MAX_ARRIVALS
    )


class Change(WireModel):
    revision: int
    entity: str
    row_id: str
    family_id: str | None = None
    # The whole row as the server holds it after this change (JSON-ready column values).
    fields: dict[str, Any]
    deleted: bool = False


class BlobRef(WireModel):
    sha256: str = SHA256
    media_type: str
    family_id: str | None = None


class PullResponse(WireModel):
    changes: list[Change]
    # Families that left this worker's scope since the cursor: purge them from the laptop.
    remove_families: list[str] = Field(default_factory=list)
    # Blobs (content hashes) of families in scope that arrived since the cursor.
    blobs: list[BlobRef] = Field(default_factory=list)
    cursor: int
    has_more: bool
    # The server's newest revision, for "syncing n%".
    head: int
    # The council asked for this profile to be wiped (a lost laptop).
    wipe: bool = False
    # Families that came into this worker's scope since the cursor (only to a laptop that asked
    # with ``snapshot_arrivals``): it takes them as a snapshot at ``head`` and asks again with them
    # in ``held_families``. Such a reply carries no changes and keeps the cursor.
    arrived_families: list[str] = Field(default_factory=list)


# -- blobs -----------------------------------------------------------------------------------


class BlobQuery(Versioned):
    hashes: list[Sha256] = Field(max_length=1000)


class BlobQueryResponse(WireModel):
    missing: list[str]


class BlobStored(WireModel):
    # False: the server already had this document (uploads are idempotent).
    stored: bool


class BlobFetch(Versioned):
    hashes: list[Sha256] = Field(max_length=200)


class BlobData(WireModel):
    sha256: str
    media_type: str
    family_id: str | None = None
    data_b64: str


class BlobFetchResponse(WireModel):
    # Only blobs the worker may see; a response stops short at about MAX_FETCH_BYTES of data (the
    # laptop asks again for the rest).
    blobs: list[BlobData]


MAX_FETCH_BYTES = 2 * 1024 * 1024


# -- snapshot first sync (schema 3) ----------------------------------------------------------


class SnapshotRequest(Versioned):
    """The current rows of the worker's scope as they stood at ``revision`` (0: the server's newest,
    chosen now), from after log position ``after`` (0: the start). A laptop cut off resumes with
    the same revision and the ``upto`` of its last whole frame."""

    device_id: str = ID
    revision: int = Field(default=0, ge=0)
    after: int = Field(default=0, ge=0)
    # What the laptop can unpack, best first; the server answers with the first it also has.
    codecs: list[str] = Field(default_factory=lambda: ["gzip"], max_length=8)
    chunk_rows: int = Field(default=5000, ge=1, le=20000)
    # Only these families' rows (families that came into the worker's scope); empty: the scope.
    families: list[FamilyId] = Field(default_factory=list, max_length=MAX_ARRIVALS)


SNAPSHOT_MEDIA_TYPE = "application/x-ehdesk-snapshot"


# -- batched blob upload (schema 3) ----------------------------------------------------------


class BlobBatchResult(WireModel):
    sha256: str
    # stored (new on the server) | present (it had it) | refused (family not in scope, or no such
    # family) | bad (content does not match its name, or too large)
    status: Literal["stored", "present", "refused", "bad"]


class BlobBatchResponse(WireModel):
    results: list[BlobBatchResult]


class ErrorBody(WireModel):
    detail: str
