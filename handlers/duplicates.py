"""No duplicated work: after a save, other teams' near-identical key results of the same
cycle are named in the author's confirmation, with a *Depend on it instead* button.

The check runs after the save's ack, while the confirmation is built: one statement loads
the candidates' titles (okr.duplicates says what "near-identical" means), rapidfuzz's
`process.extract` scores them in C, and only the few hits are read in full. Pressing the
button records that the author's KR depends on the other team's; the KR itself stays
(removing it is an edit, which the author makes if the other KR really covers it).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import ids
from blocks.duplicate_hint import depended_text, hint_block_id, with_hint_done
from blocks.view_state import action_value, json_object, row_id
from handlers.context import Ctx
from handlers.viewer import Viewer, load_viewer, user_of, workspace_of
from okr.duplicates import (
    THRESHOLD,
    DuplicateHint,
    Match,
    MeasureKey,
    best_matches,
    comparable,
    measure_key,
    same_work,
    tokens,
    words_of,
)
from okr.i18n import N_, _
from okr.kr_sentence import kr_sentence, names_a_number, sentence_lang
from okr.outline import Level
from storage.context import Deps
from storage.duplicates import (
    Candidate,
    NamedKR,
    add_dependency_once,
    depends_on,
    duplicate_candidates,
    named_krs,
)
from storage.engine import AsyncSession
from storage.models import Objective
from storage.objectives import get_objective, key_result_in

log = logging.getLogger(__name__)

#: How many scored candidates per KR are looked at before the best one is kept.
PER_KR = 10


class SavedKR(Protocol):
    """What the check reads of a KR just saved (okr.outline.KRLine has it)."""

    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def period(self) -> str | None: ...


class LiveKR(NamedTuple):
    """A KR not archived, with who may change it (its objective's owner and team)."""

    id: int
    objective_owner: str
    team_id: int | None


def similarity(mine: str, theirs: str) -> float:
    """The token-set score (0-100) of two titles, as the check computes it: lowercased,
    punctuation stripped, Chinese as character bigrams."""
    return float(
        fuzz.token_set_ratio(comparable(mine), comparable(theirs), processor=default_process)
    )


def is_duplicate(mine: str, theirs: str) -> bool:
    """Whether two titles name the same work: a score of at least THRESHOLD and the
    tokens `same_work` asks for (what `find_matches` decides for each pair)."""
    if similarity(mine, theirs) < THRESHOLD:
        return False
    return _same_work(comparable(mine), comparable(theirs))


def _same_work(mine: str, theirs: str) -> bool:
    return same_work(tokens(default_process(mine)), tokens(default_process(theirs)))


def _key(kr: SavedKR | Candidate) -> MeasureKey:
    return measure_key(str(kr.unit), kr.currency, str(kr.period) if kr.period else None)


def find_matches(saved: Sequence[SavedKR], candidates: Sequence[Candidate]) -> list[Match]:
    """Every pair (saved KR, candidate) measured alike whose titles score at least
    THRESHOLD and have enough tokens in common; candidates scored in C, per measure."""
    groups: dict[MeasureKey, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(_key(candidate), []).append(candidate)
    titles = {key: [comparable(c.title) for c in group] for key, group in groups.items()}
    found = []
    for kr in saved:
        group, choices = groups.get(_key(kr)), titles.get(_key(kr))
        if not group or not choices:
            continue
        query = comparable(kr.title)
        hits = process.extract(
            query,
            choices,
            scorer=fuzz.token_set_ratio,
            processor=default_process,
            score_cutoff=THRESHOLD,
            limit=PER_KR,
        )
        for text, score, index in hits:
            if _same_work(query, text):
                found.append(Match(kr.id or 0, group[index].id, float(score)))
    return found


def other_sentence(kr: NamedKR) -> str:
    """The other KR as the sentence its team would type for it, in its title's language
    (a title that already carries numbers, from before sentences, stays as typed)."""
    if names_a_number(kr.title):
        return kr.title
    return kr_sentence(kr, lang=sentence_lang(kr.title))


async def duplicate_hints(
    session: AsyncSession,
    workspace_id: str,
    cycle_id: int,
    krs: Sequence[SavedKR],
    *,
    exclude_team_ids: Collection[int],
) -> list[DuplicateHint]:
    """The hints for `krs` (just saved): other teams' live KRs of the cycle, measured
    alike, with near-identical titles, none the KR already depends on; at most MAX_HINTS.
    One statement without a hit, three with (the candidates, the hits, their links)."""
    if not krs:
        return []
    candidates = await duplicate_candidates(
        session,
        workspace_id,
        cycle_id,
        exclude_team_ids=exclude_team_ids,
        measures={_key(kr) for kr in krs},
        words=words_of(default_process(comparable(kr.title)) for kr in krs),
    )
    matches = find_matches(krs, candidates)
    if not matches:
        return []
    already = await depends_on(session, workspace_id, [(m.kr_id, m.other_id) for m in matches])
    chosen = best_matches(matches, already=already)
    named = await named_krs(session, workspace_id, {m.other_id for m in chosen})
    titles = {kr.id or 0: kr.title for kr in krs}
    return [
        DuplicateHint(
            kr_id=m.kr_id,
            kr_title=titles[m.kr_id],
            other_id=m.other_id,
            other_sentence=other_sentence(named[m.other_id]),
            team_name=named[m.other_id].team_name or "",
            owner_id=named[m.other_id].owner_id,
        )
        for m in chosen
        if m.other_id in named
    ]


async def check_saved(
    deps: Deps,
    workspace_id: str,
    objective: Objective,
    krs: Sequence[SavedKR],
    *,
    author_team_ids: Collection[int],
    titles_before: Mapping[int, str] | None = None,
) -> list[DuplicateHint]:
    """The hints for a save of `objective` with `krs` (its new and renamed ones are
    checked, see `to_check`). The teams compared against: all but the objective's, or,
    for one without a team, all but the author's. A company objective is not checked:
    teams' KRs echo the company's on purpose."""
    checked = to_check(krs, titles_before)
    if objective.level == Level.COMPANY or not checked:
        return []
    async with deps.sessions() as session:
        return await duplicate_hints(
            session,
            workspace_id,
            objective.cycle_id,
            checked,
            exclude_team_ids=[objective.team_id] if objective.team_id else author_team_ids,
        )


async def update_confirmation(
    client: AsyncWebClient, sent: tuple[str, str], message: dict[str, Any]
) -> None:
    """The confirmation posted at `sent` (channel, ts) replaced by `message`, its hints
    added; a failure is logged (the confirmation without them stands)."""
    channel, ts = sent
    try:
        await client.chat_update(channel=channel, ts=ts, **message)
    except SlackApiError as exc:
        log.warning("duplicate hints for %s failed: %s", channel, exc.response.get("error"))


def to_check(krs: Sequence[SavedKR], titles_before: Mapping[int, str] | None) -> list[SavedKR]:
    """The KRs a save is checked for: all of a new objective's; after an edit, the KRs
    added and those whose title changed (`titles_before` maps the KRs' ids before it)."""
    if titles_before is None:
        return list(krs)
    return [kr for kr in krs if titles_before.get(kr.id) != kr.title]


# --- the button --------------------------------------------------------------------------

NOT_ALLOWED = N_(
    "Only the objective's owner, its team's leads and workspace admins can change its key results."
)
MINE_GONE = N_("Your key result was archived or removed since, so there is nothing to link.")
OTHER_GONE = N_("That key result was archived or removed since, so it cannot be depended on.")
ALREADY = N_("Your key result already depends on that one.")
LOOP = N_("That key result already depends on yours: a dependency both ways would be a loop.")


async def _live(session: AsyncSession, workspace_id: str, kr_id: int | None) -> LiveKR | None:
    """A KR and its objective, both not archived; None otherwise."""
    kr = await key_result_in(session, workspace_id, kr_id) if kr_id else None
    if kr is None or kr.id is None or kr.archived_at is not None:
        return None
    objective = await get_objective(session, workspace_id, kr.objective_id)
    return LiveKR(kr.id, objective.owner_id, objective.team_id) if objective else None


async def _refusal(
    session: AsyncSession, viewer: Viewer, mine: LiveKR | None, other: LiveKR | None
) -> str | None:
    """Why the viewer's KR cannot depend on the other one now, or None."""
    if mine is None:
        return MINE_GONE
    if not viewer.may_edit(owner_id=mine.objective_owner, team_id=mine.team_id):
        return NOT_ALLOWED
    if other is None:
        return OTHER_GONE
    linked = await depends_on(
        session, viewer.workspace_id, [(mine.id, other.id), (other.id, mine.id)]
    )
    if (mine.id, other.id) in linked:
        return ALREADY
    return LOOP if linked else None


async def on_depend_instead(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    ctx: Ctx,
) -> None:
    """*Depend on it instead*: the author's KR now depends on the other team's (its
    sentence as what they need); the hint in the confirmation becomes "Now depends on …".
    Refused with an ephemeral when the person may not change the KR, either KR or its
    objective is archived, or the link exists (either way)."""
    await ack()
    deps = ctx.deps
    workspace_id, user_id = workspace_of(body), user_of(body)
    value = json_object(action_value(body))
    async with deps.sessions() as session:
        viewer = await load_viewer(session, client, deps, workspace_id, user_id)
        mine = await _live(session, workspace_id, row_id(value.get("kr")))
        other = await _live(session, workspace_id, row_id(value.get("on")))
        problem = await _refusal(session, viewer, mine, other)
        if problem is None and mine is not None and other is not None:
            named = await named_krs(session, workspace_id, [mine.id, other.id])
            made = await add_dependency_once(
                session,
                workspace_id,
                downstream_kr_id=mine.id,
                upstream_kr_id=other.id,
                created_by=user_id,
                now=deps.clock(),
                need=other_sentence(named[mine.id])[:150],
            )
            await session.commit()
            problem = ALREADY if made is None else None
    if problem is not None:
        await respond(response_type="ephemeral", replace_original=False, text=_(problem))
        return
    assert mine is not None and other is not None
    log.info("KR %s now depends on KR %s (by %s)", mine.id, other.id, user_id)
    upstream = named[other.id]
    message = body.get("message") or {}
    blocks = with_hint_done(
        message.get("blocks") or [],
        hint_block_id(mine.id, other.id),
        depended_text(upstream.team_name or "", other_sentence(upstream)),
    )
    await respond(replace_original=True, text=str(message.get("text") or ""), blocks=blocks)
    await ctx.home.publish_many(client, workspace_id, {user_id, named[mine.id].owner_id})


def register(app: AsyncApp, ctx: Ctx) -> None:
    app.action(ids.DEPEND_INSTEAD)(on_depend_instead)
