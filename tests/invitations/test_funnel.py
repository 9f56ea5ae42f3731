from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from coaction.invitations.funnel import STAGES, InvitationFacts, funnel, funnel_by

SENT = datetime(2026, 1, 1, 9, 0)


def sent(
    opened: float | None = None,
    applied: float | None = None,
    member: float | None = None,
    *,
    sector: str | None = None,
    municipality: str | None = None,
    sent_at: datetime = SENT,
) -> InvitationFacts:
    """An invitation sent at `sent_at`, with each later stage given in days after sending."""

    def at(days: float | None) -> datetime | None:
        return None if days is None else sent_at + timedelta(days=days)

    return InvitationFacts(
        sent_at=sent_at,
        opened_at=at(opened),
        applied_at=at(applied),
        member_at=at(member),
        sector=sector,
        municipality=municipality,
    )


def column(result, attribute):
    return [getattr(result[stage], attribute) for stage in STAGES]


def test_stages_are_in_funnel_order():
    assert STAGES == ("invited", "opened", "applied", "member")


def test_empty_input_counts_nothing_and_divides_by_nothing():
    result = funnel([])
    assert [row.stage for row in result.stages] == list(STAGES)
    assert column(result, "count") == [0, 0, 0, 0]
    assert column(result, "from_previous") == [None, None, None, None]
    assert column(result, "from_invited") == [None, None, None, None]
    assert column(result, "median_days") == [None, None, None, None]
    assert result.invited == 0
    assert funnel_by([], "sector") == {}


@pytest.mark.parametrize(
    ("invitation", "furthest", "counts"),
    [
        (sent(), "invited", [1, 0, 0, 0]),
        (sent(opened=1), "opened", [1, 1, 0, 0]),
        (sent(opened=1, applied=2), "applied", [1, 1, 1, 0]),
        (sent(opened=1, applied=2, member=3), "member", [1, 1, 1, 1]),
    ],
)
def test_one_invitation_counts_at_every_stage_up_to_its_furthest(invitation, furthest, counts):
    assert invitation.furthest_stage == furthest
    assert column(funnel([invitation]), "count") == counts


def test_one_invitation_at_each_stage():
    result = funnel(
        [
            sent(),
            sent(opened=1),
            sent(opened=2, applied=4),
            sent(opened=1, applied=3, member=10),
        ]
    )
    assert column(result, "count") == [4, 3, 2, 1]
    assert column(result, "from_previous") == pytest.approx([1.0, 3 / 4, 2 / 3, 1 / 2])
    assert column(result, "from_invited") == pytest.approx([1.0, 3 / 4, 2 / 4, 1 / 4])
    # opened: 1, 1, 2 days; applied: 3, 4 days; member: 10 days.
    assert column(result, "median_days") == [0.0, 1.0, 3.5, 10.0]
    assert result["applied"].count == 2
    assert result.invited == 4


def test_applying_without_opening_counts_as_opened_when_applying():
    invitation = sent(applied=3)
    assert invitation.furthest_stage == "applied"
    result = funnel([invitation])
    assert column(result, "count") == [1, 1, 1, 0]
    assert column(result, "from_previous") == [1.0, 1.0, 1.0, 0.0]
    assert column(result, "median_days") == [0.0, 3.0, 3.0, None]


def test_a_member_with_no_earlier_timestamps_passed_every_stage_on_joining():
    result = funnel([sent(member=20)])
    assert column(result, "count") == [1, 1, 1, 1]
    assert column(result, "median_days") == [0.0, 20.0, 20.0, 20.0]


def test_a_link_visited_after_applying_was_in_effect_passed_when_applying():
    invitation = sent(opened=5, applied=2)
    assert invitation.reached_at("opened") == SENT + timedelta(days=2)
    assert funnel([invitation])["opened"].median_days == 2.0


def test_skipped_and_recorded_stages_add_up():
    # Two opened the link, one of them applied; one applied without opening; one never reacted.
    result = funnel([sent(opened=1), sent(opened=2, applied=6), sent(applied=4), sent()])
    assert column(result, "count") == [4, 3, 2, 0]
    assert column(result, "from_previous") == pytest.approx([1.0, 3 / 4, 2 / 3, 0.0])
    # opened: 1, 2, 4 days; applied: 4, 6 days.
    assert column(result, "median_days") == [0.0, 2.0, 5.0, None]


@pytest.mark.parametrize(
    ("opened_days", "median"),
    [
        ([7], 7.0),
        ([1, 2, 4], 2.0),  # odd count: the middle one
        ([4, 1, 2], 2.0),  # order of input does not matter
        ([1, 2, 4, 7], 3.0),  # even count: the mean of the middle two
        ([0.5, 1.5], 1.0),
        ([0.25, 0.5, 10, 30], 5.25),
    ],
)
def test_median_days_to_opening(opened_days, median):
    result = funnel([sent(opened=days) for days in opened_days])
    assert result["opened"].median_days == pytest.approx(median)


def test_median_days_count_hours_and_seconds():
    invitation = InvitationFacts(sent_at=SENT, opened_at=SENT + timedelta(hours=6), applied_at=None, member_at=None)
    assert funnel([invitation])["opened"].median_days == 0.25
    late = InvitationFacts(
        sent_at=SENT, opened_at=datetime(2026, 1, 3, 21, 0), applied_at=None, member_at=None
    )  # 2 days 12 hours later
    assert funnel([late])["opened"].median_days == 2.5


def test_median_days_counts_from_each_invitations_own_sending():
    later = SENT + timedelta(days=30)
    result = funnel([sent(opened=2), sent(opened=4, sent_at=later)])
    assert result["opened"].median_days == 3.0


def test_zero_denominators_give_none_and_zero_numerators_give_zero():
    result = funnel([sent(), sent(), sent()])
    assert column(result, "count") == [3, 0, 0, 0]
    # opened: 0 of 3; applied and member: 0 of 0, which is no conversion at all rather than 0 %.
    assert column(result, "from_previous") == [1.0, 0.0, None, None]
    assert column(result, "from_invited") == [1.0, 0.0, 0.0, 0.0]
    assert column(result, "median_days") == [0.0, None, None, None]


def test_by_sector_groups_none_last_and_keeps_each_group_separate():
    facts = [
        sent(opened=1, applied=2, member=5, sector="transport"),
        sent(sector="transport"),
        sent(opened=3, sector="energy"),
        sent(applied=8, sector=None),
        sent(sector=None),
        sent(sector=None),
        sent(opened=2, sector="energy"),
    ]
    result = funnel_by(facts, "sector")
    assert list(result) == ["energy", "transport", None]
    assert column(result["energy"], "count") == [2, 2, 0, 0]
    assert column(result["energy"], "median_days") == [0.0, 2.5, None, None]
    assert column(result["transport"], "count") == [2, 1, 1, 1]
    assert column(result["transport"], "from_previous") == [1.0, 0.5, 1.0, 1.0]
    assert column(result[None], "count") == [3, 1, 1, 0]
    assert column(result[None], "from_invited") == pytest.approx([1.0, 1 / 3, 1 / 3, 0.0])
    assert column(result[None], "median_days") == [0.0, 8.0, 8.0, None]
    assert sum(group.invited for group in result.values()) == len(facts)


def test_by_municipality_ignores_sector():
    facts = [
        sent(opened=1, sector="energy", municipality="Huddinge"),
        sent(sector="transport", municipality="Huddinge"),
        sent(applied=2, sector="energy", municipality=None),
        sent(member=9, sector="energy", municipality="Botkyrka"),
    ]
    result = funnel_by(facts, "municipality")
    assert list(result) == ["Botkyrka", "Huddinge", None]
    assert column(result["Huddinge"], "count") == [2, 1, 0, 0]
    assert column(result["Botkyrka"], "count") == [1, 1, 1, 1]
    assert column(result[None], "count") == [1, 1, 1, 0]


def test_funnel_by_only_none_group():
    result = funnel_by([sent(), sent(opened=1)], "municipality")
    assert list(result) == [None]
    assert column(result[None], "count") == [2, 1, 0, 0]


def test_funnel_accepts_a_generator():
    result = funnel(sent(opened=days) for days in (1, 3))
    assert column(result, "count") == [2, 2, 0, 0]
    assert result["opened"].median_days == 2.0
    grouped = funnel_by((sent(sector=name) for name in ("b", "a", "b")), "sector")
    assert {name: group.invited for name, group in grouped.items()} == {"a": 1, "b": 2}


def test_funnel_by_refuses_other_keys():
    with pytest.raises(ValueError, match="cannot group invitations by 'sent_at'"):
        funnel_by([sent()], "sent_at")
