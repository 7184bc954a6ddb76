"""The Person cache: what users.info said about a Slack user, per workspace.

Rows are upserted with INSERT ... ON CONFLICT DO UPDATE on (workspace_id, user_id), so two
requests refreshing the same person at once both succeed and the last one wins. Only what
Slack reports is overwritten; what the bot itself keeps (`away_until`) is left alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from okr.i18n import EN, reader_lang
from storage.models import Person
from storage.upsert import upsert

_MAX_NAME = 255
_MAX_TZ = 64
_MAX_LOCALE = 16


async def get_person(session: AsyncSession, workspace_id: str, user_id: str) -> Person | None:
    """The cached person, or None when the bot has never looked them up in this workspace."""
    result = await session.exec(
        select(Person).where(Person.workspace_id == workspace_id, Person.user_id == user_id)
    )
    return result.first()


def person_values(user: dict[str, Any]) -> dict[str, Any]:
    """The columns a users.info `user` object sets (pure; unknown time zones become None)."""
    profile = user.get("profile") or {}
    real_name = str(
        user.get("real_name") or profile.get("real_name") or user.get("name") or ""
    ).strip()
    tz = user.get("tz")
    if not isinstance(tz, str) or not _known_zone(tz):
        tz = None
    locale = user.get("locale")
    return {
        "real_name": real_name[:_MAX_NAME],
        "tz": tz,
        "locale": locale[:_MAX_LOCALE] if isinstance(locale, str) and locale else None,
        "is_admin": bool(
            user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
        ),
        "inactive": bool(user.get("deleted")),
    }


async def save_person(
    session: AsyncSession, workspace_id: str, user: dict[str, Any], now: datetime
) -> Person:
    """Insert or refresh the person described by a users.info `user` object (needs "id").

    The workspace row must exist (storage.workspaces.ensure_workspace). Does not commit.
    """
    user_id = str(user.get("id") or "")
    if not user_id:
        raise ValueError("a users.info user object needs an id")
    values = {**person_values(user), "refreshed_at": now}
    # users.info tells the locale only when asked (include_locale): an answer without one
    # keeps the one known, so a refresh that did not ask never turns a reader English.
    update = {k: v for k, v in values.items() if k != "locale" or "locale" in user}
    statement = upsert(session, Person, unique=["workspace_id", "user_id"], update=update)
    await session.exec(  # type: ignore[call-overload]
        statement.values(workspace_id=workspace_id, user_id=user_id, **values)
    )
    result = await session.exec(
        select(Person)
        .where(Person.workspace_id == workspace_id, Person.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    return result.one()


def _known_zone(name: str) -> bool:
    if not name or len(name) > _MAX_TZ:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


async def names_of(session: AsyncSession, workspace_id: str, user_ids: list[str]) -> dict[str, str]:
    """The cached real names of these people, in one query (unknown or nameless: absent)."""
    if not user_ids:
        return {}
    result = await session.exec(
        select(Person.user_id, Person.real_name).where(
            Person.workspace_id == workspace_id, col(Person.user_id).in_(user_ids)
        )
    )
    return {user: name for user, name in result.all() if name}


async def lang_and_locale(
    session: AsyncSession, workspace_id: str, user_id: str
) -> tuple[str | None, str | None] | None:
    """(`/okr lang` choice, Slack locale) of a cached person, or None when never seen: the
    one indexed lookup that decides a request's language before its ack."""
    result = await session.exec(
        select(Person.lang, Person.locale).where(
            Person.workspace_id == workspace_id, Person.user_id == user_id
        )
    )
    row = result.first()
    return None if row is None else (row[0], row[1])


async def langs_of(session: AsyncSession, workspace_id: str, user_ids: list[str]) -> dict[str, str]:
    """Each of these people's language ("en" / "zh"), in one query; unknown people absent."""
    if not user_ids:
        return {}
    result = await session.exec(
        select(Person.user_id, Person.lang, Person.locale).where(
            Person.workspace_id == workspace_id, col(Person.user_id).in_(user_ids)
        )
    )
    return {user: reader_lang(lang, locale) for user, lang, locale in result.all()}


async def lang_of_user(session: AsyncSession, workspace_id: str, user_id: str) -> str:
    """One person's language ("en" for someone never seen)."""
    return (await langs_of(session, workspace_id, [user_id])).get(user_id, EN)


async def save_lang(
    session: AsyncSession, workspace_id: str, user_id: str, lang: str | None
) -> None:
    """Store a person's `/okr lang` choice (None: follow their Slack locale again); a person
    never seen gets a row holding only it. Does not commit."""
    statement = upsert(session, Person, unique=["workspace_id", "user_id"], update={"lang": lang})
    await session.exec(  # type: ignore[call-overload]
        statement.values(workspace_id=workspace_id, user_id=user_id, lang=lang)
    )


def lang_of(person: Person | None) -> str:
    """A cached person's language (English for someone never seen)."""
    return reader_lang(person.lang, person.locale) if person is not None else EN
