"""iCalendar (RFC 5545) feeds from plain values: all-day events for work that runs over days, timed ones in the
network's time zone (with its VTIMEZONE) for meetings and events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import Response, current_app


@dataclass(frozen=True)
class Event:
    uid: str
    title: str
    url: str
    starts_on: date
    ends_on: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    description: str = ""
    location: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    updated: datetime | None = None


def calendar(name: str, events: Iterable[Event], *, timezone: str) -> bytes:
    zone = ZoneInfo(timezone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//CoAction//activities//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    for event in events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("summary", event.title)
        item.add("url", event.url)
        item.add("description", "\n\n".join(part for part in (event.description, event.url) if part))
        if event.location:
            item.add("location", event.location)
        item.add("status", event.status)
        item.add("dtstamp", event.updated or datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")))
        last_day = event.ends_on or event.starts_on
        if event.starts_at is None:  # all day: DTEND is the day after the last (RFC 5545 3.6.1)
            item.add("dtstart", event.starts_on)
            item.add("dtend", last_day + timedelta(days=1))
        else:
            start = datetime.combine(event.starts_on, event.starts_at, zone)
            end_time = event.ends_at or (datetime.combine(date.min, event.starts_at) + timedelta(hours=1)).time()
            end = datetime.combine(last_day, end_time, zone)
            item.add("dtstart", start)
            item.add("dtend", max(end, start + timedelta(minutes=1)))
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()


def ics_response(name: str, events: Iterable[Event], filename: str) -> Response:
    body = calendar(name, events, timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, max-age=300"},
    )
