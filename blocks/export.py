"""What `/okr export` answers (ephemerals) and the comment on the file it sends. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from blocks.mrkdwn import escape
from okr.i18n import _, ngettext

MAX_LISTED = 12


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(f"*{escape(n)}*" for n in names[:MAX_LISTED])
    if len(names) > MAX_LISTED:
        shown = _("{names} and {n} more").format(names=shown, n=len(names) - MAX_LISTED)
    return shown or _("none yet")


def unknown_cycle_text(name: str, cycles: Sequence[str]) -> str:
    return _(
        "There is no cycle called *{name}*. The cycles are {cycles}. Nothing was sent."
    ).format(name=escape(name), cycles=_listed(cycles))


def unknown_team_text(name: str, teams: Sequence[str]) -> str:
    return _("There is no team called *{name}*. The teams are {teams}. Nothing was sent.").format(
        name=escape(name), teams=_listed(teams)
    )


def unknown_text(name: str, cycles: Sequence[str], teams: Sequence[str]) -> str:
    example = f"{escape(cycles[0]) if cycles else 'FY2027 Q1'}"
    example += f"{' ' + escape(teams[0]) if teams else ''}"
    return _(
        "*{name}* is neither a cycle nor a team. Type `/okr export [cycle] [team]`, "
        "e.g. `/okr export {example}`. The cycles are {cycles}; "
        "the teams are {teams}. Nothing was sent."
    ).format(name=escape(name), example=example, cycles=_listed(cycles), teams=_listed(teams))


def not_allowed_text(team: str) -> str:
    return _(
        "Only team *{team}*'s leads and members, and workspace admins, can export "
        "it. Type `/okr export` for your own teams' OKRs. Nothing was sent."
    ).format(team=escape(team))


def nothing_text(cycle: str, scope: str) -> str:
    if scope and scope != "yours":
        return _(
            "There are no objectives for {scope} in *{cycle}* to export. Nothing was sent."
        ).format(scope=escape(scope), cycle=escape(cycle))
    return _("There are no objectives in *{cycle}* to export. Nothing was sent.").format(
        cycle=escape(cycle)
    )


def sent_comment(cycle: str, scope: str, objectives: int) -> str:
    whose = escape(scope) if scope and scope != "yours" else ""
    whose = whose or (_("your OKRs") if scope == "yours" else _("every team"))
    return ngettext(
        "OKR export of *{cycle}*, {whose}: {n} objective with their key results, check-ins "
        "(with notes) and target revisions, one row each. The `record` column says which.",
        "OKR export of *{cycle}*, {whose}: {n} objectives with their key results, check-ins "
        "(with notes) and target revisions, one row each. The `record` column says which.",
        objectives,
    ).format(cycle=escape(cycle), whose=whose, n=objectives)


def sent_text(file_name: str) -> str:
    return _(":inbox_tray: Sent you `{file}` in our DM.").format(file=escape(file_name))


def upload_failed_text() -> str:
    return _("I could not upload the export to our DM (Slack refused it). Try again in a minute.")
