"""The open-data world (something of every kind the public must not see beside what it may), with decisions in
published and unpublished minutes added for the report."""

from datetime import date

import pytest

from coaction.extensions import db
from coaction.groups.services import (
    DecisionInput,
    add_decision,
    approve_minutes,
    create_meeting,
    publish_minutes,
    save_group,
)
from tests.opendata.conftest import SECRET, world  # noqa: F401 (a fixture)

YEAR = 2025


@pytest.fixture
def report_world(world):  # noqa: F811
    world["alfa"].member_since = date(2023, 5, 1)
    world["beta"].member_since = date(2025, 2, 1)
    group = save_group(
        None, name="Mobilitetsnätverket", purpose=None, started_on=None, wound_up_on=None, actor=None, ip=None
    )
    for held_on, published, text in (
        (date(2025, 4, 1), True, "Ta fram en gemensam cykelkarta"),
        (date(2025, 5, 1), False, f"{SECRET} beslut i opublicerat protokoll"),
        (date(2024, 5, 1), True, "Ett beslut från året innan"),
    ):
        meeting = create_meeting(
            group, held_on=held_on, starts_at=None, ends_at=None, place=None, agenda=["Beslut"], actor=None, ip=None
        )
        add_decision(meeting.items[0], DecisionInput(text=text, due_on=date(2025, 9, 1)), actor=None, ip=None)
        if published:
            approve_minutes(meeting, actor=None, ip=None)
            publish_minutes(meeting, actor=None, ip=None)
    db.session.commit()
    return world
