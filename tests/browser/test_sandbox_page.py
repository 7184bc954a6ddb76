"""The sandbox page in headless Chromium, against the real bot with the demo quarter: a rep
checks in from the Monday prompt, the lead reads the Friday digest, `/okr set` end to end,
and Block Kit charts drawn as SVG. Each screen checked is saved under SCREENSHOTS."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from blocks import ids
from okr.i18n import ZH, _, use_lang
from sandbox.workspace import ANNA, LIN, RAVI, SALES_EAST_CHANNEL
from tests.browser.harness import RunningSandbox, SandboxPage, bumped

CHECK_IN = '[data-action-id="checkin_open"]'
OBJECTIVE = "Grow the East pipeline"


def _number(text: str) -> str:
    match = re.search(r"\d+(?:[.,]\d+)?", text)
    assert match, f"no number in {text!r}"
    return match.group()


def _value_field(page: SandboxPage) -> tuple[str, str]:
    """The label of the first KR value field (a text field named after its target), and a
    right new value for it in the KR's own format: its reading raised a little, else half
    the target."""
    for block in page.inputs():
        fields = block.find_elements(By.CSS_SELECTOR, "input.bk-text-input")
        label = page.label(block)
        target = re.search(r"target (\S+)", label)
        if not fields or target is None:
            continue
        reading = fields[0].get_attribute("value") or ""
        if reading:
            return label, bumped(reading)
        number = _number(target.group(1))
        half = Decimal(number.replace(",", ".")) / 2
        return label, target.group(1).replace(number, f"{half.normalize():f}", 1)
    raise AssertionError(f"no KR value field: {[page.label(b) for b in page.inputs()]}")


def test_rep_checks_in_from_the_monday_prompt(page: SandboxPage) -> None:
    page.open(RAVI.id)
    page.jump("monday")
    page.open_dm()
    ts = page.wait(
        lambda: page.newest_bot_message("", with_selector=CHECK_IN),
        message="the Monday prompt with its Check in button",
    )
    channel = page.showing() or ""
    page.shot("1-rep-monday-prompt", tall=True)

    page.click(lambda: page.button("Check in", within=page.message(channel, ts)), "Check in")
    page.modal()
    label, new_value = _value_field(page)
    page.type_into(page.input_labelled(label), "lots")
    page.submit_modal()
    error = page.wait(lambda: page.error(page.input_labelled(label)), message="a field error")
    assert error, "the bad value got no field error"
    typed = page.input_labelled(label).find_element(By.CSS_SELECTOR, ".bk-text-input")
    assert typed.get_attribute("value") == "lots", "the page lost what was typed"
    page.shot("2-rep-checkin-field-error", tall=True)

    page.type_into(page.input_labelled(label), new_value)
    page.submit_modal()
    page.no_modal()

    def done() -> str:
        shown = page.message_text(channel, ts)
        still_asking = page.newest_bot_message("", with_selector=CHECK_IN) == ts
        return shown if "Checked in" in shown and not still_asking else ""

    shown = page.wait(done, message="the prompt turned to its done state")
    assert _number(new_value) in shown, shown
    page.shot("3-rep-prompt-done", tall=True)

    page.open_home()
    page.wait(lambda: _number(new_value) in page.home_text(), message="the Home tab updated")
    page.shot("4-rep-home-after-checkin", tall=True)
    assert not page.page_errors()


def _lead_reads(page: SandboxPage, jump: str, selector: str) -> str:
    """As the sales lead, jump the clock; the ts of the newest bot message in #sales-east
    holding an element matching `selector` (the demo's channel speaks Chinese, so the
    messages are found by their shape, not by English words)."""
    page.open(LIN.id)
    page.jump(jump)
    page.open_channel("sales-east")
    return page.wait(
        lambda: page.newest_bot_message("Sales East", with_selector=selector),
        message=f"{selector!r} in #sales-east",
    )


def test_lead_reads_the_friday_digest(page: SandboxPage) -> None:
    ts = _lead_reads(page, "friday", ".bk-data-visualization")  # the digest's charts
    page.shot("5-lead-friday-digest", tall=True)
    assert "Sales East" in page.message_text(SALES_EAST_CHANNEL, ts)
    drawn = page.js(
        "return [...document.querySelectorAll(`.message[data-ts='${arguments[0]}']"
        " .bk-data-visualization`)].map(c => [c.querySelector('.dv-title').textContent,"
        " c.querySelectorAll('svg path, svg rect.dv-bar, svg circle').length])",
        ts,
    )
    for title, marks in drawn:
        assert marks, f"the digest's chart {title!r} drew nothing"
    assert not page.page_errors()


def _fill(page: SandboxPage, block: WebElement, label: str) -> None:
    """A sensible answer for one field of the objective form, found by its label only:
    every required field left empty, and the first key result's title, start and target."""
    low = label.lower()
    required = "(optional)" not in low
    if block.find_elements(By.CSS_SELECTOR, ".bk-select"):
        chosen = block.find_elements(By.CSS_SELECTOR, ".bk-select.has-value, .bk-chip")
        if required and not chosen:
            page.choose(block)
        return
    field = block.find_elements(By.CSS_SELECTOR, ".bk-text-input")
    if not field or field[0].get_attribute("value"):
        return
    first_kr = re.search(r"\b(kr 1|key result 1)\b", low)
    if first_kr and "start" in low:
        text = "$100K"
    elif first_kr and "target" in low:
        text = "$500K"
    elif first_kr and ("title" in low or low.startswith("key result 1")):
        text = "New pipeline created"
    elif required and "objective" in low:
        text = OBJECTIVE
    elif required:
        text = "10"
    else:
        return
    page.type_into(block, text)


def test_okr_set_end_to_end(page: SandboxPage) -> None:
    page.open(RAVI.id)
    page.open_dm()
    page.send("/okr set")
    page.modal()
    page.shot("6-okr-set-modal", tall=True)
    # The first key result and every required field; the form is found by its labels only.
    for block in page.inputs():
        _fill(page, block, page.label(block))
    # The objective it aligns to: suggestions the bot answers while the field is open.
    aligned = [b for b in page.inputs() if "align" in page.label(b).lower()]
    if aligned:
        parent = page.choose(aligned[0])
        assert parent, "no suggestion to align to"
    page.shot("7-okr-set-filled", tall=True)
    page.submit_modal()
    page.wait(
        lambda: not page.driver.find_elements(By.CSS_SELECTOR, ".modal") or page.field_errors(),
        message="the modal to close",
    )
    assert not page.field_errors(), page.field_errors()
    page.wait(
        lambda: page.bot_messages_with(OBJECTIVE)[-1:],
        message="the confirmation DM",
    )[0]
    page.shot("8-okr-set-confirmation", tall=True)
    assert not page.page_errors()


CHART_BLOCKS: list[dict[str, Any]] = [
    {
        "type": "data_visualization",
        "title": "Revenue by week",
        "chart": {
            "type": "line",
            "series": [
                {
                    "name": "Actual",
                    "data": [
                        {"label": f"W{i}", "value": v}
                        for i, v in enumerate([120, 260, 410, 530], 1)
                    ],
                },
                {
                    "name": "Expected",
                    "data": [{"label": f"W{i}", "value": 150 * i} for i in range(1, 5)],
                },
            ],
            "axis_config": {
                "categories": ["W1", "W2", "W3", "W4"],
                "x_label": "Week",
                "y_label": "USD (K)",
            },
        },
    },
    {
        "type": "data_visualization",
        "title": "Prospects contacted",
        "chart": {
            "type": "bar",
            "series": [
                {
                    "name": "Ravi",
                    "data": [{"label": "W1", "value": 40}, {"label": "W2", "value": 52}],
                }
            ],
            "axis_config": {"categories": ["W1", "W2"]},
        },
    },
    {
        "type": "data_visualization",
        "title": "Check-ins this week",
        "chart": {
            "type": "pie",
            "segments": [{"label": "Checked in", "value": 7}, {"label": "Missing", "value": 2}],
        },
    },
    {
        "type": "data_table",
        "caption": "Team progress",
        "rows": [
            [{"type": "raw_text", "text": "Owner"}, {"type": "raw_text", "text": "Progress"}],
            [
                {"type": "raw_text", "text": "Ravi Patel"},
                {"type": "raw_number", "text": "86%", "number": 86},
            ],
        ],
    },
]


def test_chart_blocks_are_drawn_as_svg(page: SandboxPage, sandbox: RunningSandbox) -> None:
    """A message with charts, posted by the bot's token through the stand-in's Web API."""
    page.open(RAVI.id)
    page.open_dm()

    async def post() -> dict[str, Any]:
        client = sandbox.web_client()
        answer = await client.chat_postMessage(
            channel=sandbox.box.dm(RAVI.id), text="Charts", blocks=CHART_BLOCKS
        )
        return answer.data  # type: ignore[return-value]

    ts = sandbox.call(post())["ts"]
    message = page.wait(
        lambda: page.message(sandbox.box.dm(RAVI.id), ts), message="the chart message"
    )
    charts = message.find_elements(By.CSS_SELECTOR, ".bk-data-visualization")
    assert [c.find_element(By.CSS_SELECTOR, ".dv-title").text for c in charts] == [
        "Revenue by week",
        "Prospects contacted",
        "Check-ins this week",
    ]
    line, bar, pie = charts
    assert len(line.find_elements(By.CSS_SELECTOR, "path.dv-line")) == 2
    assert len(line.find_elements(By.CSS_SELECTOR, "circle.dv-point")) == 8
    assert "Week" in line.text and "Expected" in line.text
    assert len(bar.find_elements(By.CSS_SELECTOR, "rect.dv-bar")) == 2
    assert len(pie.find_elements(By.CSS_SELECTOR, ".dv-slice")) == 2
    assert "Checked in (78%)" in pie.text
    cells = [td.text for td in message.find_elements(By.CSS_SELECTOR, ".bk-table td")]
    assert cells == ["Ravi Patel", "86%"]
    page.shot("9-chart-blocks", tall=True)


def test_a_bot_that_does_not_answer_shows_as_slack_shows_it(
    page: SandboxPage, sandbox: RunningSandbox
) -> None:
    """The bot unreachable (its address closed): the page says "okr-bot didn't respond"
    where the command was typed, and stays usable; never a blank page."""
    page.open(RAVI.id)
    page.open_dm()
    requests = sandbox.box.requests
    bot_url = requests.url
    requests.url = "http://127.0.0.1:9/slack/events"  # nothing listens on the discard port
    try:
        page.send("/okr help")
        failure = page.wait(
            lambda: page.driver.find_elements(By.CSS_SELECTOR, "#messages .message.is-error"),
            message="the error note",
        )[0]
    finally:
        requests.url = bot_url
    assert "okr-bot didn't respond" in failure.text
    assert "Only visible to you" in failure.text
    page.shot("10-bot-did-not-respond")
    page.send("/okr help")
    page.wait(lambda: page.bot_messages_with("/okr"), message="help once the bot is back")


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _options(*names: str) -> list[dict[str, Any]]:
    return [{"text": _plain(n), "value": n.lower()} for n in names]


def _input(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {"action_id": "v", **element},
        **extra,
    }


EVERY_INPUT_VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "sandbox_page_test",
    "title": _plain("Every input"),
    "submit": _plain("Send"),
    "close": _plain("Cancel"),
    "blocks": [
        _input("name", "Name", {"type": "plain_text_input"}),
        _input("notes", "Notes", {"type": "plain_text_input", "multiline": True}, optional=True),
        _input("count", "Count", {"type": "number_input", "is_decimal_allowed": False}),
        _input("kind", "Kind", {"type": "static_select", "options": _options("Revenue", "Quota")}),
        _input("owner", "Owner", {"type": "users_select"}),
        _input("members", "Members", {"type": "multi_users_select"}),
        _input("channel", "Channel", {"type": "conversations_select"}),
        _input("due", "Due", {"type": "datepicker", "initial_date": "2026-12-15"}),
        _input("at", "At", {"type": "timepicker", "initial_time": "09:00"}),
        _input("mood", "Confidence", {"type": "radio_buttons", "options": _options("On", "Off")}),
        _input("days", "Days", {"type": "checkboxes", "options": _options("Mon", "Tue")}),
    ],
}


def test_every_input_element_reports_its_state(page: SandboxPage, sandbox: RunningSandbox) -> None:
    """A modal opened through the stand-in's views.open with every input element: Slack's
    own required-field check, then each element's value in view_submission's state."""
    page.open(RAVI.id)

    async def open_view() -> str:
        sandbox.box.api.remember_trigger("page-test-trigger", RAVI.id)
        client = sandbox.web_client()
        answer = await client.views_open(trigger_id="page-test-trigger", view=EVERY_INPUT_VIEW)
        return str(answer["view"]["id"])

    view_id = sandbox.call(open_view())
    page.modal()
    page.submit_modal()
    page.wait(lambda: page.error(page.input_labelled("Name")), message="the required-field note")
    assert "Notes" not in page.field_errors()
    page.shot("11-every-input-required", tall=True)

    page.type_into(page.input_labelled("Name"), "Ravi")
    assert not page.error(page.input_labelled("Name")), "the note stays once the field is typed"
    page.type_into(page.input_labelled("Notes"), "two lines\nof notes")
    page.type_into(page.input_labelled("Count"), "12")
    page.choose(page.input_labelled("Kind"), "Quota")
    page.choose(page.input_labelled("Owner"), "Lin Wei")
    page.choose(page.input_labelled("Members"), "Anna Schmidt")
    page.choose(page.input_labelled("Members"), "Ravi Patel")
    page.choose(page.input_labelled("Channel"), "sales-east")
    page.input_labelled("Confidence").find_elements(By.CSS_SELECTOR, "input")[1].click()
    page.input_labelled("Days").find_elements(By.CSS_SELECTOR, "input")[0].click()
    page.shot("12-every-input-filled", tall=True)
    page.submit_modal()
    page.no_modal()

    values = sandbox.box.api.views[view_id]["state"]["values"]
    assert values["name"]["v"] == {"type": "plain_text_input", "value": "Ravi"}
    assert values["notes"]["v"]["value"] == "two lines\nof notes"
    assert values["count"]["v"] == {"type": "number_input", "value": "12"}
    assert values["kind"]["v"]["selected_option"]["value"] == "quota"
    assert values["owner"]["v"]["selected_user"] == LIN.id
    assert values["members"]["v"]["selected_users"] == [ANNA.id, RAVI.id]
    assert values["channel"]["v"]["selected_conversation"] == SALES_EAST_CHANNEL
    assert values["due"]["v"] == {"type": "datepicker", "selected_date": "2026-12-15"}
    assert values["at"]["v"] == {"type": "timepicker", "selected_time": "09:00"}
    assert values["mood"]["v"]["selected_option"]["value"] == "off"
    assert [o["value"] for o in values["days"]["v"]["selected_options"]] == ["mon"]


def _slack_time(ts: int, zone: str) -> str:
    """`{date_short} at {time}` as Slack's client writes it in `zone` (en-US)."""
    at = datetime.fromtimestamp(ts, ZoneInfo(zone))
    hour = at.hour % 12 or 12
    return f"{at:%b} {at.day}, {at.year} at {hour}:{at:%M} {'AM' if at.hour < 12 else 'PM'}"


def test_mrkdwn_shows_names_emoji_and_dates_in_the_viewers_zone(
    page: SandboxPage, sandbox: RunningSandbox
) -> None:
    """One message in #general through the stand-in, read by a rep in New York and a rep in
    Berlin: the same `<!date^…>` reads in each one's own zone."""
    ts = 1796203800  # 2026-12-02 09:30 UTC
    text = (
        "*bold* _italic_ ~strike~ `code` <https://example.com/x|a link> <@U0LINWEI> "
        f"<#C0SALESEAST> <!date^{ts}^{{date_short}} at {{time}}|a date> :tada: :no_such_emoji:"
        "\n&gt; quoted"
    )

    async def post() -> str:
        client = sandbox.web_client()
        answer = await client.chat_postMessage(channel="C0GENERAL", text=text)
        return str(answer["ts"])

    posted = sandbox.call(post())
    page.open(RAVI.id)
    for person in (RAVI, ANNA):
        page.switch_person(person.id)
        assert person.tz in page.driver.find_element(By.ID, "clock-now").text
        page.open_channel("general")
        message = page.wait(lambda: page.message("C0GENERAL", posted), message="the message")
        body = message.find_element(By.CSS_SELECTOR, ".message-text")
        html = body.get_attribute("innerHTML")
        for piece in ("<b>bold</b>", "<i>italic</i>", "<s>strike</s>", "<code>code</code>"):
            assert piece in html, html
        link = body.find_element(By.CSS_SELECTOR, "a")
        assert (link.text, link.get_attribute("href")) == ("a link", "https://example.com/x")
        assert "@Lin Wei" in body.text and "#sales-east" in body.text
        assert _slack_time(ts, person.tz) in body.text, (person.tz, body.text)
        assert "🎉" in body.text and ":no_such_emoji:" in body.text
        assert body.find_element(By.CSS_SELECTOR, "blockquote").text == "quoted"
    page.shot("13-mrkdwn-in-berlin")


def test_a_thread_opens_beside_the_channel_and_takes_replies(
    page: SandboxPage, sandbox: RunningSandbox
) -> None:
    """A bot message with a reply: "1 reply" opens the thread pane; a reply typed there joins
    it and the count follows."""

    async def post() -> str:
        client = sandbox.web_client()
        parent = await client.chat_postMessage(channel="C0SALESEAST", text="Retrospective")
        await client.chat_postMessage(
            channel="C0SALESEAST", thread_ts=parent["ts"], text="What went well?"
        )
        return str(parent["ts"])

    parent = sandbox.call(post())
    page.open(LIN.id)
    page.open_channel("sales-east")
    message = page.wait(lambda: page.message("C0SALESEAST", parent), message="the parent")
    assert "What went well?" not in message.text  # replies stay in the thread
    page.click(
        lambda: page.message("C0SALESEAST", parent).find_element(By.CSS_SELECTOR, ".thread-link")
    )
    pane = page.driver.find_element(By.ID, "thread")
    page.wait(lambda: "What went well?" in pane.text, message="the thread pane")
    reply = pane.find_element(By.ID, "thread-input")
    reply.send_keys("Two new hospital accounts\n")
    page.wait(lambda: "Two new hospital accounts" in pane.text, message="the reply")
    page.wait(lambda: "2 replies" in (page.message("C0SALESEAST", parent) or message).text)
    page.shot("14-thread")


def test_lead_reads_the_cycle_close(page: SandboxPage) -> None:
    """End of cycle: the scheduler runs every digest and the close on the way, and the
    team channel ends with the cycle's final scores and *Write retrospective*."""
    ts = _lead_reads(page, "cycle_end", f"[data-action-id='{ids.RETRO_OPEN}']")
    with use_lang(ZH):  # Sales East's channel language in the demo
        label = _("Write retrospective")
    assert page.button(label, within=page.message(SALES_EAST_CHANNEL, ts))
    page.js("document.querySelector(`.message[data-ts='${arguments[0]}']`).scrollIntoView()", ts)
    page.shot("15-lead-cycle-close")
    assert not page.page_errors()
