"""Everything the family record shows, read in one go off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ehdesk.casework import consent, drafts, episodes, families, referrals
from ehdesk.casework.consent import ConsentView
from ehdesk.casework.episodes import EpisodeView
from ehdesk.casework.families import FamilyView
from ehdesk.casework.referrals import ReferralView


@dataclass(frozen=True)
class RecordData:
    family: FamilyView
    referrals: list[ReferralView]
    consents: list[ConsentView]
    episodes: list[EpisodeView]
    drafts: dict[str, dict]


def load_record(s: Session, family_id: str) -> RecordData:
    return RecordData(
        family=families.get_family(s, family_id),
        referrals=referrals.list_referrals(s, family_id),
        consents=consent.list_consents(s, family_id),
        episodes=episodes.list_episodes(s, family_id),
        drafts=drafts.drafts_for_family(s, family_id),
    )
