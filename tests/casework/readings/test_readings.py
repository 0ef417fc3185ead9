"""Taking, editing and removing readings; facts for timescales, closure and caseload change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ehdesk.casework import readings
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.timescales import breaches, due_items
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Episode, OutboxEntry, Reading

from .helpers import TODAY, make_case, spider_data


def test_take_list_and_score_a_reading(store):
    with store.session() as s:
        ids = make_case(s)
        rid = readings.take_reading(
            s, ids["episode"], "family_spider", spider_data(ids, value=4), today=TODAY
        )
    with store.session() as s:
        [view] = readings.list_readings(s, ids["episode"])
        assert view.id == rid
        assert view.scores.subscales["overall"] == 4
        assert view.chart["home"] == 4
        assert view.comments == {"home": "Damp in the back bedroom"}
        assert view.participant_names == ["Ada Okafor"]
        assert view.label == "Baseline 20 January 2026"
        # the new row travels: change capture wrote an outbox entry for it
        assert s.scalars(select(OutboxEntry).where(OutboxEntry.row_id == rid)).first() is not None


def test_invalid_reading_is_refused_with_every_problem_and_nothing_saved(store):
    with store.session() as s:
        ids = make_case(s)
    bad = spider_data(ids, taken_on=date(2026, 7, 1), participant_ids=[], answers={"home": 11})
    with store.session() as s, pytest.raises(ValidationError) as err:
        readings.take_reading(s, ids["episode"], "family_spider", bad, today=TODAY)
    fields = err.value.fields
    assert fields["taken_on"] == "The reading date cannot be in the future."
    assert fields["participant_ids"] == "Say who took part in this reading."
    assert fields["item:home"] == "Our home: 11 is not on the scale; choose from 1 to 10."
    assert fields["item:health"] == "Health and wellbeing has no answer yet."
    with store.session() as s:
        assert s.scalars(select(Reading)).all() == []


def test_child_tool_needs_a_child_and_uses_their_age(store):
    with store.session() as s:
        ids = make_case(s)
        answers = {k: 2 for k in ("happy", "sleep", "worry", "talk", "school", "safe", "cross", "myself")}
        data = {
            "occasion": "baseline",
            "taken_on": date(2026, 2, 1),
            "participant_ids": [ids["kid"]],
            "answers": answers,
        }
        with pytest.raises(ValidationError) as err:
            readings.take_reading(
                s, ids["episode"], "child_wellbeing", data | {"subject_person_id": ids["mum"]}, today=TODAY
            )
        assert err.value.fields["subject_person_id"] == "Child wellbeing scale is about a child."
        rid = readings.take_reading(
            s, ids["episode"], "child_wellbeing", data | {"subject_person_id": ids["kid"]}, today=TODAY
        )
        assert readings.get_reading(s, rid).subject_name == "Tobi Okafor"


def test_second_baseline_refused_edit_rescores_remove_tombstones(store):
    with store.session() as s:
        ids = make_case(s)
        rid = readings.take_reading(s, ids["episode"], "family_spider", spider_data(ids), today=TODAY)
        with pytest.raises(ValidationError) as err:
            readings.take_reading(s, ids["episode"], "family_spider", spider_data(ids), today=TODAY)
        assert "already has a baseline" in err.value.fields["occasion"]
        readings.edit_reading(s, rid, {"answers": spider_data(ids, value=6)["answers"]}, today=TODAY)
        assert readings.get_reading(s, rid).scores.subscales["overall"] == 6
        readings.remove_reading(s, rid)
        assert readings.list_readings(s, ids["episode"]) == []
        assert s.get(Reading, rid).deleted is True


def test_fact_source_feeds_the_timescale_flags(store):
    rules = current_pack().timescales
    with store.session() as s:
        ids = make_case(s, opened=date(2026, 1, 5))
        episode = s.get(Episode, ids["episode"])
        facts = facts_for_episodes(s, [episode])[episode.id]
        assert "baseline_reading" in {i.code for i in due_items(facts, rules, date(2026, 1, 10))}
        readings.take_reading(
            s, ids["episode"], "family_spider", spider_data(ids, taken_on=date(2026, 1, 20)), today=TODAY
        )
        facts = facts_for_episodes(s, [episode])[episode.id]
        assert facts.reading_dates == (date(2026, 1, 20),)
        assert "baseline_reading" not in {i.code for i in due_items(facts, rules, date(2026, 1, 25))}
    # After a first TAF on 1 Feb the next review needs a new reading: flagged until one is taken.
    from dataclasses import replace

    after_taf = replace(facts, first_taf_on=date(2026, 2, 1))
    assert "review_reading" in {i.code for i in due_items(after_taf, rules, date(2026, 3, 1))}
    late = replace(facts, first_taf_on=date(2026, 1, 10))
    assert "baseline_reading" in {b.code for b in breaches(late, rules, date(2026, 3, 1))}


def test_closing_reading_missing_until_one_is_taken(store):
    with store.session() as s:
        ids = make_case(s)
        readings.take_reading(s, ids["episode"], "family_spider", spider_data(ids), today=TODAY)
        message = readings.closing_reading_missing(s, ids["episode"])
        assert message and "No closing progression reading" in message
        readings.take_reading(
            s, ids["episode"], "family_spider", spider_data(ids, "closure", date(2026, 5, 1), 7), today=TODAY
        )
        assert readings.closing_reading_missing(s, ids["episode"]) is None


def test_change_by_area_averages_first_to_latest_across_episodes(store):
    with store.session() as s:
        one = make_case(s)
        two = make_case(s)
        three = make_case(s)  # baseline only: says nothing about change
        readings.take_reading(s, one["episode"], "family_spider", spider_data(one, value=3), today=TODAY)
        readings.take_reading(
            s, one["episode"], "family_spider", spider_data(one, "review", date(2026, 3, 1), 5), today=TODAY
        )
        readings.take_reading(
            s, one["episode"], "family_spider", spider_data(one, "closure", date(2026, 5, 1), 8), today=TODAY
        )
        readings.take_reading(s, two["episode"], "family_spider", spider_data(two, value=6), today=TODAY)
        readings.take_reading(
            s, two["episode"], "family_spider", spider_data(two, "review", date(2026, 3, 1), 5), today=TODAY
        )
        readings.take_reading(s, three["episode"], "family_spider", spider_data(three, value=2), today=TODAY)
        result = readings.change_by_area(s, [one["episode"], two["episode"], three["episode"]])
    home = result["family_spider"]["areas"]["home"]
    # episode one: 3 -> 8 = +5; episode two: 6 -> 5 = -1; average (5 - 1) / 2 = 2
    assert home == {"label": "Home", "episodes": 2, "average_change": 2.0}
    assert result["family_spider"]["title"] == "Family spider graph"
    assert list(result["family_spider"]["areas"])[0] == "health"
