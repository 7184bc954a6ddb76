"""Browser tests: `okr-bot sandbox --demo` in this process, its page in headless Chromium.

Without Debian's `chromium` and `chromium-driver` these tests are skipped, saying so; in CI
(`OKR_REQUIRE_BROWSER=1`, set by .ci/run) a missing browser fails them instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium import webdriver

from tests.browser.harness import RunningSandbox, SandboxPage, chrome, require_browser


@pytest.fixture(scope="session")
def browser_ready() -> None:
    try:
        missing = require_browser()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    if missing:
        pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture(scope="session")
def driver(browser_ready: None) -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the session (each test loads its own page)."""
    with chrome() as browser:
        yield browser


@pytest.fixture
def sandbox(browser_ready: None) -> Iterator[RunningSandbox]:
    """A fresh sandbox with the demo quarter, on a free loopback port."""
    with RunningSandbox(demo=True) as box:
        yield box


@pytest.fixture
def page(driver: webdriver.Chrome, sandbox: RunningSandbox) -> SandboxPage:
    return SandboxPage(driver, sandbox.url)
