"""Every timescale rule on worked dates: the boundaries a worker and a manager would argue about."""

from datetime import date

from ehdesk.casework.timescales import (
    EpisodeFacts,
    add_months,
    breaches,
    due_items,
    first_taf_due,
    needs_signoff,
    next_due,
    working_days_between,
)
from ehdesk.config.pack import Timescales

RULES = Timescales(episode_limit_months=12)  # pack defaults: 42 days, 84 days, 12 months
ALLOCATED = date(2026, 1, 5)  # a Monday


def codes(found):
    return sorted(b.code for b in found)


def test_first_taf_on_exactly_six_weeks_is_on_time_and_a_day_later_is_late():
    base = dict(opened_on=ALLOCATED, allocated_on=ALLOCATED, agreement_signed_on=date(2026, 1, 20))
    base["reading_dates"] = (date(2026, 1, 20),)
    assert first_taf_due(EpisodeFacts(**base), RULES) == date(2026, 2, 16)
    on_time = EpisodeFacts(**base, first_taf_on=date(2026, 2, 16))
    late = EpisodeFacts(**base, first_taf_on=date(2026, 2, 17))
    assert "first_taf" not in codes(breaches(on_time, RULES, date(2026, 2, 20)))
    [b] = [b for b in breaches(late, RULES, date(2026, 2, 20)) if b.code == "first_taf"]
    assert (b.due_on, b.happened_on) == (date(2026, 2, 16), date(2026, 2, 17))


def test_first_taf_not_held_is_due_then_overdue_the_day_after():
    facts = EpisodeFacts(opened_on=ALLOCATED, allocated_on=ALLOCATED)
    item = next_due(facts, RULES, date(2026, 2, 16))
    assert item.code in ("agreement", "baseline_reading", "first_taf") and item.due_on == date(2026, 2, 16)
    assert not item.overdue
    assert all(i.overdue for i in due_items(facts, RULES, date(2026, 2, 17)) if i.due_on == date(2026, 2, 16))
    assert "first_taf" not in codes(breaches(facts, RULES, date(2026, 2, 16)))
    assert "first_taf" in codes(breaches(facts, RULES, date(2026, 2, 17)))


def test_first_taf_counts_from_opening_when_not_allocated():
    assert first_taf_due(EpisodeFacts(opened_on=date(2026, 3, 1)), RULES) == date(2026, 4, 12)


def test_agreement_and_baseline_on_the_day_of_the_first_taf_count_as_before_it():
    taf = date(2026, 2, 2)
    same_day = EpisodeFacts(
        opened_on=ALLOCATED, first_taf_on=taf, agreement_signed_on=taf, reading_dates=(taf,)
    )
    assert codes(breaches(same_day, RULES, date(2026, 2, 3))) == []
    after = EpisodeFacts(
        opened_on=ALLOCATED,
        first_taf_on=taf,
        agreement_signed_on=date(2026, 2, 3),
        reading_dates=(date(2026, 2, 4),),
    )
    assert codes(breaches(after, RULES, date(2026, 2, 5))) == ["agreement", "baseline_reading"]


def test_reviews_at_most_twelve_weeks_apart_and_a_reading_before_each():
    taf = date(2026, 2, 2)
    review_ok = date(2026, 4, 27)  # exactly 84 days
    review_late = date(2026, 7, 21)  # 85 days after the first review
    facts = EpisodeFacts(
        opened_on=ALLOCATED,
        first_taf_on=taf,
        agreement_signed_on=taf,
        review_dates=(review_ok, review_late),
        reading_dates=(taf, review_ok),  # none between the first and second review
    )
    found = breaches(facts, RULES, date(2026, 7, 22))
    assert [(b.code, b.due_on, b.happened_on) for b in found if b.code.startswith("review")] == [
        ("review", date(2026, 7, 20), review_late),
        ("review_reading", review_late, None),
    ]


def test_next_review_is_due_twelve_weeks_after_the_last_held_and_needs_a_reading():
    facts = EpisodeFacts(
        opened_on=ALLOCATED,
        first_taf_on=date(2026, 2, 2),
        agreement_signed_on=date(2026, 2, 1),
        reading_dates=(date(2026, 2, 1),),
    )
    items = {i.code: i for i in due_items(facts, RULES, date(2026, 3, 1))}
    assert items["review"].due_on == date(2026, 4, 27)
    assert items["review_reading"].due_on == date(2026, 4, 27)
    assert "review" not in codes(breaches(facts, RULES, date(2026, 4, 27)))
    assert "review" in codes(breaches(facts, RULES, date(2026, 4, 28)))


def test_a_review_moved_later_does_not_move_the_due_date_and_is_flagged():
    taf = date(2026, 2, 2)
    moved = EpisodeFacts(
        opened_on=ALLOCATED,
        first_taf_on=taf,
        agreement_signed_on=taf,
        reading_dates=(taf,),
        next_meeting_planned_on=date(2026, 5, 4),  # booked for 27 April, moved a week later
    )
    item = {i.code: i for i in due_items(moved, RULES, date(2026, 4, 1))}["review"]
    assert item.due_on == date(2026, 4, 27)
    assert "after it is due" in item.detail
    held_late = EpisodeFacts(
        opened_on=ALLOCATED,
        first_taf_on=taf,
        agreement_signed_on=taf,
        reading_dates=(taf, date(2026, 5, 1)),
        review_dates=(date(2026, 5, 4),),
    )
    assert [(b.code, b.due_on) for b in breaches(held_late, RULES, date(2026, 5, 5))] == [
        ("review", date(2026, 4, 27))
    ]


def test_a_review_moved_earlier_restarts_the_clock_from_when_it_was_held():
    taf = date(2026, 2, 2)
    facts = EpisodeFacts(
        opened_on=ALLOCATED,
        first_taf_on=taf,
        agreement_signed_on=taf,
        reading_dates=(taf, date(2026, 3, 1)),
        review_dates=(date(2026, 3, 2),),
    )
    items = {i.code: i for i in due_items(facts, RULES, date(2026, 3, 3))}
    assert items["review"].due_on == date(2026, 5, 25)
    assert codes(breaches(facts, RULES, date(2026, 5, 25))) == []


def test_working_days_skip_weekends_and_pack_bank_holidays():
    rules = Timescales(
        first_taf_within_days=10, count_working_days=True, bank_holidays=["2026-04-03", "2026-04-06"]
    )
    # Allocated Thursday 2 April 2026; Good Friday and Easter Monday are bank holidays.
    facts = EpisodeFacts(opened_on=date(2026, 4, 2))
    # Working days: 7-10 Apr (4), 13-17 Apr (5), Monday 20 Apr is the 10th.
    assert first_taf_due(facts, rules) == date(2026, 4, 20)
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 20), rules) == 10
    assert "first_taf" not in codes(breaches(facts, rules, date(2026, 4, 20)))
    assert "first_taf" in codes(breaches(facts, rules, date(2026, 4, 21)))


def test_working_days_from_a_weekend_start_count_from_monday():
    rules = Timescales(first_taf_within_days=1, count_working_days=True)
    assert first_taf_due(EpisodeFacts(opened_on=date(2026, 1, 10)), rules) == date(2026, 1, 12)


def test_twelve_month_limit_across_leap_years():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2023, 3, 1), 12) == date(2024, 3, 1)  # 366 days, not 365
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    facts = EpisodeFacts(opened_on=date(2023, 3, 1))
    assert not needs_signoff(facts, RULES, date(2024, 2, 29))
    assert needs_signoff(facts, RULES, date(2024, 3, 1))
    assert "episode_limit" not in codes(breaches(facts, RULES, date(2024, 3, 1)))
    assert "episode_limit" in codes(breaches(facts, RULES, date(2024, 3, 2)))


def test_limit_in_days_when_the_pack_counts_days():
    rules = Timescales(episode_limit_days=365)
    facts = EpisodeFacts(opened_on=date(2023, 3, 1))
    item = {i.code: i for i in due_items(facts, rules, date(2023, 6, 1))}["episode_limit"]
    assert item.due_on == date(2024, 2, 29)


def test_signed_off_extension_replaces_the_limit_and_late_sign_off_is_a_breach():
    on_time = EpisodeFacts(
        opened_on=date(2025, 1, 10),
        extension_signed_off_on=date(2026, 1, 5),
        extension_close_by=date(2026, 4, 30),
    )
    assert "episode_limit" not in codes(breaches(on_time, RULES, date(2026, 3, 1)))
    item = {i.code: i for i in due_items(on_time, RULES, date(2026, 3, 1))}["episode_limit"]
    assert (item.due_on, item.label) == (date(2026, 4, 30), "New close-by date (signed off)")
    assert "extension_limit" in codes(breaches(on_time, RULES, date(2026, 5, 1)))
    late = EpisodeFacts(
        opened_on=date(2025, 1, 10),
        extension_signed_off_on=date(2026, 2, 1),
        extension_close_by=date(2026, 4, 30),
    )
    [b] = [b for b in breaches(late, RULES, date(2026, 3, 1)) if b.code == "episode_limit"]
    assert (b.due_on, b.happened_on) == (date(2026, 1, 10), date(2026, 2, 1))


def test_closed_episode_has_nothing_due_and_breaches_stop_at_closure():
    facts = EpisodeFacts(opened_on=ALLOCATED, status="closed", closed_on=date(2026, 2, 10))
    assert due_items(facts, RULES, date(2027, 1, 1)) == []
    assert codes(breaches(facts, RULES, date(2027, 1, 1))) == []


def test_a_planned_session_is_upcoming_then_overdue_until_written_up():
    facts = EpisodeFacts(
        opened_on=ALLOCATED, first_taf_on=date(2026, 2, 2), agreement_signed_on=date(2026, 2, 1),
        reading_dates=(date(2026, 2, 1),), planned_session_dates=(date(2026, 3, 12), date(2026, 3, 5)),
    )  # fmt: skip
    first = next_due(facts, RULES, date(2026, 3, 1))
    assert (first.code, first.due_on, first.detail, first.overdue) == (
        "session",
        date(2026, 3, 5),
        "upcoming",
        False,
    )
    late = next_due(facts, RULES, date(2026, 3, 6))
    assert (late.detail, late.overdue) == ("not written up yet", True)
    assert "session" not in codes(breaches(facts, RULES, date(2026, 3, 6)))  # a reminder, not a timescale


def test_a_missed_timescale_is_said_as_what_happened_never_as_the_rule_it_broke():
    from ehdesk.casework.timescales import missed_words

    def said(**facts) -> list[str]:
        found = breaches(EpisodeFacts(opened_on=date(2025, 1, 6), **facts), RULES, date(2026, 3, 1))
        return [missed_words(b, RULES) for b in found if b.code in ("episode_limit", "first_taf")]

    # Signed off a month after the limit: not "signed off before the 12-month limit".
    late = said(extension_signed_off_on=date(2026, 2, 6), extension_close_by=date(2026, 6, 30))
    assert "the 12-month limit passed on 6 January 2026; a manager signed off only on 6 February 2026" in late
    assert not any("signed off before" in words for words in late)
    # Past the limit and never signed off.
    assert (
        "the 12-month limit passed on 6 January 2026 and no manager has signed off a new close-by date"
        in said()
    )
    # Closed after the limit without a sign-off; a first TAF held late.
    closed = said(status="closed", closed_on=date(2026, 2, 1), first_taf_on=date(2025, 3, 3))
    assert (
        "the case was closed on 1 February 2026, after the 12-month limit (6 January 2026), without a sign-off"
        in closed
    )
    assert "the first TAF was held on 3 March 2025, after it was due on 17 February 2025" in closed
