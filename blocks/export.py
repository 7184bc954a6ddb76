"""What `/okr export` answers (ephemerals) and the comment on the file it sends. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from blocks.mrkdwn import escape

MAX_LISTED = 12


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(f"*{escape(n)}*" for n in names[:MAX_LISTED])
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return (shown + more) or "none yet"


def unknown_cycle_text(name: str, cycles: Sequence[str]) -> str:
    return (
        f"There is no cycle called *{escape(name)}*. The cycles are {_listed(cycles)}. "
        "Nothing was sent."
    )


def unknown_team_text(name: str, teams: Sequence[str]) -> str:
    return (
        f"There is no team called *{escape(name)}*. The teams are {_listed(teams)}. "
        "Nothing was sent."
    )


def unknown_text(name: str, cycles: Sequence[str], teams: Sequence[str]) -> str:
    return (
        f"*{escape(name)}* is neither a cycle nor a team. Type `/okr export [cycle] [team]`, "
        f"e.g. `/okr export {escape(cycles[0]) if cycles else 'FY2027 Q1'}"
        f"{' ' + escape(teams[0]) if teams else ''}`. The cycles are {_listed(cycles)}; "
        f"the teams are {_listed(teams)}. Nothing was sent."
    )


def not_allowed_text(team: str) -> str:
    return (
        f"Only team *{escape(team)}*'s leads and members, and workspace admins, can export "
        "it. Type `/okr export` for your own teams' OKRs. Nothing was sent."
    )


def nothing_text(cycle: str, scope: str) -> str:
    whose = f" for {escape(scope)}" if scope and scope != "yours" else ""
    return f"There are no objectives{whose} in *{escape(cycle)}* to export. Nothing was sent."


def sent_comment(cycle: str, scope: str, objectives: int) -> str:
    whose = "every team" if not scope else ("your OKRs" if scope == "yours" else escape(scope))
    count = "1 objective" if objectives == 1 else f"{objectives} objectives"
    return (
        f"OKR export of *{escape(cycle)}*, {whose}: {count} with their key results, check-ins "
        "(with notes) and target revisions, one row each. The `record` column says which."
    )


def sent_text(file_name: str) -> str:
    return f":inbox_tray: Sent you `{escape(file_name)}` in our DM."


def upload_failed_text() -> str:
    return "I could not upload the export to our DM (Slack refused it). Try again in a minute."
