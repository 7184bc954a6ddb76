"""Kudos builders (blocks.kudos): reading `/okr kudos @person for ...`, the post, and the
*Give kudos* modal, checked with slack_sdk's models and Slack's limits."""

from __future__ import annotations

import json

from blocks import ids
from blocks.kudos import (
    MAX_KUDOS,
    TEXT_BLOCK,
    KudosRequest,
    kudos_modal,
    kudos_post,
    parse_kudos,
    read_kudos_modal,
)
from tests.unit.test_blocks_display import EVIL, assert_escaped
from tests.unit.test_rhythm_blocks import check_message, check_modal


def test_the_command_reads_an_escaped_mention_and_what_for() -> None:
    assert parse_kudos("<@U0BOB|bob>  for the\nAcme demo") == KudosRequest(
        "U0BOB", "for the Acme demo"
    )
    assert parse_kudos("<@W0BOB> great call") == KudosRequest("W0BOB", "great call")


def test_the_command_refuses_no_person_no_text_and_too_long() -> None:
    assert "@mention" in str(parse_kudos("bob for the demo"))
    assert "@mention" in str(parse_kudos(""))
    assert "Say what the kudos is for" in str(parse_kudos("<@U0BOB|bob>   "))
    long = parse_kudos("<@U0BOB> " + "x" * (MAX_KUDOS + 1))
    assert isinstance(long, str) and "280 characters" in long and "281" in long
    assert parse_kudos("<@U0BOB> " + "x" * MAX_KUDOS) == KudosRequest("U0BOB", "x" * MAX_KUDOS)


def test_the_post_names_the_giver_and_escapes_the_text() -> None:
    message = kudos_post("U0ME", "U0BOB", EVIL * 5)
    check_message(message)
    assert_escaped(message)
    assert message["text"].startswith(":clap: <@U0ME> gave kudos to <@U0BOB>: ")


def test_the_modal_is_prefilled_for_the_kr_and_reads_back() -> None:
    view = kudos_modal(
        receiver="U0BOB", kr_id=42, kr_title="Close " + "$2M " * 100, channel_id="C1"
    )
    check_modal(view)
    assert view["callback_id"] == ids.KUDOS_VIEW and len(view["title"]["text"]) <= 24
    [field] = [b for b in view["blocks"] if b.get("block_id") == TEXT_BLOCK]
    prefill = field["element"]["initial_value"]
    assert prefill.startswith("for Close $2M") and len(prefill) <= MAX_KUDOS
    assert field["element"]["max_length"] == MAX_KUDOS
    state = {TEXT_BLOCK: {"value": {"type": "plain_text_input", "value": " for  the demo "}}}
    form = read_kudos_modal({**view, "state": {"values": state}})
    assert (form.receiver, form.kr_id, form.channel_id, form.text) == (
        "U0BOB",
        42,
        "C1",
        "for the demo",
    )
    crafted = read_kudos_modal({"private_metadata": json.dumps({"to": 5, "kr": "x"})})
    assert (crafted.receiver, crafted.kr_id, crafted.text) == ("", None, "")
