"""What `/okr pause` answers (ephemeral, to the lead who typed it). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from blocks.mrkdwn import escape
from okr.dates import span, weekday_day_month, weekday_day_month_year
from okr.i18n import N_, _, pgettext

USAGE = N_(
    "`/okr pause this week`, `/okr pause next week` or `/okr pause 2026-12-07` (the week "
    "of that day) pauses your team's check-in prompts, reminders and digest for that week; "
    "`/okr pause off` lifts the pauses to come. Add the team's name when you lead several."
)


def week_text(monday: date) -> str:
    """ "week of Mon 30 Nov 2026" / "2026年11月30日 周一起的一周" """
    return _("week of {day}").format(day=weekday_day_month_year(monday))


def paused_text(team: str, monday: date, already: bool) -> str:
    text = (
        _(
            ":double_vertical_bar: Team *{team}*'s {week} was already paused: no check-in "
            "prompts, reminders or digest until {until}. `/okr pause off` lifts it."
        )
        if already
        else _(
            ":double_vertical_bar: Team *{team}*'s {week} is paused: no check-in prompts, "
            "reminders or digest until {until}. `/okr pause off` lifts it."
        )
    )
    until = weekday_day_month(monday + timedelta(days=7))
    return text.format(team=escape(team), week=week_text(monday), until=until)


def _weeks(weeks: Sequence[date]) -> str:
    return _(", ").join(week_text(w) for w in weeks)


def lifted_text(team: str, weeks: Sequence[date]) -> str:
    if not weeks:
        return _("Team *{team}* has no paused week to come: nothing to lift.").format(
            team=escape(team)
        )
    return _(":arrow_forward: Team *{team}* runs as usual again ({weeks} lifted).").format(
        team=escape(team), weeks=_weeks(weeks)
    )


def status_text(team: str, weeks: Sequence[date]) -> str:
    if weeks:
        now = _("Team *{team}* is paused for the {weeks}.").format(
            team=escape(team), weeks=_weeks(weeks)
        )
    else:
        now = _("Team *{team}* has no paused week.").format(team=escape(team))
    return f"{now}\n{_(USAGE)}"


def over_text(monday: date) -> str:
    return _("The {week} is over: pause this week or one to come. Nothing changed.").format(
        week=week_text(monday)
    )


def outside_text(monday: date, cycle: str, start: date, end: date) -> str:
    return _(
        "The {week} is outside the current cycle *{cycle}* ({dates}): pause a week inside it. "
        "Nothing changed."
    ).format(week=week_text(monday), cycle=escape(cycle), dates=span(start, end))


def bad_date_text(problem: str) -> str:
    return _("{problem}. Nothing changed.").format(problem=escape(problem)) + f"\n{_(USAGE)}"


def not_lead_text(team: str | None) -> str:
    if team:
        return _("Only team *{team}*'s leads or a workspace admin can pause it.").format(
            team=escape(team)
        )
    return _("Only a team's leads or a workspace admin can pause its week. You lead no team.")


def which_team_text(teams: Sequence[str]) -> str:
    listed = pgettext("between bold names", ", ").join(f"*{escape(t)}*" for t in teams[:20])
    example = f"/okr pause next week {escape(teams[0])}"
    return _("You lead several teams ({teams}): add the team's name, e.g. `{example}`.").format(
        teams=listed, example=example
    )


def name_a_team_text() -> str:
    return _("Add the team's name: `/okr pause next week <team>`. Nothing changed.")


def unknown_team_text(name: str) -> str:
    return _("There is no team called *{team}*. Nothing changed.").format(team=escape(name))
