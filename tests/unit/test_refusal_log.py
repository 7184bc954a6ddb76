"""The refusal log: a stranger's requests cost one line per source a minute, with a count."""

from __future__ import annotations

import logging

import pytest

from bot.refusal_log import OTHER_SOURCES, RefusalLog

LOG = logging.getLogger("test.refusals")


class Now:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [r.getMessage() for r in caplog.records if r.name == LOG.name]
    caplog.clear()
    return lines


def test_one_line_per_source_a_minute_then_the_count(caplog: pytest.LogCaptureFixture) -> None:
    now = Now()
    refusals = RefusalLog(LOG, now=now)
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        for _ in range(3):
            refusals.refused("198.51.100.7", 401, "invalid or expired signature")
        refusals.refused("203.0.113.9", 400, "the body is not UTF-8")
        assert _lines(caplog) == [
            "refused a request from 198.51.100.7 with 401: invalid or expired signature",
            "refused a request from 203.0.113.9 with 400: the body is not UTF-8",
        ]
        now.value += 59.9
        refusals.refused("198.51.100.7", 401, "invalid or expired signature")
        assert _lines(caplog) == []
        now.value += 0.1
        refusals.refused("198.51.100.7", 401, "no X-Slack-Signature")
        refusals.refused("203.0.113.9", 400, "the body is not UTF-8")
        assert _lines(caplog) == [
            "refused a request from 198.51.100.7 with 401: no X-Slack-Signature; "
            "3 more refused since its last line",
            "refused a request from 203.0.113.9 with 400: the body is not UTF-8",
        ]


def test_many_sources_share_one_line_while_the_table_is_full(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = Now()
    refusals = RefusalLog(LOG, max_sources=2, now=now)
    with caplog.at_level(logging.WARNING, logger=LOG.name):
        for source in ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"]:
            refusals.refused(source, 401, "invalid or expired signature")
        assert _lines(caplog) == [
            "refused a request from 10.0.0.1 with 401: invalid or expired signature",
            "refused a request from 10.0.0.2 with 401: invalid or expired signature",
            f"refused a request from {OTHER_SOURCES} with 401: invalid or expired signature",
        ]
        now.value += 60
        refusals.refused("10.0.0.6", 401, "invalid or expired signature")
        assert _lines(caplog) == [
            "refused a request from 10.0.0.6 with 401: invalid or expired signature"
        ]
