"""Native Slack charts (the `data_visualization` block) as plain dicts, always valid.

slack_sdk has no model for this block yet, so its documented limits are written here once
(docs.slack.dev/reference/block-kit/blocks/data-visualization-block) and every builder keeps
to them by trimming, never by sending something Slack would refuse:

- at most two charts per message;
- a title of at most 50 characters;
- line, bar and area charts: 1 to 6 series with unique names of at most 20 characters, each
  with 1 to 20 data points whose labels (at most 20 characters) are the axis categories, in
  their order; axis titles at most 50 characters;
- pie charts: 1 to 6 segments, labels at most 20 characters, values above 0.

Too many points keep the latest (a trend's last weeks) or the first (a ranked list); too many
series keep the first; long labels are cut with an ellipsis and kept unique. A chart with no
data left is not built at all (None). Charts are pictures: the message around them must say
the same in text, for clients that do not draw them and for a workspace that refused them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from blocks.mrkdwn import escape
from okr.i18n import _

CHART_BLOCK = "data_visualization"
MAX_CHARTS_PER_MESSAGE = 2
MAX_TITLE = 50
MAX_SERIES = 6
MAX_POINTS = 20
MAX_LABEL = 20
MAX_AXIS_LABEL = 50
MAX_SEGMENTS = 6
MAX_BLOCK_ID = 255
SERIES_CHARTS = ("line", "bar", "area")
ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """One line of `text`, escaped like all user text (`&`, `<`, `>`), in at most `limit`
    characters: an ellipsis marks a cut, which never splits an entity such as `&amp;`."""
    line = escape(" ".join(str(text).split()))
    if len(line) <= limit:
        return line
    head = line[: max(0, limit - 1)]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head.rstrip() + ELLIPSIS


def unique_labels(labels: Sequence[str], limit: int = MAX_LABEL) -> list[str]:
    """`labels` cut to `limit`, made unique (`Alex`, `Alex 2`) so points still match their
    categories one to one; a blank label reads `–`."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in labels:
        base = cut(raw, limit) or "–"
        label, n = base, 1
        while label in seen:
            n += 1
            suffix = f" {n}"
            label = base[: limit - len(suffix)].rstrip() + suffix
            amp = label.rfind("&")
            if amp != -1 and ";" not in label[amp:]:
                label = label[:amp].rstrip() + suffix
        seen.add(label)
        out.append(label)
    return out


def _number(value: float) -> float | int:
    """A finite number for the chart (NaN and infinities read 0), rounded to 0.1."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    rounded = round(float(value), 1)
    return int(rounded) if rounded == int(rounded) else rounded


def series_chart(
    kind: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    x_label: str | None = None,
    y_label: str | None = None,
    keep: str = "last",
    block_id: str | None = None,
) -> dict[str, Any] | None:
    """A line, bar or area chart: one value per category in each series. `keep` says which
    end of the categories survives a trim to `MAX_POINTS` ("last" for a trend, "first" for
    a ranked list). None when nothing is left to draw."""
    if kind not in SERIES_CHARTS:
        raise ValueError(f"not a series chart: {kind}")
    count = min(len(categories), MAX_POINTS)
    if count == 0:
        return None
    chosen = slice(len(categories) - count, None) if keep == "last" else slice(0, count)
    labels = unique_labels(list(categories)[chosen])
    names = unique_labels([name for name, _values in series[:MAX_SERIES]])
    plotted = []
    for name, (_name, values) in zip(names, series[:MAX_SERIES], strict=True):
        picked = list(values)[chosen]
        if len(picked) != len(labels):
            raise ValueError(f"series {name!r} has {len(picked)} values for {len(labels)} labels")
        points = [
            {"label": label, "value": _number(v)} for label, v in zip(labels, picked, strict=True)
        ]
        plotted.append({"name": name, "data": points})
    if not plotted:
        return None
    axis: dict[str, Any] = {"categories": labels}
    if x_label:
        axis["x_label"] = cut(x_label, MAX_AXIS_LABEL)
    if y_label:
        axis["y_label"] = cut(y_label, MAX_AXIS_LABEL)
    return _block(title, {"type": kind, "series": plotted, "axis_config": axis}, block_id)


def _block(title: str, chart: dict[str, Any], block_id: str | None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": CHART_BLOCK,
        "title": cut(title, MAX_TITLE) or _("Chart"),
        "chart": chart,
    }
    if block_id:
        block["block_id"] = block_id[:MAX_BLOCK_ID]
    return block


def is_chart(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == CHART_BLOCK


def has_charts(message: dict[str, Any]) -> bool:
    """Whether the message carries a chart (the only blocks Slack may refuse as unknown)."""
    return any(is_chart(block) for block in message.get("blocks") or ())


def without_charts(message: dict[str, Any]) -> dict[str, Any]:
    """The same message with its charts left out (its text fallback stays)."""
    blocks = [block for block in message.get("blocks") or () if not is_chart(block)]
    return {**message, "blocks": blocks}


def at_most_two(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`blocks` with charts past the second left out (Slack takes two per message)."""
    kept: list[dict[str, Any]] = []
    charts = 0
    for block in blocks:
        if is_chart(block):
            charts += 1
            if charts > MAX_CHARTS_PER_MESSAGE:
                continue
        kept.append(block)
    return kept


def chart_problems(block: dict[str, Any]) -> list[str]:
    """What in a chart block breaks the documented limits (empty when it is valid): the
    tests' check, and a guard the builders never need."""
    problems: list[str] = []
    title = block.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= MAX_TITLE:
        problems.append("title must be 1-50 characters")
    if len(block.get("block_id") or "") > MAX_BLOCK_ID:
        problems.append("block_id over 255 characters")
    chart = block.get("chart") or {}
    kind = chart.get("type")
    if kind == "pie":
        segments = chart.get("segments") or []
        if not 1 <= len(segments) <= MAX_SEGMENTS:
            problems.append("pie needs 1-6 segments")
        for segment in segments:
            if not 1 <= len(segment.get("label") or "") <= MAX_LABEL:
                problems.append(f"segment label {segment.get('label')!r} over 20 characters")
            if not (isinstance(segment.get("value"), int | float) and segment["value"] > 0):
                problems.append("segment values must be above 0")
        return problems
    if kind not in SERIES_CHARTS:
        return [*problems, f"unknown chart type {kind!r}"]
    axis = chart.get("axis_config") or {}
    categories = axis.get("categories") or []
    for key in ("x_label", "y_label"):
        if len(axis.get(key) or "") > MAX_AXIS_LABEL:
            problems.append(f"{key} over 50 characters")
    if any(not 1 <= len(c) <= MAX_LABEL for c in categories):
        problems.append("a category is not 1-20 characters")
    series = chart.get("series") or []
    if not 1 <= len(series) <= MAX_SERIES:
        problems.append("1-6 series")
    names = [s.get("name") or "" for s in series]
    if len(set(names)) != len(names):
        problems.append("series names must be unique")
    for one in series:
        name, data = one.get("name") or "", one.get("data") or []
        if not 1 <= len(name) <= MAX_LABEL:
            problems.append(f"series name {name!r} is not 1-20 characters")
        if not 1 <= len(data) <= MAX_POINTS:
            problems.append(f"series {name!r} needs 1-20 points")
        labels = [point.get("label") for point in data]
        if labels != list(categories):
            problems.append(f"series {name!r} labels differ from the categories")
        for point in data:
            value = point.get("value")
            if not (isinstance(value, int | float) and math.isfinite(value)):
                problems.append(f"series {name!r} has a value that is not a number")
    return problems
