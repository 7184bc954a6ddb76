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
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from itertools import pairwise

from okr.cycles import zone
from okr.dependency_status import DependencyLine
from okr.outline import CheckInNote, KRLine, ObjectiveCard, cycle_days, readings_of
from okr.periods import Period
from okr.progress import (
    EPS,
    TOO_EARLY_EXPECTED,
    Calibration,
    Grade,
    KRKind,
    Status,
    at_target,
    calibration,
    clamp01,
    counts_as_at_risk,
    expected_progress,
    forecast,
    grade,
    objective_progress,
    progress,
    risk_severity,
    score_against,
    suggested_status,
)
from okr.quota import PeriodResult, QuotaSummary, summarise

WELL_AHEAD = 1.25
"""A move is a win when it leaves the KR this far ahead of pace (progress / expected), once
it is no longer too early to tell (expected >= 0.1, DESIGN.md's "too early")."""
FORECAST_READINGS = 3
"""Readings a trend needs before the digest says where it lands at cycle end."""
WEEK = LAST_WEEK = timedelta(days=7)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _in_order(kr: KRLine) -> tuple[CheckInNote, ...]:
    """The KR's check-ins oldest first (stable for equal times). Storage hands them out in
    order, so this is one pass of comparisons; anything else is sorted."""
    notes = kr.checkins
    try:
        if all(a.at <= b.at for a, b in pairwise(notes)):
            return notes
    except TypeError:  # naive beside aware times: compare them as UTC
        pass
    return tuple(sorted(notes, key=lambda note: _aware(note.at)))


def _seen(kr: KRLine, moment: datetime) -> list[CheckInNote]:
    """The KR's check-ins at or before `moment`, oldest first (stable for equal times)."""
    limit = _aware(moment)
    return [note for note in _in_order(kr) if _aware(note.at) <= limit]


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
    """Its progress against pace now (`paced_progress`: weighted mean of its KRs' clamped
    progress, a threshold or quota counting for the share of the cycle gone)."""
    previous: float | None
    """The same as of the previous digest; None on the first digest of the cycle."""
    change: float | None
    """`progress - previous` (fraction: 0.05 is 5 percentage points)."""
    status: Status | None
    """Suggested from progress / expected with the KR ratio thresholds; None while too early
    to tell (expected < 0.1) and for an objective without key results."""


@dataclass(frozen=True)
class Win:
    """A KR worth praising: it reached its target, met its quota, or moved well ahead of
    pace."""

    card: ObjectiveCard
    kr: KRLine
    kind: str  # REACHED | QUOTA_MET | AHEAD
    change: float
    """Raw progress gained since the previous digest (or a week ago)."""


REACHED = "reached"
QUOTA_MET = "quota_met"
AHEAD = "ahead"


@dataclass(frozen=True)
class KRStory:
    """One KR the digest tells about: it moved, is at risk, or has a new note."""

    card: ObjectiveCard
    kr: KRLine
    at_risk: bool
    """By the bot's suggestion or its owner's own call (okr.progress.counts_as_at_risk)."""
    change: float | None
    """Value now minus the value at the last reading before the previous digest (a quota:
    this period's count minus the previous period's; a milestone: 1 done, -1 reopened);
    None when there is no earlier reading to compare with."""
    first_reading: bool
    """Its first reading came since the previous digest."""
    note: str | None
    """The owner's latest note this cycle (raw text; the builder escapes and cuts it)."""
    new_note: bool
    """That note came since the previous digest."""
    cycle_start: datetime
    cycle_end: datetime

    @cached_property
    def forecast(self) -> float | None:
        """Where the least-squares line through its check-ins lands at cycle end (increase /
        decrease with at least `FORECAST_READINGS` readings); None otherwise. Worked out when
        read: a digest shows a few dozen of the stories it finds."""
        kr = self.kr
        if not kr.kind.moves or len(kr.checkins) < FORECAST_READINGS:
            return None
        points = [(note.at, note.value) for note in kr.checkins]
        return forecast(kr.kind, kr.start, kr.target, points, self.cycle_start, self.cycle_end)


@dataclass(frozen=True)
class WeekPoint:
    """The team's progress against pace at the end of one cycle week (or now)."""

    week: int
    progress: float
    expected: float


@dataclass(frozen=True)
class RepQuota:
    """One rep's quota attainment this week: mean count / quota over their weekly quotas."""

    owner_id: str
    attainment: float
    quotas: int


@dataclass(frozen=True)
class DigestKudos:
    """A kudos given in the team's channel this week."""

    giver: str
    receiver: str
    text: str


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
    stories: tuple[KRStory, ...] = ()
    """At-risk KRs first (worst first, as `at_risk`), then the others that moved or have a
    new note, in objective order; wins are told as wins, not again here."""
    updated: int | None = None
    """Owners due this week with a real update (No change is not one); None: all who
    checked in, less `no_change`."""
    no_change: int = 0
    """Owners due this week whose only check-ins were *No change*."""
    away: int = 0
    """Owners away or skipping this week (not due, not missing)."""
    trend: tuple[WeekPoint, ...] = ()
    quota_reps: tuple[RepQuota, ...] = ()
    kudos: tuple[DigestKudos, ...] = ()
    cycle_last_day: date | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    """Owner id -> display name, for chart labels (a chart cannot show a mention)."""
    waiting: tuple[DependencyLine, ...] = ()
    """At-risk KRs of other teams this team depends on ("Waiting on other teams")."""


def _wall(moment: datetime, zone_of: datetime, timezone: str | None) -> datetime:
    """`moment` as naive wall-clock time in `timezone` (else `zone_of`'s time zone), so day
    counts are calendar days even across a DST change."""
    tz = zone(timezone) if timezone else _aware(zone_of).tzinfo
    return _aware(moment).astimezone(tz).replace(tzinfo=None)


DST_SLACK_DAYS = 2 / 24
"""Bounds given in UTC of a cycle of whole local days are off by a DST hour at most."""


def _days(start: datetime, moment: datetime, timezone: str | None) -> float:
    """Calendar days from `start` to `moment` (local wall-clock time)."""
    seconds = (_wall(moment, start, timezone) - _wall(start, start, timezone)).total_seconds()
    return seconds / 86_400


def cycle_weeks(cycle_start: datetime, cycle_end: datetime, timezone: str | None = None) -> int:
    """Weeks in the cycle: its days / 7 rounded, at least 1: 13 for a quarter of 90 to 94
    days (ceil said 14 for a 92-day one). A remainder of up to three days belongs to the last
    week. Days are calendar days in `timezone` (else the zone `cycle_start` is given in):
    bounds that a DST change put an hour off whole days are rounded."""
    days = _days(cycle_start, cycle_end, timezone)
    if days >= 1 and abs(days - round(days)) <= DST_SLACK_DAYS:
        days = round(days)
    return max(1, math.floor(days / 7 + 0.5 + EPS))


def week_of_cycle(
    cycle_start: datetime, cycle_end: datetime, at: datetime, timezone: str | None = None
) -> int:
    """1-based week of the cycle `at` falls in (days 0-6 are week 1), within 1..weeks."""
    week = math.floor(_days(cycle_start, at, timezone) / 7) + 1
    return min(max(1, week), cycle_weeks(cycle_start, cycle_end, timezone))


def objective_status(progress_now: float, expected: float) -> Status | None:
    """An objective's suggested status: the increase/decrease rule on its progress."""
    return suggested_status(KRKind.INCREASE, progress_now, expected)


def paced(kind: KRKind, raw: float, expected: float) -> float:
    """A KR's part in progress against pace: its clamped progress, but for a threshold to
    hold or a quota (whose progress is a share so far: of readings that held, of quota met)
    that share times the elapsed share of the cycle. Held every week so far is exactly on
    pace, never 100 % of the cycle after one reading; at cycle end (expected 1) it is the
    KR's score, as DESIGN.md grades it."""
    value = clamp01(raw)
    if kind.holds or kind.per_period:
        return value * clamp01(expected)
    return value


def paced_progress(card: ObjectiveCard, expected: float) -> float:
    """An objective's progress against pace now (`paced` per KR, weighted)."""
    return objective_progress((paced(kr.kind, kr.progress, expected), kr.weight) for kr in card.krs)


def _objective_progress_at(card: ObjectiveCard, moment: datetime, expected: float) -> float:
    return objective_progress(
        (paced(kr.kind, progress_at(kr, moment), expected), kr.weight) for kr in card.krs
    )


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
    no_change: Collection[str] = (),
    away: int = 0,
    timezone: str = "UTC",
    kudos: Sequence[DigestKudos] = (),
    names: Mapping[str, str] | None = None,
) -> DigestData:
    """The digest as of `at` for a team's `cards` (computed as of `at`).

    - week: the week of the cycle in the team's `timezone` (`week_of_cycle`).
    - overall: mean of the objectives' progress against pace, weight 1 each; objectives
      without key results are left out of it. Progress against pace (`paced`) counts a
      threshold or quota KR for its share held / met times the share of the cycle gone.
    - per objective: progress now, as of `since` (the previous digest) and the change; no
      previous / change when `since` is None or before the cycle start.
    - at_risk: KRs whose suggested status or owner's confidence is off track or at risk
      (okr.progress.counts_as_at_risk), off track (by either) first, then the lowest progress
      first.
    - stories: the at-risk KRs, then every other KR that moved or has a new note since the
      previous digest (a week ago on the first one), with its change, latest note and,
      from `FORECAST_READINGS` readings on, its forecast.
    - wins: KRs (increase / decrease / milestone) at target now but not then (`REACHED`);
      weekly or monthly quotas whose latest period, reported since then, met the quota
      (`QUOTA_MET`); increase / decrease KRs that moved forward since then and now stand at
      least `WELL_AHEAD` times their pace, once it is not too early to tell (`AHEAD`).
    - owners are the KR owners expected to check in this week (the caller leaves out members
      who are away, and counts them in `away`); checked_in counts those of them who checked
      in at all, `no_change` those whose only check-ins were *No change* (not an update);
      missing lists the others, sorted.
    """
    cards = [card for card in cards if not card.archived]
    expected = expected_progress(cycle_start, cycle_end, at)
    previous_at = since if since is not None and _aware(since) >= _aware(cycle_start) else None
    baseline = (
        previous_at if previous_at is not None else max(_aware(cycle_start), _aware(at) - LAST_WEEK)
    )

    objectives: list[ObjectiveDigest] = []
    before_expected = (
        expected_progress(cycle_start, cycle_end, previous_at) if previous_at is not None else 0
    )
    for card in cards:
        now = paced_progress(card, expected)
        before = (
            _objective_progress_at(card, previous_at, before_expected)
            if previous_at is not None
            else None
        )
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

    wins = _wins(cards, baseline, expected)
    stories = _stories(at_risk, cards, baseline, {w.kr.id for w in wins}, cycle_start, cycle_end)

    owner_set = {o for o in owners if o}
    done = set(checked_in)
    missing = tuple(sorted(owner_set - done))
    only_no_change = (owner_set & done) & set(no_change)
    _, last_day = cycle_days(_aware(cycle_start), _aware(cycle_end), timezone)
    return DigestData(
        team_name=team_name,
        cycle_name=cycle_name,
        week=week_of_cycle(cycle_start, cycle_end, at, timezone),
        weeks=cycle_weeks(cycle_start, cycle_end, timezone),
        overall=overall,
        expected=expected,
        objectives=tuple(objectives),
        at_risk=at_risk,
        wins=wins,
        checked_in=len(owner_set) - len(missing),
        owners=len(owner_set),
        missing=missing,
        stories=stories,
        updated=len(owner_set) - len(missing) - len(only_no_change),
        no_change=len(only_no_change),
        away=max(0, away),
        trend=weekly_trend(cards, cycle_start, cycle_end, at, timezone),
        quota_reps=quota_attainment(cards),
        kudos=tuple(kudos),
        cycle_last_day=last_day,
        names=dict(names or {}),
    )


def _severity(kr: KRLine) -> int:
    return risk_severity(kr.status, kr.confidence)


def _rank(value: float) -> float:
    """Sort key for a progress value; NaN sorts as no progress."""
    return value if math.isfinite(value) else 0.0


def _wins(cards: Iterable[ObjectiveCard], since: datetime, expected: float) -> tuple[Win, ...]:
    reached: list[Win] = []
    met: list[Win] = []
    ahead: list[tuple[float, int, Win]] = []
    for card in cards:
        for kr in card.krs:
            if kr.kind.per_period:
                if _quota_met_since(kr, since):
                    met.append(Win(card, kr, QUOTA_MET, 0.0))
                continue
            change = _rank(kr.progress) - _rank(progress_at(kr, since))
            if _reached_since(kr, since):
                reached.append(Win(card, kr, REACHED, change))
            elif kr.kind.moves and change > EPS and _well_ahead(kr, expected):
                ahead.append((change, len(ahead), Win(card, kr, AHEAD, change)))
    ahead.sort(key=lambda item: (-item[0], item[1]))
    return tuple(reached) + tuple(met) + tuple(win for _, _, win in ahead)


def _well_ahead(kr: KRLine, expected: float) -> bool:
    """Well ahead of pace, and late enough in the cycle for pace to mean something."""
    if expected < TOO_EARLY_EXPECTED - EPS:
        return False
    return _rank(kr.progress) >= WELL_AHEAD * expected - EPS


def _quota_met_since(kr: KRLine, since: datetime) -> bool:
    """The quota's latest reported period met the quota, by a reading made since `since`."""
    summary = kr.quota
    if summary is None or not summary.reported:
        return False
    latest = summary.reported[-1]
    if latest.count is None or latest.count < summary.quota:
        return False
    limit = _aware(since)
    return any(
        note.period_key == latest.span.key and _aware(note.at) > limit for note in kr.checkins
    )


def _stories(
    at_risk: Sequence[tuple[ObjectiveCard, KRLine]],
    cards: Sequence[ObjectiveCard],
    since: datetime,
    wins: Collection[int],
    cycle_start: datetime,
    cycle_end: datetime,
) -> tuple[KRStory, ...]:
    risky = {kr.id for _, kr in at_risk}
    told = [_story(card, kr, since, True, cycle_start, cycle_end) for card, kr in at_risk]
    for card in cards:
        for kr in card.krs:
            if kr.id in risky or kr.id in wins:
                continue
            story = _story(card, kr, since, False, cycle_start, cycle_end)
            if story.first_reading or story.new_note or (story.change or 0.0) != 0.0:
                told.append(story)
    return tuple(told)


def _story(
    card: ObjectiveCard,
    kr: KRLine,
    since: datetime,
    at_risk: bool,
    cycle_start: datetime,
    cycle_end: datetime,
) -> KRStory:
    limit = _aware(since)
    notes = _in_order(kr)
    before = [note for note in notes if _aware(note.at) <= limit]
    after = [note for note in notes if _aware(note.at) > limit]
    latest_note = next((note for note in reversed(notes) if note.note.strip()), None)
    change: float | None = None
    if kr.kind.per_period:
        change = _quota_change(kr) if after else None
    elif before and after:
        change = after[-1].value - before[-1].value
        if kr.kind is KRKind.MILESTONE:
            change = float((after[-1].value >= 1) - (before[-1].value >= 1))
    return KRStory(
        card=card,
        kr=kr,
        at_risk=at_risk,
        change=change,
        first_reading=bool(after) and not before,
        note=latest_note.note if latest_note is not None else None,
        new_note=latest_note is not None and _aware(latest_note.at) > limit,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
    )


def _quota_change(kr: KRLine) -> float | None:
    """This period's count minus the previous period's, when both have one."""
    summary = kr.quota
    if summary is None:
        return None
    results = summary.results
    for index in range(len(results) - 1, 0, -1):
        if results[index].count is not None:
            previous = results[index - 1].count
            return None if previous is None else results[index].count - previous  # type: ignore[operator]
    return None


# --- what the charts draw -------------------------------------------------------------------


def weekly_trend(
    cards: Sequence[ObjectiveCard],
    cycle_start: datetime,
    cycle_end: datetime,
    at: datetime,
    timezone: str = "UTC",
) -> tuple[WeekPoint, ...]:
    """The team's overall progress against pace at the end of each cycle week so far (the
    current week: as of `at`), beside the expected progress then. Each KR's readings are
    sorted once and swept week by week, so a 13-week cycle costs about one pass per KR."""
    cards = [card for card in cards if not card.archived and card.krs]
    if not cards:
        return ()
    now = _aware(at)
    weeks = cycle_weeks(cycle_start, cycle_end, timezone)
    current = week_of_cycle(cycle_start, cycle_end, at, timezone)
    moments = [
        min(_aware(cycle_end) if week == weeks else _aware(cycle_start) + week * WEEK, now)
        for week in range(1, current + 1)
    ]
    expected = [expected_progress(cycle_start, cycle_end, m) for m in moments]
    count = len(moments)
    sums = [0.0] * count
    for card in cards:
        totals = [0.0] * count
        weight_sum = 0.0
        for kr in card.krs:
            weight = 1.0 if kr.weight is None else float(kr.weight)
            weight_sum += weight
            series = _progress_series(kr, moments)
            if kr.kind.holds or kr.kind.per_period:  # `paced`, inlined: the hot loop
                for index in range(count):
                    totals[index] += clamp01(series[index]) * expected[index] * weight
            else:
                for index in range(count):
                    totals[index] += clamp01(series[index]) * weight
        for index in range(count):
            sums[index] += totals[index] / weight_sum if weight_sum > 0 else 0.0
    return tuple(
        WeekPoint(index + 1, sums[index] / len(cards), expected[index]) for index in range(count)
    )


def _progress_series(kr: KRLine, moments: Sequence[datetime]) -> list[float]:
    """Raw progress of `kr` at each of `moments` (ascending), as `progress_at` gives it."""
    if kr.kind.per_period:
        return [progress_at(kr, m) for m in moments]
    notes = _in_order(kr)
    times = [_aware(note.at) for note in notes]
    values = [note.value for note in notes]
    milestone, holds = kr.kind is KRKind.MILESTONE, kr.kind.holds
    start, span = kr.start, kr.target - kr.start
    series: list[float] = []
    held = 0
    counted = 0
    for moment in moments:
        seen = bisect_right(times, _aware(moment))
        if milestone:
            series.append(1.0 if seen and values[seen - 1] >= 1 else 0.0)
        elif holds:
            while counted < seen:
                held += _holds(kr, values[counted])
                counted += 1
            series.append(held / seen if seen else 0.0)
        else:  # increase / decrease: `progress`, without its checks (the KR was validated)
            value = values[seen - 1] if seen else start
            series.append((value - start) / span if span else 0.0)
    return series


def _holds(kr: KRLine, value: float) -> bool:
    return value >= kr.target if kr.kind is KRKind.STAY_ABOVE else value <= kr.target


def _latest_week(summary: QuotaSummary) -> PeriodResult:
    """The week a quota's bar shows: this week once it has a count, else the last closed
    week the owner was not away for (counts are mostly given on Monday for last week, so a
    Friday digest would otherwise draw every rep at 0)."""
    current = summary.current
    if current.count is not None:
        return current
    closed = [r for r in summary.results if r.closed and not r.away]
    return closed[-1] if closed else current


def quota_attainment(cards: Sequence[ObjectiveCard]) -> tuple[RepQuota, ...]:
    """Each owner's attainment of their weekly quotas in the latest week reported (count /
    quota, clamped, averaged over their weekly quota KRs; a week without a count counts 0),
    highest first."""
    per_owner: dict[str, list[float]] = {}
    for card in cards:
        if card.archived:
            continue
        for kr in card.krs:
            summary = kr.quota
            if not kr.kind.per_period or summary is None or kr.period is not Period.WEEK:
                continue
            count = _latest_week(summary).count
            share = clamp01(count / summary.quota) if count is not None and summary.quota > 0 else 0
            per_owner.setdefault(kr.owner_id, []).append(share)
    reps = [
        RepQuota(owner, math.fsum(shares) / len(shares), len(shares))
        for owner, shares in per_owner.items()
    ]
    reps.sort(key=lambda rep: (-rep.attainment, rep.owner_id))
    return tuple(reps)


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
