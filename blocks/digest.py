"""The team digest (channel post); the team leads' private DM is blocks/participation.py.

Digest layout (at most 20 blocks, whatever the team's size):

- header "{team} · {cycle} · week N of M";
- a section: overall progress bar and percent vs expected, with the suggested status;
- a context: the check-in rate ("12 of 14 checked in this week"), never who is missing;
- a divider, then the objectives, one line each (bold title, bar, percent, change since the
  last digest in percentage points, suggested status), packed up to `OBJECTIVES_PER_SECTION`
  lines per section, at most `MAX_OBJECTIVES` objectives, then "and N more objectives";
- a divider, "At risk": KR, owner mention, value and percent, suggested status beside the
  owner's confidence; worst first, at most `MAX_AT_RISK` (packed `AT_RISK_PER_SECTION` per
  section), then "and N more";
- when there are any, a divider and "Wins": KRs that reached their target and the biggest
  movers, naming their owners (at most `MAX_WINS`);
- a context legend.

The names of people who have not checked in never appear in the digest: the leads' DM
(`blocks.participation.lead_message`) names them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from blocks.kr_format import (
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    TEAM_CHARS,
    guard,
    kr_value,
    measured,
    mention,
    percent,
    plural,
    progress_bar,
    status_label,
    status_pair,
    user_text,
)
from okr.digest import REACHED, DigestData, ObjectiveDigest, Win, objective_status
from okr.outline import KRLine, ObjectiveCard

SECTION_BUDGET = MAX_SECTION_TEXT - 100
"""Characters a packed section may use (a margin under Slack's 3,000)."""

CYCLE_CHARS = 60
OBJECTIVE_CHARS = 100
KR_CHARS = 100
CONTEXT_OBJECTIVE_CHARS = 60

MAX_OBJECTIVES = 50
OBJECTIVES_PER_SECTION = 10
MAX_AT_RISK = 15
AT_RISK_PER_SECTION = 5
MAX_WINS = 12
WINS_PER_SECTION = 6

LEGEND = (
    "Bars show progress; ▲▼ is the change since the last digest in percentage points. "
    "Statuses are the bot's suggestion from pace, shown beside the owner's own confidence."
)


# --- shared helpers (the other rhythm builders use them too) -------------------------------


def pack_sections(
    lines: Sequence[str],
    *,
    max_blocks: int,
    per_block: int = 1_000,
    heading: str | None = None,
    budget: int = SECTION_BUDGET,
) -> tuple[list[str], int]:
    """Pack mrkdwn `lines` in order into at most `max_blocks` section texts of at most
    `budget` characters and `per_block` lines each; `heading` opens the first one.

    Returns the texts and how many lines they hold (the caller says "and N more" for the rest).
    Every line is `guard`ed to the budget, so one overlong line cannot break a payload."""
    reserve = len(heading) + 1 if heading else 0
    texts: list[str] = []
    current: list[str] = [heading] if heading else []
    size = len(heading) if heading else 0
    in_block = placed = 0
    for raw in lines:
        line = guard(raw, budget - reserve)
        if in_block and (size + 1 + len(line) > budget or in_block >= per_block):
            texts.append("\n".join(current))
            if len(texts) >= max_blocks:
                return texts, placed
            current, size, in_block = [], 0, 0
        if current:
            size += 1
        current.append(line)
        size += len(line)
        in_block += 1
        placed += 1
    if current:
        texts.append("\n".join(current))
    return texts, placed


def section(text: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=guard(text))).to_dict()


def context(text: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=guard(text, 2000))]).to_dict()


def header(text: str) -> dict[str, Any]:
    return HeaderBlock(text=guard(text, MAX_HEADER_TEXT)).to_dict()


def divider() -> dict[str, Any]:
    return DividerBlock().to_dict()


def change_label(change: float | None) -> str:
    """`▲ 5 pts`, `▼ 3 pts`, `no change` (under half a point); empty when unknown."""
    if change is None or not math.isfinite(change):
        return ""
    points = round(change * 100)
    if points == 0:
        return "no change"
    arrow = "▲" if points > 0 else "▼"
    return f"{arrow} {min(abs(points), 9_999):,} pts"


def team_cycle(team_name: str, cycle_name: str) -> str:
    """`Sales EMEA · Q2 2024`, both escaped and capped."""
    team = user_text(team_name, TEAM_CHARS, "Team")
    return f"{team} · {user_text(cycle_name, CYCLE_CHARS, 'cycle')}"


def week_text(data: DigestData) -> str:
    return f"week {data.week} of {data.weeks}"


def rate_text(data: DigestData) -> str:
    """`12 of 14 checked in this week`."""
    if data.owners == 0:
        return "No key-result owners were due to check in this week."
    return f"{data.checked_in:,} of {data.owners:,} checked in this week"


# --- the digest -----------------------------------------------------------------------------


def objective_line(item: ObjectiveDigest) -> str:
    """`*Win EMEA*  ▓▓▓▓░░░░░░ 42% · ▲ 5 pts · :large_green_circle: on track`."""
    parts = [f"{progress_bar(item.progress)} {percent(item.progress)}"]
    change = change_label(item.change)
    if change:
        parts.append(change)
    if item.card.krs:
        parts.append(status_label(item.status))
    else:
        parts.append("no key results yet")
    return f"*{user_text(item.card.title, OBJECTIVE_CHARS)}*  " + " · ".join(parts)


def at_risk_line(card: ObjectiveCard, kr: KRLine) -> str:
    """Two lines: the KR, its owner and objective; value, percent and the status pair."""
    objective = user_text(card.title, CONTEXT_OBJECTIVE_CHARS)
    return (
        f"• *{user_text(kr.title, KR_CHARS)}* · {mention(kr.owner_id)} · _{objective}_\n"
        f"      {kr_value(kr)}{_percent_of(kr)} · {status_pair(kr)}"
    )


def _percent_of(kr: KRLine) -> str:
    """` · 35%`, or nothing for a KR without a reading (no percent to report yet)."""
    return f" · {percent(kr.progress)}" if measured(kr) else ""


def win_line(win: Win) -> str:
    """`:dart: <@U1> reached *Close $2M*: $2.1M of $2M` or a mover's `▲ 15 pts`."""
    title = user_text(win.kr.title, KR_CHARS)
    who = mention(win.kr.owner_id)
    if win.kind == REACHED:
        return f":dart: {who} reached the target of *{title}*: {kr_value(win.kr)}"
    gained = change_label(win.change) or "moved"
    return f":rocket: {who} moved *{title}* {gained}, now {percent(win.kr.progress)}"


def _more(hidden: int, what: str, hint: str = "") -> dict[str, Any]:
    return context(f"and {plural(hidden, what)}{hint}")


def digest_message(data: DigestData) -> dict[str, Any]:
    """The public digest (see the module docstring); never names who is missing."""
    heading = f"{team_cycle(data.team_name, data.cycle_name)} · {week_text(data)}"
    status = objective_status(data.overall, data.expected) if data.objectives else None
    overall = (
        f"*Overall*  {progress_bar(data.overall)} *{percent(data.overall)}*"
        f" · expected {percent(data.expected)} · {status_label(status)}"
    )
    blocks: list[dict[str, Any]] = [
        header(heading),
        section(overall),
        context(f":memo: {rate_text(data)}"),
        divider(),
    ]

    items = data.objectives
    if items:
        lines = [objective_line(o) for o in items[:MAX_OBJECTIVES]]
        texts, placed = pack_sections(
            lines,
            max_blocks=math.ceil(MAX_OBJECTIVES / OBJECTIVES_PER_SECTION),
            per_block=OBJECTIVES_PER_SECTION,
            heading=f"*Objectives* ({len(items):,})",
        )
        blocks.extend(section(t) for t in texts)
        if len(items) > placed:
            blocks.append(
                _more(len(items) - placed, "more objective", " · `/okr list` shows them all")
            )
    else:
        blocks.append(section("*Objectives*\nNo objectives for this team in this cycle yet."))

    blocks.append(divider())
    if data.at_risk:
        lines = [at_risk_line(card, kr) for card, kr in data.at_risk[:MAX_AT_RISK]]
        texts, placed = pack_sections(
            lines,
            max_blocks=math.ceil(MAX_AT_RISK / AT_RISK_PER_SECTION),
            per_block=AT_RISK_PER_SECTION,
            heading=f"*At risk* ({len(data.at_risk):,})",
        )
        blocks.extend(section(t) for t in texts)
        if len(data.at_risk) > placed:
            blocks.append(_more(len(data.at_risk) - placed, "more key result", " at risk"))
    else:
        blocks.append(section("*At risk*\nNo key result is at risk or off track. :raised_hands:"))

    if data.wins:
        blocks.append(divider())
        lines = [win_line(w) for w in data.wins[:MAX_WINS]]
        texts, placed = pack_sections(
            lines,
            max_blocks=math.ceil(MAX_WINS / WINS_PER_SECTION),
            per_block=WINS_PER_SECTION,
            heading="*Wins* :tada:",
        )
        blocks.extend(section(t) for t in texts)
        if len(data.wins) > placed:
            blocks.append(_more(len(data.wins) - placed, "more win"))

    blocks.append(context(LEGEND))
    fallback = (
        f"{heading}: {percent(data.overall)} overall (expected {percent(data.expected)}), "
        f"{len(data.at_risk):,} at risk, {rate_text(data)}"
    )
    return {"text": guard(fallback, 1000), "blocks": blocks}
