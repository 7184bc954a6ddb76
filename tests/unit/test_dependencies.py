"""okr.dependencies: which links are refused, and the loop check over the whole graph."""

from __future__ import annotations

from datetime import date

from okr.dependencies import Downstream, KREnd, option_label, problem, reaches
from okr.dependency_status import dependency_status as link_status

Q1 = (date(2027, 1, 1), date(2027, 3, 31))
YEAR = (date(2027, 1, 1), date(2027, 12, 31))


def end(
    kr_id: int, *, ws: str = "T1", objective: int = 10, archived: bool = False, span=Q1
) -> KREnd:  # type: ignore[no-untyped-def]
    return KREnd(kr_id, ws, objective, archived, span[0], span[1], title=f"KR {kr_id}")


def down(kr_id: int | None = 1, objective: int = 1, span=Q1) -> Downstream:  # type: ignore[no-untyped-def]
    return Downstream("T1", objective, span[0], span[1], kr_id=kr_id)


def test_a_kr_of_another_team_in_the_same_cycle_is_fine() -> None:
    assert problem(down(), end(2), {}) is None


def test_refusals_name_the_problem() -> None:
    assert "does not exist" in (problem(down(), end(2, ws="T2"), {}) or "")
    assert "does not exist" in (problem(down(), None, {}) or "")
    assert "archived" in (problem(down(), end(2, archived=True), {}) or "")
    assert "itself" in (problem(down(1), end(1), {}) or "")
    assert "own key results" in (problem(down(None, objective=10), end(2), {}) or "")


def test_a_loop_is_refused_however_long() -> None:
    assert "loop" in (problem(down(1), end(2), {2: {1}}) or "")
    assert "loop" in (problem(down(1), end(2), {2: {3}, 3: {4}, 4: {1}}) or "")
    assert problem(down(1), end(2), {2: {3}, 3: {4}}) is None
    # a whole objective's link: any of its KRs reached closes the loop
    assert problem(down(None, objective=1), end(2), {2: {5}}, {1: [5, 6]})


def test_reaches_stops_on_cycles_already_there() -> None:
    assert not reaches(1, {9}, {1: {2}, 2: {1}})


def test_across_cycles_only_when_the_upstream_cycle_covers_this_one() -> None:
    assert problem(down(span=Q1), end(2, span=YEAR), {}) is None
    assert "cycle" in (problem(down(span=YEAR), end(2, span=Q1), {}) or "")
    q2 = (date(2027, 4, 1), date(2027, 6, 30))
    assert "cycle" in (problem(down(span=q2), end(2, span=Q1), {}) or "")


def test_status_follows_the_one_risk_rule() -> None:
    assert link_status("on_track", "at_risk") == "at_risk"
    assert link_status("at_risk", "off_track") == "off_track"
    assert link_status("on_track", None) == "on_track"
    assert link_status(None, None) == "too_early"


def test_option_label_stays_within_slack_limit() -> None:
    assert option_label("Marketing", "Generate 200 MQLs a month") == (
        "Marketing · Generate 200 MQLs a month"
    )
    assert len(option_label("Marketing", "x" * 200)) == 75
