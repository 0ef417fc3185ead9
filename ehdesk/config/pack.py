"""The council configuration pack: the lists, levels, timescales and publication rules that differ
between councils (DESIGN.md §1). Data under ``resources/packs/<id>/pack.json``, validated here;
nothing in code hard-wires a council's choices."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ehdesk.errors import EhdeskError
from ehdesk.paths import resources_dir


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    code: str
    label: str
    description: str = ""


class Factor(Choice):
    """A presenting factor; ``group`` is a code of ``presenting_factor_groups`` (child, parent,
    family ...), so the return can add them up by group as councils publish them."""

    group: str = ""


class Level(_Strict):
    code: int = Field(ge=1, le=9)
    label: str
    description: str = ""


class Ethnicity(_Strict):
    code: str = Field(min_length=2, max_length=8)
    label: str
    group: str


class Relationship(_Strict):
    code: str
    label: str
    role: str = Field(pattern="^(adult|child)$")


class Heading(_Strict):
    code: str
    label: str
    prompt: str = ""


class AgeBand(_Strict):
    label: str
    unborn: bool = False
    min: int | None = None
    max: int | None = None


class Timescales(_Strict):
    first_taf_within_days: int = Field(default=42, gt=0)
    review_interval_max_days: int = Field(default=84, gt=0)
    episode_limit_days: int = Field(default=365, gt=0)
    # "12 months" is not 365 days across a leap year: when set, the limit is counted in calendar
    # months (the same day of the month, or the month's last day) and wins over the days.
    episode_limit_months: int | None = Field(default=None, gt=0)
    count_working_days: bool = False
    bank_holidays: list[str] = Field(default_factory=list)
    # Some councils treat a family group conference as the family's TAF meeting (it then counts
    # for the first-TAF and review timescales); others hold it beside the TAF.
    family_group_conference_counts_as_taf: bool = False


class Suppression(_Strict):
    min_count_shown: int = Field(default=6, ge=1)
    symbol: str = "c"
    secondary: bool = True
    statement: str


class SupportingFamilies(_Strict):
    """The Supporting Families outcome framework the council reports against (2022-25: ten
    headline outcomes). A results claim needs at least ``min_needs_for_claim`` needs identified
    and significant and sustained progress on each, sustained for ``sustained_days``. Where a
    council sets ``min_criteria`` (Devon: 2 of its 6 early help criteria), a family is eligible
    only with at least that many criteria met."""

    outcomes: list[Choice] = Field(default_factory=list)
    min_needs_for_claim: int = Field(default=3, ge=1)
    sustained_days: int = Field(default=182, ge=0)
    min_criteria: int | None = Field(default=None, ge=1)


class TriageDecision(_Strict):
    code: str
    label: str
    # The decision hands the request to a worker, so "allocated to" must be named.
    allocates: bool = False
    # The request-for-support outcome this decision settles (empty: the request stays undecided).
    referral_outcome: str = ""


class TeamPractice(_Strict):
    """The team around the family and the managers' oversight (issue 16): lists the FOI replies
    ask about (lead professionals' groups, triage, audit grades) and the oversight thresholds."""

    lead_professional_roles: list[Choice]
    triage_forums: list[Choice]
    triage_decisions: list[TriageDecision]
    social_care_decisions: list[Choice]
    step_down_plans: list[Choice]
    network_kinds: list[Choice]
    tie_strengths: list[Choice]
    audit_questions: list[Heading]
    # Best first: the order is the order of the return's table.
    audit_grades: list[Choice]
    no_contact_weeks: int = Field(default=6, gt=0)
    # A plan unchanged across this many TAF reviews in a row is drifting.
    drift_reviews: int = Field(default=2, gt=0)


class TafQuorum(_Strict):
    """Who must take part for a meeting to count as a Team Around the Family meeting."""

    family: bool = True
    other_agencies: int = Field(default=1, ge=0)
    # An agency that sent apologies with a written update counts as taking part.
    written_update_counts: bool = True
    # The early help service's own agency codes: the worker's presence is not "another agency".
    own_service_agencies: list[str] = Field(default_factory=lambda: ["family_service"])


class Thresholds(_Strict):
    """What makes early help the wrong place without a manager's decision (step up, or continue
    with a reason) before the assessment is signed off."""

    levels: list[int] = Field(default_factory=lambda: [4])
    # Answers of the assessment's "Is this child part of another plan?" that are statutory.
    statutory_plans: list[str] = Field(
        default_factory=lambda: ["child_protection", "child_in_need", "looked_after"]
    )


class AgreementWords(_Strict):
    """The agreement's pack-held words in another language (the team's phone number stays as it
    is). A field left out prints in English."""

    worker_will: list[str] | None = None
    worker_will_not: list[str] | None = None
    short_term_limit: str | None = None
    working_hours: str | None = None
    out_of_hours: str | None = None
    # Agency code -> its name in this language (the pack's agency labels are English).
    agencies: dict[str, str] = Field(default_factory=dict)


class AgreementContent(_Strict):
    """What the agreement must tell the family, filled into the template's placeholders."""

    worker_will: list[str] = Field(default_factory=list)
    worker_will_not: list[str] = Field(default_factory=list)
    short_term_limit: str = "up to 12 months"
    working_hours: str = "Monday to Friday, 9am to 5pm"
    team_phone: str = ""
    out_of_hours: str = ""
    # Language name (as recorded for the family, e.g. "Polish") -> these words in it, for the
    # family's copy where resources/agreements holds the template in that language.
    translations: dict[str, AgreementWords] = Field(default_factory=dict)

    def _words_in(self, language: str) -> AgreementWords | None:
        wanted = language.strip().casefold()
        return next((w for name, w in self.translations.items() if name.casefold() == wanted), None)

    def in_language(self, language: str) -> AgreementContent:
        """These words in ``language`` where the pack has them, English where it does not."""
        found = self._words_in(language)
        if found is None:
            return self
        given = found.model_dump(exclude={"agencies"})
        return self.model_copy(update={k: v for k, v in given.items() if v is not None})

    def agency_names(self, language: str) -> dict[str, str]:
        """Agency code -> its name in ``language`` (empty where the pack has none)."""
        found = self._words_in(language)
        return dict(found.agencies) if found is not None else {}


class PracticeRules(_Strict):
    """The council's practice rules (issue 15): closure checks per reason, the TAF quorum, the
    RAG warning window, what consent withdrawal stops, thresholds and the agreement's content."""

    # Closure reason code -> the checks (codes in ehdesk.casework.closure_rules.CHECKS) that
    # reason needs; "default" for reasons not listed.
    closure_checks: dict[str, list[str]] = Field(
        default_factory=lambda: {"default": ["closing_reading", "feedback"]}
    )
    taf_quorum: TafQuorum = Field(default_factory=TafQuorum)
    rag_amber_within_days: int = Field(default=14, ge=0)
    # Withdrawing consent for one of these scopes stops the early help work.
    consent_withdrawal_stops: list[str] = Field(default_factory=lambda: ["assessment", "share_information"])
    thresholds: Thresholds = Field(default_factory=Thresholds)
    agreement: AgreementContent = Field(default_factory=AgreementContent)
    # What happens after early help closes, printed on the closure summary for the family.
    after_closure: list[str] = Field(
        default_factory=lambda: [
            "Your family can keep using universal services: your GP, health visitor or school nurse, "
            "your school and your children's centre.",
            "If things get hard again, you can ask for early help again at any time: ask any of these "
            "services, or contact the early help team yourself.",
        ]
    )


class CouncilPack(_Strict):
    format: str = Field(pattern="^ehdesk-council-pack$")
    version: int
    id: str
    council_name: str
    levels_of_need: list[Level]
    genders: list[Choice]
    ethnicities: list[Ethnicity]
    relationships: list[Relationship]
    agencies: list[Choice]
    referral_sources: list[Choice]
    referral_outcomes: list[Choice]
    presenting_factors: list[Factor]
    presenting_factor_groups: list[Choice] = Field(default_factory=list)
    early_help_criteria: list[Choice]
    case_types: list[Choice]
    closure_reasons: list[Choice]
    consent_scopes: list[Choice]
    session_types: list[Choice]
    session_note_headings: list[Heading]
    age_bands: list[AgeBand]
    timescales: Timescales
    suppression: Suppression
    supporting_families: SupportingFamilies = Field(default_factory=SupportingFamilies)
    team_practice: TeamPractice
    practice: PracticeRules = Field(default_factory=PracticeRules)
    # How dates are shown everywhere (ehdesk.config.dates): "long" is "5 December 2026",
    # "short" is "5 Dec 2026", "numeric" is "05/12/2026".
    date_style: str = Field(default="long", pattern="^(long|short|numeric)$")

    @model_validator(mode="after")
    def _factor_groups_exist(self) -> CouncilPack:
        groups = {g.code for g in self.presenting_factor_groups}
        for factor in self.presenting_factors:
            if factor.group and factor.group not in groups:
                raise ValueError(
                    f"the presenting factor '{factor.code}' is in the group '{factor.group}', "
                    "which presenting_factor_groups does not list"
                )
        return self

    def _list(self, list_name: str) -> list:
        # Team-practice lists are named by their own names too ("triage_forums"), so callers
        # never need to know which section of the pack holds a list.
        if list_name in type(self).model_fields:
            return getattr(self, list_name)
        return getattr(self.team_practice, list_name)

    def codes(self, list_name: str) -> list:
        return [item.code for item in self._list(list_name)]

    def label(self, list_name: str, code) -> str:
        for item in self._list(list_name):
            if item.code == code:
                return item.label
        return str(code) if code not in (None, "") else ""


def packs_dir() -> Path:
    return resources_dir() / "packs"


def load_pack_file(path: Path) -> CouncilPack:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EhdeskError(f"The council pack {path} cannot be read ({exc.strerror}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EhdeskError(
            f"The council pack {path} is not valid JSON (line {exc.lineno}: {exc.msg})."
        ) from None
    try:
        return CouncilPack.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EhdeskError(f"The council pack {path} is wrong at {where}: {first['msg']}.") from None


@lru_cache(maxsize=8)
def load_pack(pack_id: str = "default") -> CouncilPack:
    """The pack a council installed (``pack_id`` folder or a path to a pack.json)."""
    candidate = Path(pack_id)
    if candidate.suffix == ".json":
        return load_pack_file(candidate)
    return load_pack_file(packs_dir() / pack_id / "pack.json")


def current_pack() -> CouncilPack:
    from ehdesk.config.settings import device_settings

    return load_pack(device_settings().council_pack)
