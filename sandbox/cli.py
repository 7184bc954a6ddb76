"""`okr-bot sandbox`: the bot, its Slack stand-in and the page, until Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import sys

from sandbox.runner import Sandbox
from sandbox.server import LOOPBACK, PageServer

NO_AUTH_WARNING = (
    "okr-bot sandbox: WARNING: listening on {host}, not only on this machine. The page has "
    "no authentication: anyone who can reach it can act as any person in the sandbox."
)


async def serve_sandbox(
    *,
    port: int,
    host: str | None = None,
    database_url: str | None = None,
    demo: bool = False,
) -> None:
    """Run until SIGTERM or Ctrl-C, then stop the page, the bot and the stand-in. `host`
    None is 127.0.0.1; any other is what the operator gave with --host."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    remote = host is not None and host not in LOOPBACK
    if remote:
        print(NO_AUTH_WARNING.format(host=host), file=sys.stderr)
    box = await Sandbox(database_url=database_url, demo=demo).start()
    try:
        page = PageServer(box, host=host or "127.0.0.1", port=port, remote=remote)
        await page.start()
        shown = "127.0.0.1" if page.host in ("0.0.0.0", "::") else page.host
        print(f"okr-bot sandbox: open http://{shown}:{page.port}", flush=True)
        try:
            await stop.wait()
        finally:
            print("okr-bot sandbox: stopping", flush=True)
            await page.stop()
    finally:
        await box.stop()
