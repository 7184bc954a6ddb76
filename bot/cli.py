"""`okr-bot`: run the bot, migrate the database, or check the set-up.

Operator mistakes end in one line on stderr naming the setting and the fix, exit code 2;
never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot import export_cli, logs
from bot.config import ConfigError, Settings, load_settings, normalise_database_url
from bot.doctor import run_doctor
from bot.runtime import Runtime, StartupError, _reason, serve
from scheduler.jobs import JOBS, NAMES
from storage.engine import create_engine
from storage.migrate import head_revision, upgrade_to_head
from storage.teams import team_names
from storage.templates import read_folder, shipped_templates

EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="okr-bot", description="OKRs for sales teams, inside Slack."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="migrate the database, then serve Slack (Socket Mode or HTTP)")
    sub.add_parser("migrate", help="upgrade the database schema to the latest migration")
    sub.add_parser("doctor", help="check settings, database, Slack token and scopes")
    sandbox = sub.add_parser(
        "sandbox", help="try the bot without Slack: a local page that plays Slack (no settings)"
    )
    sandbox.add_argument("--port", type=int, default=3000, help="the page's port (default 3000)")
    sandbox.add_argument("--database", metavar="URL", help="keep the data here (default: temp)")
    sandbox.add_argument("--demo", action="store_true", help="start with a quarter of OKRs")
    sandbox.add_argument(
        "--host", help="listen on this address instead of 127.0.0.1 (no authentication!)"
    )
    templates = sub.add_parser("templates", help="list the OKR templates; check a folder")
    templates.add_argument(
        "--dir",
        type=Path,
        help="a folder of *.toml templates to check (default: OKR_TEMPLATES_DIR)",
    )
    catalog = sub.add_parser(
        "catalog", help="update and compile the Chinese translations (translators)"
    )
    catalog.add_argument(
        "--check", action="store_true", help="only report untranslated or mismatched entries"
    )
    jobs = sub.add_parser("jobs", help="run a scheduled job now (operators, tests)")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", metavar="run", required=True)
    run = jobs_sub.add_parser(
        "run",
        help="run one job as of a given time, then exit",
        epilog=_jobs_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("job", choices=NAMES, help="the job to run (see below)")
    run.add_argument("--team", help="only this team (by name)")
    run.add_argument("--at", type=_instant, help="ISO-8601 time to run as of (default: now)")
    export = sub.add_parser("export", help="write a cycle's OKRs and check-ins as CSV or JSON")
    export.add_argument("--format", choices=export_cli.FORMATS, default="csv")
    export.add_argument("--cycle", help="the cycle by name, e.g. 'FY2027 Q1' (default: current)")
    export.add_argument("--team", help="only this team (by name)")
    export.add_argument("--workspace", help="the workspace id, when several share the database")
    export.add_argument("--out", help="the file to write (default: standard output)")
    return parser


def _jobs_help() -> str:
    """The registered jobs, one a line, for `okr-bot jobs run --help`."""
    width = max(len(job.name) for job in JOBS)
    return "jobs:\n" + "\n".join(f"  {job.name:<{width}}  {job.summary}" for job in JOBS)


def _instant(text: str) -> datetime:
    """An ISO-8601 time; without an offset it is read as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 time such as 2026-11-23T09:00:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    if command == "doctor":
        return _doctor()
    if command == "sandbox":
        return _sandbox(args)
    if command == "templates":
        return _templates(args.dir)
    if command == "catalog":
        from bot.catalog import main as catalog_main

        return catalog_main(check_only=args.check)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc))
    logs.configure(settings.log_level_number)
    try:
        if command == "jobs":
            at = args.at or datetime.now(UTC)
            counts = asyncio.run(_run_job(settings, args.job, at, args.team))
            summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            print(f"{args.job} as of {at.isoformat()}: {summary or 'nothing due'}")
            return 0
        if command == "export":
            return _export(settings, args)
        if command == "migrate":
            asyncio.run(_migrate(settings.database_url))
            print(f"database migrated to {head_revision()}")
            return 0
        asyncio.run(serve(settings))
    except StartupError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        pass
    return 0


async def _run_job(settings: Settings, job: str, at: datetime, team: str | None) -> Counter[str]:
    """One rhythm job as of `at`, through the ledger like the scheduler's own runs. A
    `team` no workspace has is an operator's mistake (StartupError), not "nothing due"."""
    runtime = Runtime(settings, clock=lambda: at, scheduler=False)
    await runtime.open()
    try:
        assert runtime.rhythm is not None and runtime.deps is not None
        if team is not None:
            async with runtime.deps.sessions() as session:
                names = await team_names(session)
            if team not in names:
                raise StartupError(_unknown_team(team, names))
        return await runtime.rhythm.run(job, at, team)
    finally:
        await runtime.stop()


def _unknown_team(team: str, names: Sequence[str]) -> str:
    if not names:
        return f"--team {team!r}: there are no teams yet (create one with /okr team in Slack)."
    listed = ", ".join(repr(name) for name in names[:50])
    more = f" and {len(names) - 50} more" if len(names) > 50 else ""
    return f"--team {team!r}: no team has that name (exactly); the teams are {listed}{more}."


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    except Exception as exc:
        raise StartupError(
            f"DATABASE_URL cannot be migrated ({_reason(exc)}): check the server and URL."
        ) from exc
    finally:
        await engine.dispose()


def _export(settings: Settings, args: argparse.Namespace) -> int:
    """`okr-bot export`: the file to --out (and one line saying what it holds), or stdout."""
    done = asyncio.run(
        export_cli.export(
            settings,
            fmt=args.format,
            now=datetime.now(UTC),
            cycle=args.cycle,
            team=args.team,
            workspace=args.workspace,
        )
    )
    if args.out is None:
        sys.stdout.buffer.write(done.body)
        sys.stdout.flush()
        return 0
    with open(args.out, "wb") as out:
        out.write(done.body)
    print(f"{done.cycle}: {done.objectives} objectives written to {args.out}")
    return 0


def _doctor() -> int:
    checks = asyncio.run(run_doctor())
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed")
    return 1 if failed else 0


def _sandbox(args: argparse.Namespace) -> int:
    """`okr-bot sandbox`: needs no Slack settings, so none are read."""
    from sandbox.cli import serve_sandbox
    from sandbox.server import HostRefused

    logs.configure(logging.WARNING)
    try:
        url = normalise_database_url(args.database) if args.database else None
    except ValueError as exc:
        return _fail(f"--database {args.database!r}: {exc}")
    try:
        asyncio.run(serve_sandbox(port=args.port, host=args.host, database_url=url, demo=args.demo))
    except (StartupError, HostRefused) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"port {args.port} cannot be used ({exc.strerror}): pick another --port.")
    except KeyboardInterrupt:
        pass
    return 0


def _templates(folder: Path | None) -> int:
    """Lists the shipped templates and a workspace's own (`--dir`, else OKR_TEMPLATES_DIR);
    exit 1 naming the file, template and sentence of each that does not read."""
    if folder is None:
        try:
            folder = load_settings().okr_templates_dir
        except ConfigError:
            folder = (
                Path(os.environ["OKR_TEMPLATES_DIR"])
                if os.environ.get("OKR_TEMPLATES_DIR")
                else None
            )
    for template in shipped_templates():
        print(f"shipped  {template.line()}")
    if folder is None:
        return 0
    found = read_folder(folder)
    for template in found.templates:
        print(f"{folder}  {template.line()}")
    for problem in found.problems:
        print(f"okr-bot templates: {problem.line()}", file=sys.stderr)
    return 1 if found.problems else 0


def _fail(line: str) -> int:
    print(f"okr-bot: {line}", file=sys.stderr)
    return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
