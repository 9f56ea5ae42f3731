"""The iCalendar feed as a calendar program reads it: times in Europe/Stockholm, all-day events ending the day
after, status and a link back."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import icalendar

from coaction.core.ical import Event, calendar

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def parsed(*events: Event) -> list:
    return icalendar.Calendar.from_ical(calendar("Test", events, timezone="Europe/Stockholm")).walk("VEVENT")


def test_a_timed_event_keeps_its_local_time_across_summer_time():
    summer, winter = parsed(
        Event("a@x", "Sommarmöte", "https://x/activities/1", date(2026, 6, 10), starts_at=time(13), ends_at=time(16)),
        Event("b@x", "Vintermöte", "https://x/activities/2", date(2026, 12, 10), starts_at=time(9, 30)),
    )
    start = summer.decoded("dtstart")
    assert start == datetime(2026, 6, 10, 13, 0, tzinfo=STOCKHOLM) and start.utcoffset().total_seconds() == 7200
    assert summer.decoded("dtend") == datetime(2026, 6, 10, 16, 0, tzinfo=STOCKHOLM)
    assert winter.decoded("dtstart").utcoffset().total_seconds() == 3600
    assert winter.decoded("dtend") == datetime(2026, 12, 10, 10, 30, tzinfo=STOCKHOLM)  # an hour, if no end
    assert str(summer["dtstart"].params["TZID"]) == "Europe/Stockholm"


def test_work_over_days_is_all_day_and_ends_the_day_after():
    (event,) = parsed(
        Event(
            "c@x", "Projekt", "https://x/activities/3", date(2026, 1, 1), ends_on=date(2026, 12, 31), status="CANCELLED"
        )
    )
    assert event.decoded("dtstart") == date(2026, 1, 1) and event.decoded("dtend") == date(2027, 1, 1)
    assert str(event["status"]) == "CANCELLED" and str(event["url"]) == "https://x/activities/3"
    assert "https://x/activities/3" in str(event["description"])


def test_text_is_escaped_not_interpreted():
    (event,) = parsed(Event("d@x", "Möte; del 1, med\nradbrytning", "https://x/a", date(2026, 5, 1)))
    assert str(event["summary"]) == "Möte; del 1, med\nradbrytning"
