"""okr.local_times and the team modal's line: when the digest reaches each member's zone,
and who a chosen time reaches outside 08:00-19:00."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from blocks import team_modal as modal
from okr.local_times import digest_times, own_time_outside, place, times_line
from okr.team_rhythm import DEFAULT_RHYTHM

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ZONES = {"U1": "Asia/Shanghai", "U2": "Europe/Berlin", "U3": "America/New_York"}


def test_the_issues_line() -> None:
    times = digest_times(DEFAULT_RHYTHM, "Asia/Shanghai", ZONES, NOW)
    assert times_line("Digest", times) == (
        "Digest Fri 16:00 Shanghai · 09:00 Berlin · 03:00 New York ⚠"
    )
    assert [t.people for t in times] == [("U1",), ("U2",), ("U3",)]


def test_another_day_is_named_and_dst_is_this_weeks() -> None:
    late = replace(DEFAULT_RHYTHM, digest_time="23:30")
    summer = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)
    times = digest_times(late, "America/New_York", {"U1": "Asia/Tokyo"}, summer)
    assert times_line("Digest", times) == "Digest Fri 23:30 New York ⚠ · Sat 12:30 Tokyo"


def test_people_without_a_zone_are_in_the_teams() -> None:
    [team] = digest_times(DEFAULT_RHYTHM, "UTC", {"U1": ""}, NOW)
    assert team.people == ("U1",) and place(team.zone) == "UTC"


def test_own_zone_times_warn_by_themselves() -> None:
    assert own_time_outside("06:30") and own_time_outside("19:01")
    assert not own_time_outside("08:00") and not own_time_outside("19:00")


def test_the_modal_warns_naming_who_is_asleep_and_does_not_refuse() -> None:
    early = replace(DEFAULT_RHYTHM, checkin_time="06:00")
    text = modal.local_times_text(early, "Asia/Shanghai", ZONES, NOW)
    assert text.splitlines() == [
        "Digest Fri 16:00 Shanghai · 09:00 Berlin · 03:00 New York ⚠",
        ":warning: The digest reaches <@U3> at 03:00 (New York), outside 08:00–19:00.",
        ":warning: Check-ins reach everyone at 06:00 their own time, outside 08:00–19:00.",
    ]
    assert early.problems() == []
    view = modal.team_modal(
        modal.TeamSettings(team_id=4, timezone="Asia/Shanghai", zones=tuple(ZONES.items())),
        now=NOW,
    )
    [block] = [b for b in view["blocks"] if b.get("block_id") == "team_local_times.4"]
    assert block["type"] == "context" and "03:00 New York" in block["elements"][0]["text"]
    digest_time = next(b for b in view["blocks"] if b.get("block_id") == "team_digest_time.4")
    assert digest_time["dispatch_action"] is True
