"""blocks.charts: data_visualization blocks built within Slack's documented limits
(docs.slack.dev/reference/block-kit/blocks/data-visualization-block), trimmed, never sent
invalid, and the digest's two charts with their text fallback."""

from __future__ import annotations

import json
import math

import pytest

from blocks import charts
from blocks.digest import digest_message, quota_chart, trend_chart
from okr.digest import DigestData, RepQuota, WeekPoint

EVIL = "<!channel> & <https://evil|bank>"


def line(categories: list[str], series: list[tuple[str, list[float]]], **kw: object) -> dict:
    block = charts.series_chart("line", "Progress", categories, series, **kw)  # type: ignore[arg-type]
    assert block is not None
    return block


def test_a_line_chart_is_the_documented_json() -> None:
    block = line(["W1", "W2"], [("Progress %", [10, 20.04])], x_label="Week", y_label="%")
    assert block == {
        "type": "data_visualization",
        "title": "Progress",
        "chart": {
            "type": "line",
            "series": [
                {
                    "name": "Progress %",
                    "data": [{"label": "W1", "value": 10}, {"label": "W2", "value": 20}],
                }
            ],
            "axis_config": {"categories": ["W1", "W2"], "x_label": "Week", "y_label": "%"},
        },
    }
    assert charts.chart_problems(block) == []


def test_too_many_points_keep_the_latest_or_the_first() -> None:
    weeks = [f"W{i}" for i in range(1, 31)]
    values = [float(i) for i in range(1, 31)]
    trend = line(weeks, [("Progress", values)])
    assert trend["chart"]["axis_config"]["categories"] == weeks[-20:]
    assert [p["value"] for p in trend["chart"]["series"][0]["data"]] == list(range(11, 31))
    ranked = charts.series_chart("bar", "Quota", weeks, [("Met", values)], keep="first")
    assert ranked is not None and ranked["chart"]["axis_config"]["categories"] == weeks[:20]
    assert charts.chart_problems(trend) == charts.chart_problems(ranked) == []


def test_too_many_series_keep_six_with_unique_short_names() -> None:
    series = [("A very long series name that goes on", [1.0]) for _ in range(9)]
    block = line(["W1"], series)
    names = [s["name"] for s in block["chart"]["series"]]
    assert len(names) == 6 and len(set(names)) == 6
    assert all(len(name) <= 20 for name in names)
    assert names[0] == "A very long series…" and names[1].endswith(" 2")
    assert charts.chart_problems(block) == []


def test_long_and_hostile_labels_are_cut_escaped_unique_and_still_match() -> None:
    people = [EVIL, EVIL, "Alexandra Johnson-Smithson", "", "  "]
    block = charts.series_chart(
        "bar", EVIL * 3, people, [("Quota met %", [50, 60, 70, 80, 90])], y_label=EVIL * 3
    )
    assert block is not None
    assert charts.chart_problems(block) == []
    text = json.dumps(block)
    assert "<" not in text and ">" not in text  # escaped like all user text
    assert "&amp" not in text.replace("&amp;", "")  # no entity cut in half
    categories = block["chart"]["axis_config"]["categories"]
    assert len(set(categories)) == 5 and all(1 <= len(c) <= 20 for c in categories)
    assert len(block["title"]) <= 50 and len(block["chart"]["axis_config"]["y_label"]) <= 50


def test_values_are_finite_numbers_and_empty_data_draws_nothing() -> None:
    block = line(["W1", "W2", "W3"], [("P", [math.nan, math.inf, 1 / 3])])
    assert [p["value"] for p in block["chart"]["series"][0]["data"]] == [0, 0, 0.3]
    assert charts.series_chart("line", "Empty", [], [("P", [])]) is None
    assert charts.series_chart("line", "No series", ["W1"], []) is None
    with pytest.raises(ValueError):
        charts.series_chart("pie", "Not a series chart", ["a"], [("P", [1])])
    with pytest.raises(ValueError):
        charts.series_chart("line", "Ragged", ["W1", "W2"], [("P", [1])])


def test_the_checker_names_what_breaks_a_limit() -> None:
    bad = {
        "type": "data_visualization",
        "title": "x" * 51,
        "chart": {
            "type": "line",
            "series": [{"name": "P", "data": [{"label": "W9", "value": "1"}]}] * 2,
            "axis_config": {"categories": ["W1"]},
        },
    }
    problems = charts.chart_problems(bad)
    assert "title must be 1-50 characters" in problems
    assert "series names must be unique" in problems
    assert "series 'P' labels differ from the categories" in problems
    assert "series 'P' has a value that is not a number" in problems
    pie = {"type": "data_visualization", "title": "P", "chart": {"type": "pie", "segments": []}}
    assert charts.chart_problems(pie) == ["pie needs 1-6 segments"]


def test_at_most_two_charts_a_message_and_without_charts_keeps_the_rest() -> None:
    chart = line(["W1"], [("P", [1])])
    text = {"type": "context", "elements": [{"type": "mrkdwn", "text": "said in words"}]}
    kept = charts.at_most_two([chart, text, chart, chart])
    assert kept == [chart, text, chart]
    message = {"text": "t", "blocks": kept}
    assert charts.has_charts(message)
    plain = charts.without_charts(message)
    assert plain == {"text": "t", "blocks": [text]} and not charts.has_charts(plain)


def digest_data(**changes: object) -> DigestData:
    base = DigestData(
        team_name="Sales",
        cycle_name="Q4",
        week=3,
        weeks=13,
        overall=0.2,
        expected=0.2,
        objectives=(),
        at_risk=(),
        wins=(),
        checked_in=0,
        owners=0,
        missing=(),
        trend=tuple(WeekPoint(w, 0.05 * w, 0.077 * w) for w in range(1, 4)),
        quota_reps=tuple(RepQuota(f"U0R{i:02d}", 1 - i / 30, 1) for i in range(25)),
        names={"U0R00": EVIL, "U0R01": "Bob Lund"},
    )
    return DigestData(**{**base.__dict__, **changes})


def test_the_digest_carries_two_valid_charts_and_says_them_in_words() -> None:
    data = digest_data()
    message = digest_message(data)
    drawn = [b for b in message["blocks"] if charts.is_chart(b)]
    assert [b["chart"]["type"] for b in drawn] == ["line", "bar"]
    assert all(charts.chart_problems(b) == [] for b in drawn)
    bar = drawn[1]["chart"]
    assert len(bar["axis_config"]["categories"]) == 20  # 25 reps: the top 20 drawn
    assert bar["axis_config"]["categories"][1] == "Bob Lund"
    assert bar["series"][0]["data"][0]["value"] == 100
    words = json.dumps(message, ensure_ascii=False)
    assert "Progress by week (expected): W1 5% (8%) · W2 10% (15%) · W3 15% (23%)" in words
    assert "Weekly quota, latest week: &lt;!channel&gt; &amp; &lt;ht… 100% · Bob Lund 97%" in words
    assert "and 17 more" in words  # 8 reps in words, of 25
    plain = digest_message(data, with_charts=False)
    assert not charts.has_charts(plain)
    assert plain["blocks"] == charts.without_charts(message)["blocks"]


def test_no_chart_without_data_to_draw() -> None:
    data = digest_data(trend=(WeekPoint(1, 0.05, 0.07),), quota_reps=())
    assert trend_chart(data.trend) is None and quota_chart(data) is None
    message = digest_message(data)
    assert not charts.has_charts(message)
    assert "Progress by week" not in json.dumps(message)
