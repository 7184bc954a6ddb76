"""`okr-bot sandbox --demo`: a quarter of the sales team of the playbook, eight weeks in.

Stored through the project's own storage functions, as the modals would store it: the
company objective, Sales East's "Grow East region revenue" under it, and the reps'
personal objectives under that; revenue (USD), quota and threshold key results; eight
weeks of check-ins with the reps' notes; a target revision with its reason; Anna's week
away. Sales East's channel speaks Chinese, as its lead Lin does, while Ravi in New York
reads his DMs and Home in English. The clock is put in week 9 of the cycle, so the digest,
Home, list, tree and the cycle close have something true to show on first open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from okr.drafts import KRDraft, ObjectiveDraft
from okr.i18n import ZH
from okr.periods import Period, period_of
from okr.progress import KRKind
from okr.rhythm import local_instant, week_start
from okr.values import Unit
from sandbox import workspace
from sandbox.workspace import ANNA, LIN, RAVI, SAM
from storage.away import record_away
from storage.checkins import Entry, record
from storage.context import Deps
from storage.cycles import current_cycle
from storage.models import KeyResult
from storage.objectives import (
    create_objective,
    get_objective,
    key_results_of,
    objectives_of_cycle,
    update_objective,
)
from storage.teams import team_by_name

WS = workspace.WORKSPACE_ID
#: The week of the cycle the demo's "now" falls in.
NOW_WEEK = 9
WEEKS_OF_CHECKINS = 8
#: Anna's week away (week of the cycle, 1-based): no check-in that week.
ANNA_AWAY_WEEK = 5
#: The week Lin cut the team's revenue target, and why.
REVISION_WEEK = 6
REVISION_REASON = (
    "Shenzhen Electronics moved their 300k renewal into next quarter; "
    "target cut to what the pipeline can carry."
)


@dataclass(frozen=True)
class KRSeed:
    title: str
    kind: KRKind
    unit: Unit
    start: float
    target: float
    owner: str
    unit_word: str | None = None
    period: Period | None = None

    def draft(self, row: int, kr_id: int | None = None, target: float | None = None) -> KRDraft:
        return KRDraft(
            row=row,
            title=self.title,
            kind=self.kind,
            unit=self.unit,
            currency="USD" if self.unit is Unit.CURRENCY else None,
            start=self.start,
            target=self.target if target is None else target,
            owner_id=self.owner,
            baseline=None,
            weight=1.0,
            kr_id=kr_id,
            unit_word=self.unit_word,
            period=self.period,
        )


def revenue(title: str, target: float, owner: str) -> KRSeed:
    """New revenue in USD, from zero."""
    return KRSeed(title, KRKind.INCREASE, Unit.CURRENCY, 0, target, owner)


def quota(title: str, target: float, owner: str, word: str, period: Period) -> KRSeed:
    """A count to reach every week or month."""
    return KRSeed(title, KRKind.QUOTA, Unit.NUMBER, 0, target, owner, word, period)


COMPANY_KRS = (revenue("New-business revenue", 4_000_000, SAM.id),)
TEAM_REVENUE = revenue("East region new revenue", 1_500_000, LIN.id)
REVISED_TARGET = 1_200_000
TEAM_KRS = (
    TEAM_REVENUE,
    KRSeed("Keep churn below 3%", KRKind.STAY_BELOW, Unit.PERCENT, 2.4, 3, LIN.id),
)
RAVI_KRS = (
    quota("Contact 50 new prospects every week", 50, RAVI.id, "prospects", Period.WEEK),
    revenue("Close new deals in New England", 450_000, RAVI.id),
)
ANNA_KRS = (
    quota("Sign 10 contracts per month", 10, ANNA.id, "contracts", Period.MONTH),
    revenue("Close new deals in DACH", 400_000, ANNA.id),
)

#: Each person's Friday check-ins, weeks 1..8: (reading of their first KR, of their second,
#: confidence, note). None: no check-in that week. A rep's first KR is the quota (Anna's:
#: contracts signed this month so far), the second revenue so far; Lin's are the team's
#: revenue and churn.
RAVI_WEEKS: Sequence[tuple[float, float, str, str] | None] = (
    (34, 0, "on_track", "First week back on the Boston list, lots of voicemail."),
    (46, 18_000, "on_track", "Closed Harbor Dental's starter plan. Calls are picking up."),
    (52, 41_000, "on_track", "Hit the number. Two demos booked with hospital groups."),
    (49, 41_000, "at_risk", "One short, lost Thursday to the customer offsite."),
    (55, 96_000, "on_track", "Mass General pilot signed, 55k. Best week so far."),
    (38, 96_000, "at_risk", "Sick two days. Pipeline is fine, contact count is not."),
    (51, 132_000, "on_track", "Back on track. Providence deal in legal review."),
    (53, 168_000, "on_track", "Providence signed. Need a big one to get to 450k."),
)
ANNA_WEEKS: Sequence[tuple[float, float, str, str] | None] = (
    (2, 22_000, "on_track", "Two renewals in Munich, both upgraded to the Pro plan."),
    (5, 47_000, "on_track", "Three new contracts from the Hamburg trade fair leads."),
    (7, 70_000, "on_track", "Vienna logistics group signed, 23k."),
    (9, 81_000, "at_risk", "One contract still with procurement, chasing it."),
    None,  # away: Berlin sales summit, then two days off
    (1, 96_000, "on_track", "Back. First contract of the month from Zurich."),
    (4, 128_000, "on_track", "Three signed this week, all from the summit."),
    (6, 151_000, "at_risk", "Two deals slipped to next month, I'll chase them Monday."),
)
LIN_WEEKS: Sequence[tuple[float, float, str, str]] = (
    (24_000, 2.2, "on_track", "Quarter kick-off done, everyone has their numbers."),
    (72_000, 2.3, "on_track", "Good start, churn steady."),
    (128_000, 2.5, "on_track", "Two small customers left, both price-driven."),
    (181_000, 2.6, "at_risk", "Churn creeping up, reviewing the at-risk accounts list."),
    (219_000, 2.6, "at_risk", "Renewal calls with the top ten accounts this week."),
    (262_000, 2.8, "at_risk", "Shenzhen renewal slipped to next quarter, target revised."),
    (318_000, 2.7, "on_track", "Churn back down after the save campaign."),
    (366_000, 2.7, "on_track", "Steady. Pushing the team on closes before quarter end."),
)


async def week_nine(deps: Deps, now: datetime) -> datetime:
    """Monday of week 9 of the cycle `now` is in, 10:00 in Berlin: Lin's and Anna's
    prompts for the week are due, Ravi's comes with New York's morning."""
    async with deps.sessions() as session:
        cycle = await current_cycle(session, WS, now.astimezone(ZoneInfo(LIN.tz)).date())
        await session.commit()
    monday = week_start(cycle.start_date) + timedelta(weeks=NOW_WEEK - 1)
    return local_instant(monday, time(10, 0), ZoneInfo(ANNA.tz))


def _week_moment(
    cycle_start: date, week: int, person_tz: str, hour: int, weekday: int = 0
) -> datetime:
    """`weekday` (0 Monday) of `week` (1-based) of the cycle at `hour` in the person's
    zone."""
    day = week_start(cycle_start) + timedelta(weeks=week - 1, days=weekday)
    return local_instant(day, time(hour, 0), ZoneInfo(person_tz))


async def seed_demo(deps: Deps, now: datetime) -> None:
    """The quarter, unless this database already has objectives (a kept --database)."""
    async with deps.sessions() as session:
        cycle = await current_cycle(session, WS, now.astimezone(ZoneInfo(LIN.tz)).date())
        team = await team_by_name(session, WS, workspace.SALES_EAST.name)
        assert cycle.id is not None and team is not None and team.id is not None
        if await objectives_of_cycle(session, WS, cycle.id):
            await session.commit()
            return
        # The team works in Chinese: its channel posts are Chinese, while Ravi (New York,
        # English Slack) reads his DMs and Home in English.
        team.lang = ZH
        session.add(team)
        start = _week_moment(cycle.start_date, 1, LIN.tz, 9)

        async def objective(
            title: str, level: str, parent: int | None, owner: str, krs: Sequence[KRSeed]
        ) -> tuple[int, list[KeyResult]]:
            draft = ObjectiveDraft(
                title=title,
                description="",
                level=level,
                team_id=team.id if level != "company" else None,
                cycle_id=cycle.id,  # type: ignore[arg-type]
                parent_id=parent,
                krs=tuple(kr.draft(i) for i, kr in enumerate(krs)),
            )
            made = await create_objective(session, WS, draft, author_id=owner, now=start)
            assert made is not None and made[0].id is not None
            return made[0].id, made[1]

        company, _ = await objective(
            "Double new-business revenue this year", "company", None, SAM.id, COMPANY_KRS
        )
        team_goal, team_krs = await objective(
            "Grow East region revenue", "team", company, LIN.id, TEAM_KRS
        )
        _, ravi_krs = await objective(
            "Build a hospital pipeline in New England", "personal", team_goal, RAVI.id, RAVI_KRS
        )
        _, anna_krs = await objective(
            "Win the DACH mid-market", "personal", team_goal, ANNA.id, ANNA_KRS
        )
        for person, krs, weeks in (
            (RAVI, ravi_krs, RAVI_WEEKS),
            (ANNA, anna_krs, ANNA_WEEKS),
            (LIN, team_krs, LIN_WEEKS),
        ):
            for week, reading in enumerate(weeks[:WEEKS_OF_CHECKINS], start=1):
                if reading is None:
                    continue
                at = _week_moment(cycle.start_date, week, person.tz, 17, weekday=4)
                await _check_in(session, person.id, person.tz, krs, reading, at, week)
        away_first = _week_moment(cycle.start_date, ANNA_AWAY_WEEK, ANNA.tz, 9).date()
        said = _week_moment(cycle.start_date, ANNA_AWAY_WEEK - 1, ANNA.tz, 18, weekday=4)
        await record_away(session, WS, ANNA.id, away_first, away_first + timedelta(days=4), said)
        await _revise_team_target(session, team_goal, team_krs, cycle.start_date)
        await session.commit()


async def _check_in(
    session,  # type: ignore[no-untyped-def]
    user: str,
    zone: str,
    krs: Sequence[KeyResult],
    reading: tuple[float, float, str, str],
    at: datetime,
    week: int,
) -> None:
    """One weekly check-in on both of a person's KRs, as the modal stores it; a quota's
    reading counts for the period it was made in."""
    first, second, confidence, note = reading
    entries = []
    for kr, value in zip(krs, (first, second), strict=True):
        assert kr.id is not None
        key = None
        if kr.kind == KRKind.QUOTA.value:
            key = period_of(at, zone, Period(kr.period or Period.WEEK)).key
        entries.append(Entry(kr.id, value, confidence, note, key))
    await record(session, WS, user, entries, submission_key=f"demo-{user}-w{week}", now=at)


async def _revise_team_target(
    session,  # type: ignore[no-untyped-def]
    objective_id: int,
    krs: Sequence[KeyResult],
    cycle_start: date,
) -> None:
    """Lin cuts the revenue target in week 6, giving the reason the edit modal asks for."""
    objective = await get_objective(session, WS, objective_id)
    assert objective is not None
    existing = (await key_results_of(session, WS, [objective_id]))[objective_id]
    drafts = tuple(
        seed.draft(i, kr.id, REVISED_TARGET if seed is TEAM_REVENUE else None)
        for i, (seed, kr) in enumerate(zip(TEAM_KRS, existing, strict=True))
    )
    draft = ObjectiveDraft(
        title=objective.title,
        description=objective.description,
        level=objective.level,
        team_id=objective.team_id,
        cycle_id=objective.cycle_id,
        parent_id=objective.parent_id,
        krs=drafts,
        reason=REVISION_REASON,
    )
    when = _week_moment(cycle_start, REVISION_WEEK, LIN.tz, 15, weekday=2)
    await update_objective(
        session,
        WS,
        objective,
        existing,
        draft,
        version=objective.version,
        author_id=LIN.id,
        now=when,
    )
