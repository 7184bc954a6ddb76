"""The sandbox run in a thread of this process, and headless Chromium driving its page.

Shared by tests/browser/ and bench/sandbox.py. Chromium and its driver come from Debian's
`chromium` and `chromium-driver` packages (a browser downloaded at install time is not
available here); `browser_missing()` says why the browser cannot run, or None.

    with RunningSandbox(demo=True) as box, chrome() as driver:
        page = SandboxPage(driver, box.url)
        page.open(RAVI)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait
from slack_sdk.web.async_client import AsyncWebClient

T = TypeVar("T")

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
"""Where the browser tests leave a screenshot of each screen they check (README names it)."""

WAIT_S = 20.0


def chromium_paths() -> tuple[str | None, str | None]:
    """The browser and its driver, as Debian installs them (or on PATH)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None and Path("/usr/bin/chromium").exists():
        browser = "/usr/bin/chromium"
    if driver is None and Path("/usr/bin/chromedriver").exists():
        driver = "/usr/bin/chromedriver"
    return browser, driver


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    browser, driver = chromium_paths()
    if browser is None:
        return "no Chromium (install Debian's packages: apt-get install chromium chromium-driver)"
    if driver is None:
        return "no chromedriver (install Debian's package: apt-get install chromium-driver)"
    return None


@contextlib.contextmanager
def chrome(*, width: int = 1400, height: int = 1000) -> Iterator[webdriver.Chrome]:
    """Headless Chromium, quit on exit."""
    browser, driver_path = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser or "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(driver_path or "/usr/bin/chromedriver"), options=options
    )
    try:
        yield driver
    finally:
        driver.quit()


class RunningSandbox:
    """`okr-bot sandbox --demo` in a background thread with its own event loop, on a free
    loopback port: the same Sandbox and PageServer the command starts."""

    def __init__(self, *, demo: bool = True, database_url: str | None = None) -> None:
        self.demo = demo
        self.database_url = database_url
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.box: Any = None
        self.page: Any = None
        self.terminal: list[str] = []

    def __enter__(self) -> RunningSandbox:
        self.thread.start()
        try:
            self.call(self._start(), timeout=180)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    async def _start(self) -> None:
        from sandbox.runner import Sandbox
        from sandbox.server import PageServer

        self.box = await Sandbox(
            database_url=self.database_url, demo=self.demo, echo=self.terminal.append
        ).start()
        self.page = await PageServer(self.box, host="127.0.0.1", port=0).start()

    async def _stop(self) -> None:
        if self.page is not None:
            await self.page.stop()
        if self.box is not None:
            await self.box.stop()

    def __exit__(self, *_exc: object) -> None:
        if self.thread.is_alive():
            with contextlib.suppress(Exception):
                self.call(self._stop(), timeout=60)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run a coroutine on the sandbox's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @property
    def url(self) -> str:
        return self.page.url

    def web_client(self) -> AsyncWebClient:
        """The bot's own Web API client on the stand-in (its token), for the sandbox's loop."""
        return AsyncWebClient(token=self.box.token, base_url=self.box.api.url)


def bumped(value: str) -> str:
    """`$1.03M` -> `$1.04M`, `38 prospects` -> `39 prospects`: the first number raised by one
    unit of its last digit, everything else kept, so the value stays in its own format."""
    import re

    match = re.search(r"\d+(?:[.,]\d+)?", value)
    if match is None:
        return value
    number = match.group().replace(",", ".")
    step = Decimal(1).scaleb(Decimal(number).as_tuple().exponent)
    raised = str(Decimal(number) + step)
    if "," in match.group():
        raised = raised.replace(".", ",")
    return value[: match.start()] + raised + value[match.end() :]


class SandboxPage:
    """The page as a person uses it, through Selenium: what they see and click."""

    def __init__(self, driver: webdriver.Chrome, url: str) -> None:
        self.driver = driver
        self.url = url

    # ------------------------------------------------------------------ waiting

    def wait(self, what: Callable[[], T], timeout: float = WAIT_S, message: str = "") -> T:
        """Poll `what` until it returns something truthy (stale elements retried)."""

        def attempt(_driver: Any) -> T | bool:
            try:
                return what() or False
            except StaleElementReferenceException:
                return False

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(attempt)
        except TimeoutException as exc:
            self.shot("failed-timeout")
            raise AssertionError(
                f"timed out waiting for {message or what}; page errors: {self.page_errors()}"
            ) from exc

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def page_errors(self) -> list[str]:
        return list(self.js("return (window.sandbox && window.sandbox.errors) || []") or [])

    def shot(self, name: str, *, tall: bool = False) -> Path:
        """A screenshot of the window under SCREENSHOTS, named for the screen; `tall` grows
        the window for the time of the shot so a long message shows whole."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        size = self.driver.get_window_size()
        if tall:
            hidden = self.js(
                "const m = document.querySelector('.modal-body');"
                "const b = m || document.getElementById('pane-body');"
                "return b ? (b.scrollHeight - b.clientHeight) * (m ? 1.15 : 1) : 0"
            )
            self.driver.set_window_size(size["width"], min(size["height"] + int(hidden), 4000))
            self.js(
                "for (const b of document.querySelectorAll('#pane-body, .modal-body'))"
                " b.scrollTop = 0"
            )
        try:
            self.driver.save_screenshot(str(path))
        finally:
            if tall:
                self.driver.set_window_size(size["width"], size["height"])
        return path

    # ------------------------------------------------------------------ navigation

    def open(self, user: str) -> float:
        """Load the page as `user`; returns seconds until it showed its first state."""
        start = time.perf_counter()
        self.driver.get(f"{self.url}/?user={user}")
        self.wait(
            lambda: self.js("return !!(window.sandbox && window.sandbox.ready)"),
            message="page ready",
        )
        elapsed = time.perf_counter() - start
        self.js("document.body.classList.add('is-still')")
        return elapsed

    def click(self, find: Callable[[], WebElement | None], message: str = "") -> None:
        """Find an element and click it, again if the page redrew it in between (the page
        redraws a channel on each message, the sidebar on each unread)."""

        def attempt() -> bool:
            element = find()
            if element is None:
                return False
            element.click()
            return True

        self.wait(attempt, message=message or "something to click")

    def _sidebar_link(self, within: str, name: str | None = None) -> WebElement | None:
        links = self.driver.find_elements(By.CSS_SELECTOR, f"{within} .sidebar-item")
        return next((x for x in links if name is None or name in x.text), None)

    def open_dm(self) -> None:
        dm = self.js("return document.querySelector('#dm-list [data-channel]')?.dataset.channel")
        self.click(lambda: self._sidebar_link("#dm-list"), "the DM in the sidebar")
        self.wait(lambda: self.showing() == dm, message="the DM with okr-bot")

    def switch_person(self, user: str) -> None:
        """Pick another person in the sidebar's *Viewing as*."""
        Select(self.driver.find_element(By.ID, "person")).select_by_value(user)
        self.wait(
            lambda: self.js("return window.sandbox.me") == user, message=f"the page as {user}"
        )

    def showing(self) -> str | None:
        """The channel id the main pane shows, None for the Home tab."""
        return self.js("return document.querySelector('#messages')?.dataset.channel || null")

    def open_channel(self, name: str) -> None:
        channel = self.js(
            "return [...document.querySelectorAll('#channel-list .sidebar-item')]"
            ".find(x => x.textContent.includes(arguments[0]))?.dataset.channel",
            name,
        )
        assert channel, f"no channel {name} in the sidebar"
        self.click(lambda: self._sidebar_link("#channel-list", name), f"#{name}")
        self.wait(lambda: self.showing() == channel, message=f"#{name}")

    def open_home(self) -> WebElement:
        self.driver.find_element(By.ID, "nav-home").click()
        return self.wait(
            lambda: self.driver.find_elements(By.CSS_SELECTOR, "#pane-body .home .bk-blocks"),
            message="Home tab",
        )[0]

    def home_text(self) -> str:
        found = self.driver.find_elements(By.CSS_SELECTOR, "#pane-body .home")
        return found[0].text if found else ""

    def jump(self, which: str) -> str:
        """Press a clock jump; returns the sandbox time it moved to (ISO)."""
        before = self.js("return document.getElementById('clock-now').dataset.now")
        self.driver.find_element(By.CSS_SELECTOR, f'[data-jump="{which}"]').click()
        self.wait(
            lambda: self.js(
                "const b = document.querySelector('[data-jump]');"
                "const now = document.getElementById('clock-now').dataset.now;"
                "return !b.disabled && now !== arguments[0]",
                before,
            ),
            timeout=120,
            message=f"clock jump {which}",
        )
        return self.js("return document.getElementById('clock-now').dataset.now")

    def send(self, text: str) -> None:
        """Type into the message box and press Enter."""
        box = self.driver.find_element(By.ID, "composer-input")
        box.clear()
        box.send_keys(text)
        self.js("document.getElementById('composer').requestSubmit()")

    # ------------------------------------------------------------------ messages

    def messages(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, "#messages > .message")

    def bot_messages_with(self, text: str) -> list[WebElement]:
        return [
            m
            for m in self.messages()
            if m.find_elements(By.CSS_SELECTOR, ".app-badge") and text in m.text
        ]

    def newest_bot_message(self, text: str, *, with_selector: str = "") -> str | None:
        """The ts of the newest bot message shown holding `text` (and an element matching
        `with_selector`), read in one go in the page so a redraw cannot get in between."""
        return self.js(
            "const found = [...document.querySelectorAll('#messages > .message')].filter(m =>"
            " m.querySelector('.app-badge') && m.innerText.includes(arguments[0])"
            " && (!arguments[1] || m.querySelector(arguments[1])));"
            "return found.length ? found[found.length - 1].dataset.ts : null",
            text,
            with_selector,
        )

    def message_text(self, channel: str, ts: str) -> str:
        """What a message shows, read in one go in the page ("" when it is not shown)."""
        return self.js(
            "return document.querySelector(`#messages > .message[data-channel='${arguments[0]}']"
            "[data-ts='${arguments[1]}']`)?.innerText || ''",
            channel,
            ts,
        )

    def message(self, channel: str, ts: str) -> WebElement | None:
        found = self.driver.find_elements(
            By.CSS_SELECTOR, f'#messages > .message[data-channel="{channel}"][data-ts="{ts}"]'
        )
        return found[0] if found else None

    def button(self, text: str, within: WebElement | None = None) -> WebElement | None:
        """The Block Kit button reading `text` (in `within`), or None."""
        scope = within or self.driver
        found = scope.find_elements(By.CSS_SELECTOR, "button.bk-button")
        return next((b for b in found if b.text.strip() == text), None)

    # ------------------------------------------------------------------ modals

    def modal(self, timeout: float = WAIT_S) -> WebElement:
        return self.wait(
            lambda: (self.driver.find_elements(By.CSS_SELECTOR, ".modal") or [None])[0],
            timeout,
            "a modal",
        )

    def no_modal(self) -> None:
        self.wait(
            lambda: not self.driver.find_elements(By.CSS_SELECTOR, ".modal"),
            message="the modal to close",
        )

    def inputs(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, ".modal .bk-input")

    def input_labelled(self, *words: str) -> WebElement:
        """The first input block whose label holds all `words` (case-insensitive)."""
        for block in self.inputs():
            label = block.find_element(By.CSS_SELECTOR, ".bk-input-label").text.lower()
            if all(w.lower() in label for w in words):
                return block
        raise AssertionError(f"no field labelled with {words}: {[b.text for b in self.inputs()]}")

    @staticmethod
    def label(block: WebElement) -> str:
        return block.find_element(By.CSS_SELECTOR, ".bk-input-label").text

    @staticmethod
    def error(block: WebElement) -> str:
        return block.find_element(By.CSS_SELECTOR, ".bk-error").text

    def type_into(self, block: WebElement, text: str) -> None:
        field = block.find_element(By.CSS_SELECTOR, ".bk-text-input")
        field.clear()
        field.send_keys(text)

    def choose(self, block: WebElement, option_text: str | None = None) -> str:
        """Pick an option of a select menu (the first one when `option_text` is None)."""
        block.find_element(By.CSS_SELECTOR, ".bk-select-search").click()
        options = self.wait(
            lambda: block.find_elements(By.CSS_SELECTOR, ".bk-menu .bk-option"),
            message="menu options",
        )
        pick = next((o for o in options if option_text is None or option_text in o.text), None)
        if pick is None:
            raise AssertionError(f"no option {option_text!r} in {[o.text for o in options]}")
        text = pick.text
        pick.click()
        return text

    def submit_modal(self) -> None:
        self.driver.find_element(By.CSS_SELECTOR, ".modal .modal-submit").click()

    def field_errors(self) -> dict[str, str]:
        return {self.label(b): self.error(b) for b in self.inputs() if self.error(b)}


def require_browser() -> str | None:
    """The reason to skip, or None; in CI (OKR_REQUIRE_BROWSER=1) a missing browser raises."""
    missing = browser_missing()
    if missing and os.environ.get("OKR_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"browser tests must run in CI but cannot: {missing}")
    return missing
