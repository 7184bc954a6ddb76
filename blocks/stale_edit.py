"""The field error of an edit modal drawn before someone else saved the objective: what
that save changed, by whom and when, beside the row it touched."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks.objective_form import kr_block
from okr.drafts import LastSave
from okr.values import format_value

#: Titles are cut so the sentence stays readable under the field.
_TITLE_CHARS = 40


def stale_edit_errors(
    last: LastSave,
    *,
    drawn_from: int | None,
    viewer_id: str,
    by_name: str,
    kr_rows: Sequence[object],
    timezone: str,
    now: datetime,
) -> dict[str, str]:
    """One field error for a modal drawn from version `drawn_from` when `last` is newer,
    e.g. "Lena set the target of Deals to 150 at 10:42 — reopen Edit to see it.", beside
    the row of the KR it names (`kr_rows`: the modal's KR id per row), else the title."""
    who = "You" if last.by == viewer_id else (by_name or "Someone else")
    done = [
        f"set the target of {_title(t.title)} to {format_value(t.new_target, t.unit, t.currency)}"
        for t in last.targets
    ]
    done += [f"removed the key result {_title(title)}" for _, title in last.removed]
    done += [f"added the key result {_title(title)}" for title in last.added]
    what = _joined(done[:3]) if done else "changed this objective"
    earlier = last.version - 1 - drawn_from if drawn_from is not None else 0
    also = f" (after {earlier} earlier change{'s' if earlier != 1 else ''})" if earlier > 0 else ""
    text = f"{who} {what} {_when(last.at, timezone, now)}{also} — reopen Edit to see it."
    return {_block_for(last, kr_rows): text}


def _block_for(last: LastSave, kr_rows: Sequence[object]) -> str:
    """The row of the first KR the save touched that the modal shows, else the title."""
    touched = [t.kr_id for t in last.targets] + [kr_id for kr_id, _ in last.removed]
    for kr_id in touched:
        if kr_id in kr_rows:
            return kr_block(list(kr_rows).index(kr_id))  # the line's sentence
    return "title"


def _title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1] + "…"


def _joined(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _when(at: datetime, timezone: str, now: datetime) -> str:
    """`at 10:42` today in `timezone`, else `on 3 Dec at 10:42`."""
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    clock = f"at {local:%H:%M}"
    if local.date() == now.astimezone(zone).date():
        return clock
    return f"on {local.day} {local:%b} {clock}"
