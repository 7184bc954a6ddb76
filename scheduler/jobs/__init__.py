"""The scheduled jobs, one to a module; this registry is the one list of them.

The minute tick runs them in this order, `okr-bot jobs run` offers their names, and the
tests read them from here: a new job is a new module here plus one line below.
"""

from __future__ import annotations

from scheduler.job import ScheduledJob
from scheduler.jobs import checkins, cycle_close, dependencies, digests, nudges, planning

JOBS: tuple[ScheduledJob, ...] = (
    checkins.JOB,
    nudges.JOB,
    digests.JOB,
    cycle_close.JOB,
    planning.JOB,
    dependencies.WARNINGS_JOB,
    dependencies.REVIEW_JOB,
)
NAMES: tuple[str, ...] = tuple(job.name for job in JOBS)


def job_named(name: str) -> ScheduledJob:
    """The registered job called `name`; KeyError names the ones there are."""
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(f"no job {name!r}: the jobs are {', '.join(NAMES)}")
