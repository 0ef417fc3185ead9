"""The changes the council server refused, as this laptop keeps them (``RefusedChange``).

A refused change is kept aside on the server for IT (``ehdesk-server admin refused``) and stays on
this laptop's record, so the worker's record and the council's differ. Until this was kept the
worker heard only a count ("The server refused 1 change: ask IT."). Now each refusal is copied
from the outbox as the push reply is recorded (in the same transaction that forgets the outbox
entry), and the server's reason is asked for afterwards, once, for those without one
(``/v1/sync/refusals``: not in the push reply, which a laptop of the release before would refuse
as an unknown field).

A change the server answered as already applied ("duplicate": sent again because the laptop
stopped before recording the reply) may have been refused the first time. It is kept here
unconfirmed, and the server's answer decides: listed as refused, it is shown like any refusal;
not listed, it was applied and is forgotten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ehdesk.models import AuditEvent, Family, FamilyScoped, OutboxEntry, RefusedChange, model_for_table

# What a worker sees instead of a table's name, where the name alone does not say it.
ENTITY_LABELS = {
    "family": "Family details",
    "person": "Family member",
    "referral": "Request for support",
    "episode": "Episode",
    "consent": "Consent",
    "taf_meeting": "TAF meeting",
    "episode_closure": "Case closure",
    "team_move_request": "Request to move the family to another team",
    "audit_event": "Record of an action",
    "sync_conflict": "Conflict choice",
    "user_account": "Worker's account",
}
_OPS = {"insert": "New", "update": "Change to", "delete": "Removal of"}


def entity_label(entity: str) -> str:
    """A table's name in words: "TAF meeting", "Supervision"."""
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


@dataclass(frozen=True)
class RefusalView:
    seq: int
    family_id: str | None
    household: str  # the family's household name, "" for a change to no family
    reference: str  # the family's reference
    what: str  # "New supervision", "Change to TAF meeting (override by, override reason)"
    reason: str  # the server's words, or a sentence saying it has not said yet
    refused_at: datetime  # when this laptop recorded the server's reply


REASON_NOT_GIVEN = "The council server has not said why (it may need updating)."


def keep_refused(session: Session, refused: dict[int, bool]) -> None:
    """Copy these outbox entries (seq -> confirmed: the reply said refused, rather than already
    applied) into ``refused_change`` before they are forgotten. An entry refused again (the same
    batch sent twice) is kept once. Audit events are not kept: they are the laptop's record of
    what the worker did, not the worker's words, and nothing the worker can do about them (a view
    of a family that has just moved away); IT sees them with ``admin refused``."""
    if not refused:
        return
    seqs = sorted(refused)
    held = set()
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        held |= set(session.scalars(select(RefusedChange.seq).where(RefusedChange.seq.in_(chunk))))
        entries = session.execute(
            select(
                OutboxEntry.seq,
                OutboxEntry.entity,
                OutboxEntry.row_id,
                OutboxEntry.op,
                OutboxEntry.fields,
                OutboxEntry.changed_at,
            ).where(OutboxEntry.seq.in_(chunk), OutboxEntry.entity != "audit_event")
        ).all()
        for seq, entity, row_id, op, fields, changed_at in entries:
            if seq in held:
                if refused[seq]:
                    session.execute(
                        update(RefusedChange).where(RefusedChange.seq == seq).values(confirmed=True)
                    )
                continue
            session.add(
                RefusedChange(
                    seq=seq,
                    entity=entity,
                    row_id=row_id,
                    family_id=_family_of(session, entity, row_id, fields),
                    op=op,
                    fields=fields,
                    changed_at=changed_at,
                    confirmed=refused[seq],
                )
            )
    session.flush()


def _family_of(session: Session, entity: str, row_id: str, fields: dict) -> str | None:
    if entity == "family":
        return row_id
    family_id = fields.get("family_id")
    if isinstance(family_id, str) and family_id:
        return family_id
    try:
        model = model_for_table(entity)
    except KeyError:
        return None
    if issubclass(model, FamilyScoped | AuditEvent):
        return session.scalar(select(model.family_id).where(model.id == row_id))
    return None


def to_ask(session: Session) -> list[int]:
    """Refusals still shown that the server has not given its reason for, and changes it may have
    refused."""
    return list(
        session.scalars(
            select(RefusedChange.seq)
            .where(
                ((RefusedChange.reason == "") & RefusedChange.dismissed.is_(False))
                | RefusedChange.confirmed.is_(False)
            )
            .order_by(RefusedChange.seq)
        )
    )


def record_answer(session: Session, asked: list[int], reasons: dict[int, str]) -> int:
    """The server's answer for ``asked``: each refusal's reason. A change it does not list was not
    refused (it was applied, and only answered again): forgotten, unless the push reply itself
    said refused (then it stays, waiting for a reason). Returns how many changes answered as
    already applied it says it had refused."""
    unconfirmed = set(session.scalars(select(RefusedChange.seq).where(RefusedChange.confirmed.is_(False))))
    for seq, reason in reasons.items():
        session.execute(
            update(RefusedChange)
            .where(RefusedChange.seq == seq)
            .values(reason=(reason or "")[:200], confirmed=True)
        )
    applied = [seq for seq in asked if seq not in reasons]
    for start in range(0, len(applied), 500):
        session.execute(
            delete(RefusedChange).where(
                RefusedChange.seq.in_(applied[start : start + 500]), RefusedChange.confirmed.is_(False)
            )
        )
    return len(unconfirmed & set(reasons))


def forget_unconfirmed(session: Session) -> None:
    """The server cannot say which changes it refused (the release before): those it answered as
    already applied are taken as applied, as they were before refusals were kept."""
    session.execute(delete(RefusedChange).where(RefusedChange.confirmed.is_(False)))


def open_refusals(session: Session, family_id: str | None = None) -> list[RefusalView]:
    """Refusals the worker has not dismissed, oldest first (of one family, when given)."""
    query = select(RefusedChange).where(RefusedChange.listed())
    if family_id is not None:
        query = query.where(RefusedChange.family_id == family_id)
    refusals = list(session.scalars(query.order_by(RefusedChange.seq)))
    family_ids = sorted({r.family_id for r in refusals if r.family_id})
    names = {
        family_id: (name, reference)
        for family_id, name, reference in session.execute(
            select(Family.id, Family.household_name, Family.reference).where(Family.id.in_(family_ids))
        )
    }
    return [
        RefusalView(
            seq=r.seq,
            family_id=r.family_id,
            household=names.get(r.family_id or "", ("", ""))[0],
            reference=names.get(r.family_id or "", ("", ""))[1],
            what=_what(r),
            reason=r.reason or REASON_NOT_GIVEN,
            refused_at=r.refused_at,
        )
        for r in refusals
    ]


def _what(r: RefusedChange) -> str:
    label = entity_label(r.entity)
    if label[1:2].islower():  # "New supervision", but "Change to TAF meeting"
        label = label[0].lower() + label[1:]
    text = f"{_OPS.get(r.op, 'Change to')} {label}"
    if r.op == "update":
        names = [k for k in sorted(r.fields) if k not in ("family_id", "client_changed_at", "deleted")]
        if names:
            text += f" ({', '.join(n.replace('_', ' ') for n in names[:4])}{', …' if len(names) > 4 else ''})"
    return text


def dismiss(session: Session, seq: int) -> None:
    """The worker has dealt with this refusal: it is no longer shown (its row stays, for the
    profile's own history, until the family leaves the laptop)."""
    session.execute(update(RefusedChange).where(RefusedChange.seq == seq).values(dismissed=True))


def open_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(RefusedChange.listed())) or 0
