"""A team channel the bot cannot post to (archived, not invited, gone) is reported to
the team's leads, once per error and period, and never stops the other deliveries."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from blocks.delivery_errors import delivery_problem
from okr.i18n import use_lang
from scheduler.deliver import Item, Outcome
from scheduler.ledger import DeliveryKey
from scheduler.sending import Sender
from storage.models import Team

log = logging.getLogger(__name__)


def reports_to_leads(
    sender: Sender,
    workspace_id: str,
    team: Team,
    leads: Sequence[str],
    outcome: Outcome,
    period: str,
) -> list[Item]:
    """A DM to each lead when `outcome`, a post to `team`'s channel, found it unreachable."""
    if not outcome.unreachable:
        return []
    error = outcome.error or "unknown"
    log.warning("team %s: cannot post to %s: %s", team.id, team.channel_id, error)
    with use_lang(team.lang):  # the leads of a team, about its channel: the team's language
        message = delivery_problem(team_name=team.name, channel_id=team.channel_id, error=error)
    return [
        sender.post(
            DeliveryKey(workspace_id, "problem", f"{lead}:{team.id}:{error}", period),
            lead,
            message,
        )
        for lead in leads
    ]
