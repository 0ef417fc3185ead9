"""Requests for support: recording one, and the decision about it (DESIGN.md §1, step 1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.families import _family_or_404
from ehdesk.casework.records import live, set_fields
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Referral

REFERRAL_FIELDS = (
    "received_on",
    "source",
    "presenting_needs",
    "primary_reason",
    "level_of_need",
    "outcome",
    "outcome_on",
    "consent_obtained",
    "summary",
)


@dataclass(frozen=True)
class ReferralView:
    id: str
    family_id: str
    received_on: date
    source: str
    presenting_needs: list[str]
    level_of_need: int | None
    outcome: str
    outcome_on: date | None
    consent_obtained: bool
    summary: str
    primary_reason: str = ""


def _view(r: Referral) -> ReferralView:
    return ReferralView(id=r.id, family_id=r.family_id, **{n: getattr(r, n) for n in REFERRAL_FIELDS})


def clean_referral(data: dict, pack: CouncilPack | None = None, today: date | None = None) -> dict:
    pack = pack or current_pack()
    today = today or date.today()
    unknown = set(data) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValueError(f"unknown referral fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned = dict(data)
    received = data.get("received_on")
    if received is None:
        errors["received_on"] = "The date the request was received is missing."
    elif received > today:
        errors["received_on"] = f"The date received {show_date(received)} is in the future."
    source = data.get("source", "")
    if source and source not in pack.codes("referral_sources"):
        errors["source"] = "Choose who made the request from the list."
    needs = list(data.get("presenting_needs") or [])
    bad = [n for n in needs if n not in pack.codes("presenting_factors")]
    if bad:
        errors["presenting_needs"] = "Choose the presenting needs from the list."
    cleaned["presenting_needs"] = needs
    primary = data.get("primary_reason") or ""
    if primary and primary not in needs:
        errors["primary_reason"] = "The primary reason must be one of the presenting needs ticked."
    cleaned["primary_reason"] = primary
    level = data.get("level_of_need")
    if level is not None and level not in pack.codes("levels_of_need"):
        errors["level_of_need"] = "Choose a level of need from the list."
    outcome = data.get("outcome", "")
    if outcome and outcome not in pack.codes("referral_outcomes"):
        errors["outcome"] = "Choose an outcome from the list."
    outcome_on = data.get("outcome_on")
    if outcome and outcome_on is None:
        errors["outcome_on"] = "Give the date the outcome was decided."
    elif outcome_on is not None:
        if not outcome:
            errors["outcome"] = "Choose the outcome that was decided on that date."
        elif outcome_on > today:
            errors["outcome_on"] = f"The outcome date {show_date(outcome_on)} is in the future."
        elif received is not None and outcome_on < received:
            errors["outcome_on"] = "The outcome date is before the request was received."
    cleaned["summary"] = (data.get("summary") or "").strip()
    cleaned["source"] = source
    cleaned["outcome"] = outcome
    cleaned["consent_obtained"] = bool(data.get("consent_obtained", False))
    if errors:
        raise ValidationError(errors)
    return cleaned


def list_referrals(session: Session, family_id: str) -> list[ReferralView]:
    rows = session.scalars(
        select(Referral)
        .where(Referral.family_id == family_id, Referral.deleted.is_(False))
        .order_by(Referral.received_on.desc())
    ).all()
    return [_view(r) for r in rows]


def record_referral(
    session: Session, family_id: str, data: dict, pack: CouncilPack | None = None, today: date | None = None
) -> str:
    _family_or_404(session, family_id)
    referral = Referral(family_id=family_id, **clean_referral(data, pack, today))
    session.add(referral)
    audit.record(session, "change", "referral", referral.id, family_id, change="create")
    return referral.id


def update_referral(
    session: Session, referral_id: str, changes: dict, pack: CouncilPack | None = None
) -> None:
    referral = live(session, Referral, referral_id, "request for support")
    current = {n: getattr(referral, n) for n in REFERRAL_FIELDS}
    current.update(changes)
    cleaned = clean_referral(current, pack)
    if set_fields(referral, {name: cleaned[name] for name in REFERRAL_FIELDS}):
        audit.record(session, "change", "referral", referral_id, referral.family_id, fields=sorted(changes))


def record_outcome(
    session: Session, referral_id: str, outcome: str, outcome_on: date, pack: CouncilPack | None = None
) -> None:
    update_referral(session, referral_id, {"outcome": outcome, "outcome_on": outcome_on}, pack)
