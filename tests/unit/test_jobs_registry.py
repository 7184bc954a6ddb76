"""The registry of scheduled jobs is the one list: `okr-bot jobs run` offers exactly its
names, in its order, and its help lists each job."""

from __future__ import annotations

import pytest

from bot.cli import build_parser
from scheduler.jobs import JOBS, NAMES, job_named


def test_jobs_run_accepts_exactly_the_registered_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for name in NAMES:
        assert parser.parse_args(["jobs", "run", name]).job == name
    with pytest.raises(SystemExit):
        parser.parse_args(["jobs", "run", "no-such-job"])
    assert "{" + ",".join(NAMES) + "}" in capsys.readouterr().err


def test_jobs_run_help_lists_every_job(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["jobs", "run", "--help"])
    text = capsys.readouterr().out
    assert "{" + ",".join(NAMES) + "}" in text
    for job in JOBS:
        assert f"  {job.name} " in text and job.summary in text


def test_the_cli_names_stay_and_are_unique() -> None:
    assert NAMES == (
        "checkins",
        "nudges",
        "digests",
        "cycle-close",
        "planning",
        "dependency-warnings",
        "dependency-review",
    )
    assert all(job_named(job.name) is job for job in JOBS)
    with pytest.raises(KeyError, match="checkins"):
        job_named("no-such-job")
