"""The weekly digest and the cycle-end summary, assembled from objective cards: pure.

`assemble_digest` turns a team's cards (as of now) plus the time of the previous digest into
what the channel post and the team leads' DM show; `assemble_close` turns the final cards into
scores, grades and the calibration verdict. Both take plain values and return frozen
dataclasses, so `blocks` renders them and tests check them without Slack or a database.

Conventions:

- "Now" is what the cards say: they are computed as of `at` (`KRLine.progress`, `.current`,
  `.status`). "Then" (as of the previous digest) is recomputed from each KR's check-ins with
  `value_at` / `progress_at`, so no stored snapshot is needed.
- Archived objectives are left out of both the digest and the close summary.
- Naive datetimes are taken as UTC (storage hands out aware UTC times; this is a guard).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from okr.outline import CheckInNote, KRLine, ObjectiveCard, readings_of
from okr.progress import (
    EPS,
    Calibration,
    Grade,
    KRKind,
    Status,
    at_target,
    calibration,
    clamp01,
    counts_as_at_risk,
    expected_progress,
    grade,
    objective_progress,
    progress,
    risk_severity,
    score_against,
    suggested_status,
)
from okr.quota import summarise

MAX_MOVERS = 3
"""Biggest positive movers listed among the wins (besides every KR that reached target)."""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _seen(kr: KRLine, moment: datetime) -> list[CheckInNote]:
    """The KR's check-ins at or before `moment`, oldest first (stable for equal times)."""
    limit = _aware(moment)
    notes = [note for note in kr.checkins if _aware(note.at) <= limit]
    return sorted(notes, key=lambda note: _aware(note.at))


def value_at(kr: KRLine, moment: datetime) -> float:
    """The KR's value as of `moment`: its last check-in at or before it, else the start value
    (0 for a milestone: not done)."""
    seen = _seen(kr, moment)
    if seen:
        return seen[-1].value
    return 0.0 if kr.kind is KRKind.MILESTONE else kr.start


def progress_at(kr: KRLine, moment: datetime) -> float:
    """Raw progress as of `moment` (okr.progress.progress): from `value_at` for increase /
    decrease, done-or-not for a milestone, for stay_* the share of the check-ins up to
    `moment` that held the threshold, and for a quota its periods up to `moment`."""
    seen = _seen(kr, moment)
    if kr.quota_basis is not None:
        return summarise(kr.quota_basis, readings_of(tuple(seen)), _aware(moment)).progress
    value = seen[-1].value if seen else value_at(kr, moment)
    return progress(
        kr.kind,
        kr.start,
        kr.target,
        value,
        history_values=[note.value for note in seen],
        done=kr.kind is KRKind.MILESTONE and value >= 1,
    )


# --- the weekly digest ----------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveDigest:
    """One objective in the digest."""

    card: ObjectiveCard
    progress: float
    """Weighted mean of its KRs' clamped progress, now."""
    previous: float | None
    """The same as of the previous digest; None on the first digest of the cycle."""
    change: float | None
    """`progress - previous` (fraction: 0.05 is 5 percentage points)."""
    status: Status | None
    """Suggested from progress / expected with the KR ratio thresholds; None while too early
    to tell (expected < 0.1) and for an objective without key results."""


@dataclass(frozen=True)
class Win:
    """A KR worth praising: it reached its target, or moved the most since the last digest."""

    card: ObjectiveCard
    kr: KRLine
    kind: str  # "reached" | "mover"
    change: float
    """Raw progress gained since the previous digest (or the cycle start)."""


REACHED = "reached"
MOVER = "mover"


@dataclass(frozen=True)
class DigestData:
    """Everything the channel digest and the leads' missing-check-ins DM show."""

    team_name: str
    cycle_name: str
    week: int
    weeks: int
    overall: float
    expected: float
    objectives: tuple[ObjectiveDigest, ...]
    at_risk: tuple[tuple[ObjectiveCard, KRLine], ...]
    wins: tuple[Win, ...]
    checked_in: int
    owners: int
    missing: tuple[str, ...]


def _wall(moment: datetime, zone_of: datetime) -> datetime:
    """`moment` as naive wall-clock time in `zone_of`'s time zone, so day counts are calendar
    days even across a DST change."""
    return _aware(moment).astimezone(_aware(zone_of).tzinfo).replace(tzinfo=None)


DST_SLACK_DAYS = 2 / 24
"""Bounds given in UTC of a cycle of whole local days are off by a DST hour at most."""


def cycle_weeks(cycle_start: datetime, cycle_end: datetime) -> int:
    """Weeks in the cycle: ceil(days / 7), at least 1 (13 for a 91-day quarter). Days are
    calendar days: bounds in UTC that a DST change put an hour off whole days are rounded."""
    days = (_wall(cycle_end, cycle_start) - _wall(cycle_start, cycle_start)).total_seconds()
    days /= 86_400
    if days >= 1 and abs(days - round(days)) <= DST_SLACK_DAYS:
        days = round(days)
    return max(1, math.ceil(days / 7 - EPS))


def week_of_cycle(cycle_start: datetime, cycle_end: datetime, at: datetime) -> int:
    """1-based week of the cycle `at` falls in (days 0-6 are week 1), within 1..weeks."""
    elapsed = (_wall(at, cycle_start) - _wall(cycle_start, cycle_start)).total_seconds()
    week = math.floor(elapsed / (7 * 86_400)) + 1
    return min(max(1, week), cycle_weeks(cycle_start, cycle_end))


def objective_status(progress_now: float, expected: float) -> Status | None:
    """An objective's suggested status: the increase/decrease rule on its progress."""
    return suggested_status(KRKind.INCREASE, progress_now, expected)


def _objective_progress_at(card: ObjectiveCard, moment: datetime) -> float:
    return objective_progress((progress_at(kr, moment), kr.weight) for kr in card.krs)


def _reached_since(kr: KRLine, since: datetime) -> bool:
    if kr.kind.holds:
        return False  # holding a threshold is never "reached": it must hold all cycle
    return at_target(kr.kind, kr.target, kr.current) and not at_target(
        kr.kind, kr.target, value_at(kr, since)
    )


def assemble_digest(
    *,
    team_name: str,
    cycle_name: str,
    cycle_start: datetime,
    cycle_end: datetime,
    cards: Sequence[ObjectiveCard],
    at: datetime,
    since: datetime | None,
    checked_in: Collection[str],
    owners: Collection[str],
) -> DigestData:
    """The digest as of `at` for a team's `cards` (computed as of `at`).

    - week: 1-based week of the cycle; weeks = ceil(days / 7).
    - overall: mean of the objectives' progress, weight 1 each (each already a weighted mean
      of clamped KR progress); objectives without key results are left out of it.
    - per objective: progress now, as of `since` (the previous digest) and the change; no
      previous / change when `since` is None or before the cycle start.
    - at_risk: KRs whose suggested status or owner's confidence is off track or at risk
      (okr.progress.counts_as_at_risk), off track (by either) first, then the lowest progress
      first (all KRs of a cycle share `expected`, so that is the lowest ratio).
    - wins: KRs (increase / decrease / milestone) at target now but not as of `since`
      ("reached"), then the `MAX_MOVERS` increase / decrease KRs with the biggest positive
      progress change since then ("mover"; reached ones excluded). Without a usable `since`
      (first digest) both are measured from the cycle start.
    - owners are the KR owners expected to check in this week (the caller leaves out members
      who are away); checked_in counts those of them who did; missing lists the others, sorted.
    """
    cards = [card for card in cards if not card.archived]
    expected = expected_progress(cycle_start, cycle_end, at)
    previous_at = since if since is not None and _aware(since) >= _aware(cycle_start) else None
    baseline = previous_at if previous_at is not None else cycle_start

    objectives: list[ObjectiveDigest] = []
    for card in cards:
        now = objective_progress((kr.progress, kr.weight) for kr in card.krs)
        before = _objective_progress_at(card, previous_at) if previous_at is not None else None
        objectives.append(
            ObjectiveDigest(
                card=card,
                progress=now,
                previous=before,
                change=None if before is None else now - before,
                status=objective_status(now, expected) if card.krs else None,
            )
        )
    measured = [o.progress for o in objectives if o.card.krs]
    overall = objective_progress((p, 1.0) for p in measured)

    flagged = [
        (index, card, kr)
        for index, card in enumerate(cards)
        for kr in card.krs
        if counts_as_at_risk(kr.status, kr.confidence)
    ]
    flagged.sort(key=lambda item: (_severity(item[2]), _rank(item[2].progress), item[0]))
    at_risk = tuple((card, kr) for _, card, kr in flagged)

    wins = _wins(cards, baseline)

    owner_set = {o for o in owners if o}
    done = set(checked_in)
    missing = tuple(sorted(owner_set - done))
    return DigestData(
        team_name=team_name,
        cycle_name=cycle_name,
        week=week_of_cycle(cycle_start, cycle_end, at),
        weeks=cycle_weeks(cycle_start, cycle_end),
        overall=overall,
        expected=expected,
        objectives=tuple(objectives),
        at_risk=at_risk,
        wins=wins,
        checked_in=len(owner_set) - len(missing),
        owners=len(owner_set),
        missing=missing,
    )


def _severity(kr: KRLine) -> int:
    return risk_severity(kr.status, kr.confidence)


def _rank(value: float) -> float:
    """Sort key for a progress value; NaN sorts as no progress."""
    return value if math.isfinite(value) else 0.0


def _wins(cards: Iterable[ObjectiveCard], since: datetime) -> tuple[Win, ...]:
    reached: list[Win] = []
    movers: list[tuple[float, int, Win]] = []
    for card in cards:
        for kr in card.krs:
            change = _rank(kr.progress) - _rank(progress_at(kr, since))
            if _reached_since(kr, since):
                reached.append(Win(card, kr, REACHED, change))
            elif kr.kind.moves and change > EPS:
                movers.append((change, len(movers), Win(card, kr, MOVER, change)))
    movers.sort(key=lambda item: (-item[0], item[1]))
    return tuple(reached) + tuple(win for _, _, win in movers[:MAX_MOVERS])


# --- the cycle-end summary ------------------------------------------------------------------


@dataclass(frozen=True)
class KRScore:
    """A KR's cycle-end score (clamped progress) and grade; `original_score` is its score
    against the original target when the target was revised, else None."""

    kr: KRLine
    score: float
    grade: Grade
    original_target: float | None = None
    original_score: float | None = None

    @property
    def revised(self) -> bool:
        return self.original_score is not None


@dataclass(frozen=True)
class ObjectiveScore:
    """An objective's cycle-end score (weighted mean of its KR scores) and grade."""

    card: ObjectiveCard
    score: float
    grade: Grade
    krs: tuple[KRScore, ...]


@dataclass(frozen=True)
class CloseData:
    """The cycle-end summary: scores per objective and KR, and the calibration verdict over
    every KR score of the team."""

    team_name: str
    cycle_name: str
    objectives: tuple[ObjectiveScore, ...]
    calibration: Calibration
    average: float | None
    """Mean KR score; None without key results."""
    kr_count: int


def _kr_score(kr: KRLine, original: float) -> KRScore:
    score = clamp01(kr.progress)
    if original == kr.target:
        return KRScore(kr, score, grade(score))
    if kr.quota_basis is not None and kr.quota is not None:
        if original <= 0:
            return KRScore(kr, score, grade(score))
        basis = replace(kr.quota_basis, quota=original)
        against = summarise(basis, readings_of(kr.checkins), kr.quota.at).progress
        return KRScore(kr, score, grade(score), original, against)
    try:
        against_original, _ = score_against(
            kr.kind,
            kr.start,
            original,
            kr.target,
            kr.current,
            history_values=[note.value for note in kr.checkins],
            done=kr.done,
        )
    except ValueError:  # e.g. an original target equal to the start: no score to report
        return KRScore(kr, score, grade(score))
    return KRScore(kr, score, grade(score), original, against_original)


def assemble_close(
    *,
    team_name: str,
    cycle_name: str,
    cards: Sequence[ObjectiveCard],
    revised: Mapping[int, float] | None = None,
) -> CloseData:
    """Cycle-end scores of a team's final `cards`.

    KR score = clamped progress, graded; where the target was revised (`kr.original_target !=
    kr.target`) also the score against the original target (okr.progress.score_against).
    `revised` is optional: KR id -> original target, overriding `kr.original_target` for the
    KRs it names (KRLine already carries the original target, so callers normally omit it).
    Objective score = weighted mean of its KR scores. Calibration over every KR score.
    """
    overrides = dict(revised or {})
    objectives: list[ObjectiveScore] = []
    scores: list[float] = []
    for card in cards:
        if card.archived:
            continue
        krs = tuple(_kr_score(kr, overrides.get(kr.id, kr.original_target)) for kr in card.krs)
        score = objective_progress((k.score, k.kr.weight) for k in krs)
        objectives.append(ObjectiveScore(card, score, grade(score), krs))
        scores.extend(k.score for k in krs)
    return CloseData(
        team_name=team_name,
        cycle_name=cycle_name,
        objectives=tuple(objectives),
        calibration=calibration(scores),
        average=math.fsum(scores) / len(scores) if scores else None,
        kr_count=len(scores),
    )
