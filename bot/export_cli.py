"""`okr-bot export`: what `/okr export` sends, for operators, from the command line.

Everything of a cycle (or one team's), as CSV (okr.export's one table) or JSON (nested),
to a file or to standard output. Operator mistakes (an unknown cycle, team or workspace)
are a StartupError: one line on stderr, exit 2, as the other commands do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.runtime import StartupError
from okr.export import to_csv, to_json
from okr.rhythm import local_today
from storage.cycles import current_cycle
from storage.engine import create_engine, session_factory
from storage.export import cycle_named, cycle_names, export_rows
from storage.rhythm import workspaces
from storage.teams import list_teams, team_by_name

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Exported:
    body: bytes
    objectives: int
    cycle: str


async def export(
    settings: Settings,
    *,
    fmt: str,
    now: datetime,
    cycle: str | None = None,
    team: str | None = None,
    workspace: str | None = None,
) -> Exported:
    """The export as of `now` (the current cycle is today's in DEFAULT_TIMEZONE)."""
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            ws = _one_workspace(await workspaces(session), workspace)
            if cycle is None:
                today = local_today(now, settings.default_timezone)
                found = await current_cycle(session, ws, today)
                await session.commit()
            else:
                named = await cycle_named(session, ws, cycle)
                if named is None:
                    names = await cycle_names(session, ws)
                    raise StartupError(f"--cycle {cycle!r}: no such cycle; {_listed(names)}.")
                found = named
            team_ids = None
            if team is not None:
                picked = await team_by_name(session, ws, team)
                if picked is None or picked.id is None:
                    names = [t.name for t in await list_teams(session, ws)]
                    raise StartupError(f"--team {team!r}: no such team; {_listed(names)}.")
                team_ids = [picked.id]
            rows = await export_rows(session, ws, found, team_ids=team_ids)
    finally:
        await engine.dispose()
    body = to_csv(rows) if fmt == "csv" else to_json(rows)
    return Exported(body, len(rows), found.name)


def _one_workspace(ids: Sequence[str], wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in ids:
            raise StartupError(f"--workspace {wanted!r}: no such workspace; {_listed(ids)}.")
        return wanted
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise StartupError("nothing to export yet: no workspace has a team or an objective.")
    raise StartupError(f"several workspaces share this database: add --workspace; {_listed(ids)}.")


def _listed(names: Sequence[str]) -> str:
    if not names:
        return "there are none yet"
    shown = ", ".join(repr(n) for n in names[:50])
    return f"there are {shown}" + (f" and {len(names) - 50} more" if len(names) > 50 else "")
