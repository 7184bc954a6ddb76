"""`--demo`: a realistic quarter for the sales team (stub until seeded)."""

from __future__ import annotations

from datetime import datetime

from storage.context import Deps


async def week_nine(deps: Deps, now: datetime) -> datetime:
    return now


async def seed_demo(deps: Deps, now: datetime) -> None:
    return None
