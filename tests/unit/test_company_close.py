"""The company objectives' cycle-close summary: aligned team objectives under each company
objective, within Block Kit's limits however many there are."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from blocks.company_close import MAX_OBJECTIVES, company_close_message
from okr.company_close import assemble_company_close
from okr.outline import ObjectiveCard


def card(id: int, level: str, parent: int | None = None, team: str | None = None) -> ObjectiveCard:
    title = ("Win <!channel> the Nordics " * 8) if level == "company" else f"Team goal {id}"
    return ObjectiveCard(id, title, "", level, "U1", None, team, 1, "FY2026 Q4", parent, None)


def test_aligned_team_objectives_sit_under_their_company_objective() -> None:
    cards = [
        card(1, "company"),
        card(2, "team", 1, "Nordics"),
        card(3, "personal", 2),
        card(4, "team"),
    ]
    data = assemble_company_close("FY2026 Q4", cards)
    [top] = data.objectives
    assert top.score.card.id == 1 and [s.card.id for s in top.aligned] == [2]
    message = company_close_message(data)
    text = str(message["blocks"])
    assert "Nordics — Team goal 2" in text and "<!channel>" not in text


def test_many_objectives_stay_within_block_kit_limits() -> None:
    cards = [card(i, "company") for i in range(1, 41)]
    cards += [card(100 + i, "team", 1 + i % 40, "T" * 80) for i in range(1200)]
    message = company_close_message(assemble_company_close("FY2026 Q4", cards))
    blocks = message["blocks"]
    assert len(blocks) <= 50 and len(message["text"]) <= 3000
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert f"…and {40 - MAX_OBJECTIVES} more objectives" in str(blocks)


def test_without_company_objectives_there_is_nothing_to_send() -> None:
    assert assemble_company_close("FY2026 Q4", [card(4, "team")]).objectives == ()
