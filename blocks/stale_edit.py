"""The field error of an edit modal drawn before someone else saved the objective: what
that save changed, by whom and when, beside the row it touched."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks.objective_form import kr_block
from okr.dates import clock, day_month
from okr.drafts import LastSave
from okr.i18n import _, ngettext, pgettext
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
    who = _("You") if last.by == viewer_id else (by_name or _("Someone else"))
    done = [
        _("set the target of {kr} to {value}").format(
            kr=_title(t.title), value=format_value(t.new_target, t.unit, t.currency)
        )
        for t in last.targets
    ]
    done += [
        _("removed the key result {kr}").format(kr=_title(title)) for _kr_id, title in last.removed
    ]
    done += [_("added the key result {kr}").format(kr=_title(title)) for title in last.added]
    what = _joined(done[:3]) if done else _("changed this objective")
    earlier = last.version - 1 - drawn_from if drawn_from is not None else 0
    also = (
        ngettext(" (after {n} earlier change)", " (after {n} earlier changes)", earlier).format(
            n=earlier
        )
        if earlier > 0
        else ""
    )
    text = _("{who} {what} {when}{also} — reopen Edit to see it.").format(
        who=who, what=what, when=_when(last.at, timezone, now), also=also
    )
    return {_block_for(last, kr_rows): text}


def _block_for(last: LastSave, kr_rows: Sequence[object]) -> str:
    """The row of the first KR the save touched that the modal shows, else the title."""
    touched = [t.kr_id for t in last.targets] + [kr_id for kr_id, _title_text in last.removed]
    for kr_id in touched:
        if kr_id in kr_rows:
            return kr_block(list(kr_rows).index(kr_id))  # the line's sentence
    return "title"


def _title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1] + "…"


def _joined(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return _("{first} and {last}").format(
        first=pgettext("list of actions", ", ").join(parts[:-1]), last=parts[-1]
    )


def _when(at: datetime, timezone: str, now: datetime) -> str:
    """`at 10:42` today in `timezone`, else `on 3 Dec at 10:42`."""
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return _("at {time}").format(time=clock(local))
    return _("on {day} at {time}").format(day=day_month(local.date()), time=clock(local))
