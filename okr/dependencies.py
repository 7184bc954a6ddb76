"""The rules of a dependency between key results, pure: which upstream KR a KR (or a whole
objective) may depend on, and whether a new link would close a loop.

Refusals are sentences for the person (a modal field error), so nothing is stored that a
later screen would have to explain away."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from okr.i18n import _

#: One line of "what we need", e.g. "200 MQLs a month from campaigns".
NEED_MAX = 150
#: Upstream KRs one KR may depend on (the Details select and the modal's metadata).
MAX_UPSTREAM = 5


@dataclass(frozen=True)
class KREnd:
    """What the rules need to know of one KR: where it lives and its cycle's span."""

    id: int
    workspace_id: str
    objective_id: int
    archived: bool
    cycle_start: date
    cycle_end: date
    title: str = ""


@dataclass(frozen=True)
class Downstream:
    """The end that depends: a KR (`kr_id`, None while it is being created) of an
    objective, or the whole objective, in a cycle spanning `cycle_start`..`cycle_end`."""

    workspace_id: str
    objective_id: int | None
    cycle_start: date
    cycle_end: date
    kr_id: int | None = None


def problem(
    downstream: Downstream,
    upstream: KREnd | None,
    edges: Mapping[int, Iterable[int]],
    objective_krs: Mapping[int, Iterable[int]] | None = None,
) -> str | None:
    """Why `downstream` may not depend on `upstream` (None: it may). `edges` maps each KR to
    the KRs it depends on (the workspace's links); `objective_krs` maps an objective to its
    KRs, for the links of whole objectives (each of its KRs depends on theirs)."""
    if upstream is None or upstream.workspace_id != downstream.workspace_id:
        return _("That key result does not exist any more: pick another.")
    if upstream.archived:
        return _("“{title}” is archived: pick a live key result.").format(title=upstream.title)
    if downstream.kr_id is not None and upstream.id == downstream.kr_id:
        return _("A key result cannot depend on itself.")
    if downstream.kr_id is None and upstream.objective_id == downstream.objective_id:
        return _("An objective cannot depend on one of its own key results.")
    covers = upstream.cycle_start <= downstream.cycle_start
    if not (covers and downstream.cycle_end <= upstream.cycle_end):
        return _(
            "“{title}” is in a cycle that does not cover this one: depend on a key result of "
            "this cycle (or of one spanning it)."
        ).format(title=upstream.title)
    if downstream.kr_id is not None:
        starts = {downstream.kr_id}
    else:
        starts = set((objective_krs or {}).get(downstream.objective_id or 0, ()))
    if starts and reaches(upstream.id, starts, edges):
        return _(
            "“{title}” already depends on this one (directly or through others): "
            "a dependency cannot go round in a loop."
        ).format(title=upstream.title)
    return None


def reaches(start: int, targets: set[int], edges: Mapping[int, Iterable[int]]) -> bool:
    """Whether following "depends on" links from `start` leads to one of `targets`."""
    seen: set[int] = set()
    todo = [start]
    while todo:
        kr = todo.pop()
        if kr in targets:
            return True
        if kr in seen:
            continue
        seen.add(kr)
        todo.extend(edges.get(kr, ()))
    return False


def need_problem(need: str) -> str | None:
    """Why a "what we need" line cannot be kept (None: it can)."""
    if len(need) > NEED_MAX:
        return _("Keep “what we need” to {n} characters (it has {has}).").format(
            n=NEED_MAX, has=len(need)
        )
    return None


def option_label(team: str, title: str, limit: int = 75) -> str:
    """How a KR reads in the "Depends on" select: "Marketing · Generate 200 MQLs a month",
    within Slack's 75 characters (the title is cut, the team kept)."""
    text = f"{team} · {' '.join(title.split())}" if team else " ".join(title.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
