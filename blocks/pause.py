"""What `/okr pause` answers (ephemeral, to the lead who typed it). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from blocks.mrkdwn import escape

USAGE = (
    "`/okr pause this week`, `/okr pause next week` or `/okr pause 2026-12-07` (the week "
    "of that day) pauses your team's check-in prompts, reminders and digest for that week; "
    "`/okr pause off` lifts the pauses to come. Add the team's name when you lead several."
)


def week_text(monday: date) -> str:
    """ "week of Mon 30 Nov 2026" """
    return f"week of Mon {monday.day} {monday:%b %Y}"


def paused_text(team: str, monday: date, already: bool) -> str:
    what = "was already paused" if already else "is paused"
    return (
        f":double_vertical_bar: Team *{escape(team)}*'s {week_text(monday)} {what}: no "
        "check-in prompts, reminders or digest until "
        f"Mon {(monday + timedelta(days=7)).day} {(monday + timedelta(days=7)):%b}. "
        "`/okr pause off` lifts it."
    )


def lifted_text(team: str, weeks: Sequence[date]) -> str:
    if not weeks:
        return f"Team *{escape(team)}* has no paused week to come: nothing to lift."
    listed = ", ".join(week_text(w) for w in weeks)
    return f":arrow_forward: Team *{escape(team)}* runs as usual again ({listed} lifted)."


def status_text(team: str, weeks: Sequence[date]) -> str:
    if weeks:
        listed = ", ".join(week_text(w) for w in weeks)
        now = f"Team *{escape(team)}* is paused for the {listed}."
    else:
        now = f"Team *{escape(team)}* has no paused week."
    return f"{now}\n{USAGE}"


def over_text(monday: date) -> str:
    return f"The {week_text(monday)} is over: pause this week or one to come. Nothing changed."


def outside_text(monday: date, cycle: str, start: date, end: date) -> str:
    return (
        f"The {week_text(monday)} is outside the current cycle *{escape(cycle)}* "
        f"({start.day} {start:%b} – {end.day} {end:%b %Y}): pause a week inside it. "
        "Nothing changed."
    )


def bad_date_text(problem: str) -> str:
    return f"{escape(problem)}. Nothing changed.\n{USAGE}"


def not_lead_text(team: str | None) -> str:
    if team:
        return f"Only team *{escape(team)}*'s leads or a workspace admin can pause it."
    return "Only a team's leads or a workspace admin can pause its week. You lead no team."


def which_team_text(teams: Sequence[str]) -> str:
    listed = ", ".join(f"*{escape(t)}*" for t in teams[:20])
    example = f"/okr pause next week {escape(teams[0])}"
    return f"You lead several teams ({listed}): add the team's name, e.g. `{example}`."


def name_a_team_text() -> str:
    return "Add the team's name: `/okr pause next week <team>`. Nothing changed."


def unknown_team_text(name: str) -> str:
    return f"There is no team called *{escape(name)}*. Nothing changed."
