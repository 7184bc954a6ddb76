"""Posts that carry native charts (blocks.charts), sent so a refusal costs nothing.

Slack may refuse a chart (`invalid_blocks`: a workspace or client that does not know the
`data_visualization` block yet). The refusal posts nothing, so the same delivery, within its
one ledger claim, posts the message again without its charts (their text fallback is in it)
and the workspace is remembered (`workspaces.charts_refused_at`): its later messages are built
without charts from the start. One message per key, never two.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from blocks.charts import has_charts, without_charts
from scheduler import ledger
from scheduler.deliver import Item
from scheduler.job import Context
from storage.workspaces import charts_refused, refuse_charts

log = logging.getLogger(__name__)


async def chart_post(
    ctx: Context,
    workspace_id: str,
    key: ledger.DeliveryKey,
    channel: str,
    build: Callable[[bool], dict[str, Any]],
) -> Item:
    """A ledger item posting `build(with_charts)` to `channel`: with charts unless the
    workspace refused them before, and falling back to the message without them when Slack
    refuses them now."""
    async with ctx.deps.sessions() as session:
        allowed = not await charts_refused(session, workspace_id)
    message = build(allowed)
    if not has_charts(message):
        return ctx.sender.post(key, channel, message)

    async def refused() -> None:
        async with ctx.deps.sessions() as session:
            first = await refuse_charts(session, workspace_id, ctx.deps.clock())
            await session.commit()
        if first:
            log.warning(
                "Slack refused a chart from workspace %s: its messages go without charts",
                workspace_id,
            )

    return ctx.sender.post(key, channel, message, plain=without_charts(message), on_refused=refused)
