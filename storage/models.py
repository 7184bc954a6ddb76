"""The tables. Every row carries its Slack workspace id, and every query filters on it.

Enumerated columns hold the `okr` domain's string values (kinds, statuses, roles) as plain
strings, so the schema does not change when a label does and SQLite and PostgreSQL agree.
Times are aware UTC (`UTCDateTime`); calendar dates (cycle bounds, "away until") are dates.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from okr.relative_target import MAX_TEXT_CHARS
from okr.team_rhythm import DEFAULT_RHYTHM
from okr.values import MAX_WORD_CHARS
from storage.types import UTCDateTime

WORKSPACE_FK = "workspaces.id"

# Named constraints, so later Alembic batch migrations on SQLite can find and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _ws() -> str:
    return Field(foreign_key=WORKSPACE_FK, index=True, max_length=32, ondelete="CASCADE")


def _when(nullable: bool = True) -> datetime | None:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class Workspace(SQLModel, table=True):
    """A Slack workspace (team id T...) the bot is installed in."""

    __tablename__ = "workspaces"

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=255)
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # The last time Slack refused the bot's token (account_inactive, invalid_auth ...):
    # sends stop for the workspace from `paused_since` and resume by themselves when a call
    # succeeds again (`resumed_at`). Kept after the resume, to say what the pause cost.
    paused_reason: str | None = Field(default=None, max_length=255)
    paused_since: datetime | None = _when()
    resumed_at: datetime | None = _when()
    # When Slack answered `invalid_blocks` to a digest carrying a chart: from then on the
    # workspace's digests go without charts (their text fallback says the same).
    charts_refused_at: datetime | None = _when()
    # Where the company objectives' cycle-close summary goes (admins by DM when unset).
    company_channel_id: str | None = Field(default=None, max_length=32)

    @property
    def paused(self) -> bool:
        return self.paused_since is not None and (
            self.resumed_at is None or self.resumed_at < self.paused_since
        )

    def paused_during(self, start: datetime, end: datetime) -> bool:
        """Whether sends were paused at any moment from `start` to `end` (the current or
        the last pause)."""
        if self.paused_since is None or self.paused_since > end:
            return False
        return self.paused or (self.resumed_at is not None and self.resumed_at >= start)


class Person(SQLModel, table=True):
    """What the bot knows of a Slack user: time zone for delivery, admin flag, away state."""

    __tablename__ = "people"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    user_id: str = Field(max_length=32)
    real_name: str = Field(default="", max_length=255)
    tz: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    # `/okr lang zh|en` ("zh" / "en"); None: follow `locale` (`/okr lang auto`).
    lang: str | None = Field(default=None, max_length=8)
    is_admin: bool = Field(default=False)
    inactive: bool = Field(default=False)
    away_until: date | None = Field(default=None)
    # This week's prompt pushed back ("later today", "tomorrow") or skipped ("2026-W48").
    snoozed_until: datetime | None = _when()
    skipped_week: str | None = Field(default=None, max_length=10)
    refreshed_at: datetime | None = _when()


class Team(SQLModel, table=True):
    """A sales (or marketing, product, support) team with its channel and rhythm."""

    __tablename__ = "teams"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "name"),
        # "Sales" and "sales" are one team: the app checks it, this closes the race.
        sa.Index(
            "uq_teams_workspace_id_lower_name",
            "workspace_id",
            sa.func.lower(sa.literal_column("name")),
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    name: str = Field(max_length=80)
    channel_id: str | None = Field(default=None, max_length=32)
    timezone: str = Field(default="UTC", max_length=64)
    # Rhythm, in the team's (and each owner's) local time; weekday 0 is Monday.
    # A new team's defaults are the rhythm's own.
    checkin_weekday: int = Field(default=DEFAULT_RHYTHM.checkin_weekday, ge=0, le=6)
    checkin_time: str = Field(default=DEFAULT_RHYTHM.checkin_time, max_length=5)
    nudge_enabled: bool = Field(default=DEFAULT_RHYTHM.nudge_enabled)
    nudge_weekday: int = Field(default=DEFAULT_RHYTHM.nudge_weekday, ge=0, le=6)
    nudge_time: str = Field(default=DEFAULT_RHYTHM.nudge_time, max_length=5)
    digest_weekday: int = Field(default=DEFAULT_RHYTHM.digest_weekday, ge=0, le=6)
    digest_time: str = Field(default=DEFAULT_RHYTHM.digest_time, max_length=5)
    # The country whose public holidays get no prompts, nudges or digest (`holidays`
    # package code, "CN", "US", "DE"); none: every weekday is a working day.
    holiday_country: str | None = Field(default=None, max_length=8)
    # The language of what the bot posts into the team's channel ("en" / "zh"); a new
    # team takes its creator's.
    lang: str = Field(default="en", max_length=8, sa_column_kwargs={"server_default": "en"})
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    archived_at: datetime | None = _when()


class TeamMember(SQLModel, table=True):
    """Membership; a lead is a member whose role is "lead"."""

    __tablename__ = "team_members"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    team_id: int = Field(foreign_key="teams.id", index=True, ondelete="CASCADE")
    user_id: str = Field(max_length=32, index=True)
    role: str = Field(default="member", max_length=16)


class Cycle(SQLModel, table=True):
    """An OKR period: a fiscal quarter by default, or a custom span."""

    __tablename__ = "cycles"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "start_date", "end_date"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    name: str = Field(max_length=80)
    start_date: date
    end_date: date
    is_custom: bool = Field(default=False)
    closed_at: datetime | None = _when()


class Objective(SQLModel, table=True):
    """An objective at company, team or personal level, aligned to a parent objective."""

    __tablename__ = "objectives"
    __table_args__ = (
        sa.Index("ix_objectives_ws_cycle", "workspace_id", "cycle_id"),
        sa.Index("ix_objectives_ws_owner", "workspace_id", "owner_id"),
        # Slack may deliver one `/okr set` submission twice: its view id creates once.
        sa.UniqueConstraint("workspace_id", "submission_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    cycle_id: int = Field(foreign_key="cycles.id", ondelete="CASCADE")
    team_id: int | None = Field(
        default=None, foreign_key="teams.id", index=True, ondelete="SET NULL"
    )
    parent_id: int | None = Field(
        default=None, foreign_key="objectives.id", index=True, ondelete="SET NULL"
    )
    level: str = Field(max_length=16)
    title: str = Field(max_length=150)
    description: str = Field(default="", max_length=3000)
    owner_id: str = Field(max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    archived_at: datetime | None = _when()
    # Every save adds one; an edit modal carries the version it was drawn from, and a save
    # from an older one is refused, so a stale modal cannot undo a newer change.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Who saved it last (with updated_at): what a refused stale save is told.
    updated_by: str | None = Field(default=None, max_length=32)
    # "view:<id>" of the `/okr set` modal it came from.
    submission_key: str | None = Field(default=None, max_length=128)


class KeyResult(SQLModel, table=True):
    """A measurable key result; `original_target` survives target revisions for scoring."""

    __tablename__ = "key_results"
    __table_args__ = (sa.Index("ix_key_results_ws_owner", "workspace_id", "owner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    objective_id: int = Field(foreign_key="objectives.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    title: str = Field(max_length=150)
    kind: str = Field(max_length=16)
    unit: str = Field(default="number", max_length=16)
    currency: str | None = Field(default=None, max_length=3)
    start_value: float
    target_value: float
    original_target: float
    current_value: float
    baseline: float | None = Field(default=None)
    weight: float = Field(default=1.0)
    owner_id: str = Field(max_length=32)
    confidence: str | None = Field(default=None, max_length=16)
    # A quota's period ("week" / "month"; None for other kinds) and a milestone's due date
    # (None: the cycle's last day).
    period: str | None = Field(default=None, max_length=8)
    due_date: date | None = Field(default=None)
    # What a count counts ("prospects" from `38 prospects`; None: a plain number), and the
    # target as typed when it was relative ("+20%"; `target_value` holds what it became).
    unit_word: str | None = Field(default=None, max_length=MAX_WORD_CHARS)
    target_text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    reached_at: datetime | None = _when()
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    archived_at: datetime | None = _when()


class CheckIn(SQLModel, table=True):
    """One reported value for one KR; edits keep the row and mark it edited."""

    __tablename__ = "check_ins"
    __table_args__ = (
        sa.UniqueConstraint("key_result_id", "submission_key"),
        sa.Index("ix_check_ins_kr_created", "key_result_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    key_result_id: int = Field(foreign_key="key_results.id", ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    value: float
    confidence: str | None = Field(default=None, max_length=16)
    note: str = Field(default="", max_length=500)
    # The period a quota reading counts for ("2026-W48", "2026-11"); None for other kinds.
    period_key: str | None = Field(default=None, max_length=10)
    # Slack retries a view submission it thinks timed out; the same key stores it once.
    submission_key: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    edited_at: datetime | None = _when()
    deleted_at: datetime | None = _when()
    # An edit keeps the old row (deleted_at set) and points it at its replacement, so
    # the full history survives; the replacement carries edited_at.
    replaced_by_id: int | None = Field(
        default=None, foreign_key="check_ins.id", ondelete="SET NULL"
    )


class AwaySpell(SQLModel, table=True):
    """Days a person said they were away ("I'm away until…"), kept after they are over: a
    quota leaves the periods its owner was away for out of its mean."""

    __tablename__ = "away_spells"
    __table_args__ = (sa.Index("ix_away_spells_ws_user", "workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key=WORKSPACE_FK, max_length=32, ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    first_day: date
    last_day: date
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class TeamPause(SQLModel, table=True):
    """A week a lead paused for their team (an offsite, a holiday week): no prompts,
    nudges or digest in it. `week_start` is that week's Monday in the team's zone."""

    __tablename__ = "team_pauses"
    __table_args__ = (sa.UniqueConstraint("team_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    team_id: int = Field(foreign_key="teams.id", index=True, ondelete="CASCADE")
    week_start: date
    paused_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Kudos(SQLModel, table=True):
    """Praise one person gave another in a team channel (`/okr kudos`, *Give kudos*);
    the week's kudos are listed in the team digest."""

    __tablename__ = "kudos"
    __table_args__ = (
        sa.Index("ix_kudos_ws_team_created", "workspace_id", "team_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key=WORKSPACE_FK, max_length=32, ondelete="CASCADE")
    team_id: int | None = Field(default=None, foreign_key="teams.id", ondelete="SET NULL")
    giver: str = Field(max_length=32)
    receiver: str = Field(max_length=32)
    text: str = Field(max_length=280)
    key_result_id: int | None = Field(
        default=None, foreign_key="key_results.id", ondelete="SET NULL"
    )
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class KRDependency(SQLModel, table=True):
    """A key result (or a whole objective) that depends on another team's key result.

    Exactly one of `downstream_kr_id` / `downstream_objective_id` is set. `upstream_status`
    is the upstream KR's status as last seen by the warning job, and `status_changes`
    counts its changes, so each change is one ledger key and warned about once."""

    __tablename__ = "kr_dependencies"
    __table_args__ = (
        sa.UniqueConstraint("downstream_kr_id", "upstream_kr_id"),
        sa.UniqueConstraint("downstream_objective_id", "upstream_kr_id"),
        sa.CheckConstraint(
            "(downstream_kr_id IS NULL) <> (downstream_objective_id IS NULL)",
            name="one_downstream",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    downstream_kr_id: int | None = Field(
        default=None, foreign_key="key_results.id", index=True, ondelete="CASCADE"
    )
    downstream_objective_id: int | None = Field(
        default=None, foreign_key="objectives.id", index=True, ondelete="CASCADE"
    )
    upstream_kr_id: int = Field(foreign_key="key_results.id", index=True, ondelete="CASCADE")
    # "What we need": one line, e.g. "200 MQLs a month from campaigns".
    need: str = Field(default="", max_length=150)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    acknowledged_by: str | None = Field(default=None, max_length=32)
    acknowledged_at: datetime | None = _when()
    upstream_status: str | None = Field(default=None, max_length=16)
    status_changes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class TargetRevision(SQLModel, table=True):
    """A change of a KR's target: old and new value, the required reason, who and when."""

    __tablename__ = "target_revisions"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    key_result_id: int = Field(foreign_key="key_results.id", index=True, ondelete="CASCADE")
    old_target: float
    new_target: float
    reason: str = Field(max_length=500)
    changed_by: str = Field(max_length=32)
    changed_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Delivery(SQLModel, table=True):
    """The delivery ledger: a prompt, nudge or digest is claimed here before it is sent.

    The unique key (workspace, kind, recipient, period) makes a second claim fail, across
    restarts and replicas; `lease_until` lets a claim whose sender died be taken over.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "kind", "recipient", "period"),
        sa.Index("ix_deliveries_status_lease", "status", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = _ws()
    kind: str = Field(max_length=32)
    recipient: str = Field(max_length=64)
    period: str = Field(max_length=64)
    status: str = Field(default="claimed", max_length=16)
    attempts: int = Field(default=0)
    claimed_by: str = Field(default="", max_length=64)
    claimed_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    lease_until: datetime = Field(sa_type=UTCDateTime, nullable=False)
    sent_at: datetime | None = _when()
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=255)


ALL_TABLES = SQLModel.metadata
