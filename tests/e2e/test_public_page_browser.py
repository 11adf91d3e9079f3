"""Issue 16 in a real browser: Debian's chromium and chromium-driver, driven by Selenium, against the app as the
Procfile starts it. A visitor opens the page, sends the form empty and sees the errors beside their fields,
signs, confirms through the email a local SMTP server catches, edits and withdraws through the emailed links;
the closed page after the deadline; the approval path without SMTP. Screenshots at desktop and phone widths
go to /tmp/public-shots/.

Without chromium and chromedriver these tests are skipped with the reason shown, unless SIGNON_REQUIRE_BROWSER=1
(``.ci/run`` sets it), which makes a missing browser a failure. Debian/Ubuntu:
``apt-get install chromium chromium-driver``.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, home_view_of, set_deadline, signatories
from tests.e2e.web_steps import Mailbox, enable_page

SHOTS = Path("/tmp/public-shots")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/lib/chromium/chromedriver" if Path("/usr/lib/chromium/chromedriver").exists() else None
)


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        reason = "chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)"
        if os.environ.get("SIGNON_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SIGNON_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.add_argument("--lang=en-US")
    # The visitor's own time zone: the page shows the deadline in it (the server writes UTC).
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/Chicago"})
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def base(app: RunningApp) -> str:
    return f"http://127.0.0.1:{app.process.port}"


def width(driver: Any, pixels: int | None) -> None:
    """The viewport as a phone of ``pixels`` CSS pixels would have it (None: the desktop window)."""
    if pixels is None:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        metrics = {"width": pixels, "height": 800, "deviceScaleFactor": 2, "mobile": True}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def shot(driver: Any, name: str) -> None:
    """The whole page (beyond the viewport) as /tmp/public-shots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(image["data"]))


def shot_viewport(driver: Any, name: str) -> None:
    """What the visitor sees without scrolling, as /tmp/public-shots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(image["data"]))


def fits(driver: Any) -> bool:
    """Nothing wider than the viewport (no sideways scrolling)."""
    return bool(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"))


def fill(driver: Any, **fields: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in fields.items():
        element = driver.find_element(By.ID, f"field-{name}")
        if name == "org_type":
            Select(element).select_by_value(value)
        elif name == "authorized":
            if element.is_selected() != (value == "yes"):
                element.click()
        else:
            element.clear()
            element.send_keys(value)


def submit(driver: Any) -> None:
    """Press the form's button and wait for the page it leads to (the browser navigates on its own time)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    def left(current: Any) -> bool:
        try:
            return bool(expected_conditions.staleness_of(page)(current))
        except WebDriverException:
            # Chromium sometimes answers "node does not belong to the document" rather than "stale": the same.
            return True

    WebDriverWait(driver, 30).until(left)
    WebDriverWait(driver, 30).until(lambda current: current.execute_script("return document.readyState") == "complete")


def text_of(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "main").text)


def test_sign_confirm_edit_and_withdraw_in_a_browser(
    browser: Any, mail_app: RunningApp, coalition: Coalition, mailbox: Mailbox
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    app = mail_app
    letter_id = create_letter(app, coalition, title="Protect Due Process Now")
    token = enable_page(app.database_url, letter_id, web_show_list=True, web_contact="Questions? lead@coalition.org")
    browser.get(f"{base(app)}/l/{token}")
    assert browser.title == "Protect Due Process Now"
    shot_viewport(browser, "desktop-page-as-seen")
    deadline = browser.find_element(By.CSS_SELECTOR, "time[data-local]").text
    assert "UTC" not in deadline and ("CST" in deadline or "CDT" in deadline), deadline  # the visitor's zone
    assert not browser.find_element(By.CSS_SELECTOR, "[data-utc-note]").is_displayed()
    shot(browser, "desktop-page")
    # Keyboard only: the first Tab reaches the skip link, which leads to the form.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("#sign")

    submit(browser)
    errors = browser.find_elements(By.CSS_SELECTOR, ".error")
    assert len(errors) == 5 and all(error.is_displayed() for error in errors)
    org = browser.find_element(By.ID, "field-org_name")
    assert org.get_attribute("aria-invalid") == "true"
    assert "error-org_name" in (org.get_attribute("aria-describedby") or "")
    assert browser.find_element(By.ID, "error-org_name").text.startswith("Enter your organization")
    browser.find_element(By.CSS_SELECTOR, '#problems a[href="#field-email"]').click()
    shot(browser, "desktop-errors")

    fill(
        browser,
        org_name="Allies for Justice",
        name="Rosa Díaz",
        title="Executive Director",
        email="rosa@allies.org",
        city_state="Tucson, AZ",
        org_type="advocacy",
        authorized="yes",
    )
    submit(browser)
    assert "Check your email" in text_of(browser) and "rosa@allies.org" in text_of(browser)
    shot(browser, "desktop-check-email")
    app.fake.wait_until(lambda: len(mailbox.messages) == 1, timeout=20)
    links = mailbox.links(mailbox.messages[0])

    browser.get(base(app) + links["confirm"])
    shot(browser, "desktop-confirm")
    submit(browser)
    assert "is now counted" in text_of(browser)
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == ["Allies for Justice"]
    browser.get(f"{base(app)}/l/{token}")
    assert "Signed so far: 1 organization" in text_of(browser) and "Allies for Justice" in text_of(browser)

    browser.get(base(app) + links["edit"])
    assert browser.find_element(By.ID, "field-org_name").get_attribute("value") == "Allies for Justice"
    fill(browser, title="")
    submit(browser)
    assert browser.find_element(By.ID, "error-title").is_displayed()
    fill(browser, title="Co-Director")
    submit(browser)
    assert "Saved" in text_of(browser)
    assert signatories(app.database_url, letter_id)[0].signer_title == "Co-Director"

    browser.get(base(app) + links["withdraw"])
    shot(browser, "desktop-withdraw")
    submit(browser)
    assert "is no longer on" in text_of(browser)
    assert signatories(app.database_url, letter_id) == []


def test_the_page_reads_well_at_phone_widths(browser: Any, app: RunningApp, coalition: Coalition) -> None:
    from selenium.webdriver.common.by import By

    letter_id = create_letter(app, coalition, title="Protect Due Process and the Rights of Immigrant Families Now")
    token = enable_page(app.database_url, letter_id, web_show_list=True, web_contact="Questions? lead@coalition.org")
    for pixels in (375, 320):
        width(browser, pixels)
        browser.get(f"{base(app)}/l/{token}")
        assert fits(browser), f"sideways scrolling at {pixels} px"
        shot(browser, f"phone-{pixels}-page")
        submit(browser)
        assert fits(browser) and browser.find_element(By.ID, "error-org_name").is_displayed()
        # After sending, the browser is at the form and its problems, not at the top of a long letter.
        assert browser.current_url.endswith("#sign")
        top = browser.execute_script("return document.getElementById('problems').getBoundingClientRect().top")
        assert 0 <= top < 800, top
        shot_viewport(browser, f"phone-{pixels}-errors-as-seen")
        shot(browser, f"phone-{pixels}-errors")
    width(browser, None)


def test_the_closed_page_after_the_deadline(browser: Any, app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id, web_contact="Questions? lead@coalition.org")
    set_deadline(app.database_url, letter_id, datetime.now(UTC) - timedelta(minutes=5))
    browser.get(f"{base(app)}/l/{token}")
    page = text_of(browser)
    assert "Sign-ons are closed" in page and "0 organizations signed" in page and "lead@coalition.org" in page
    from selenium.webdriver.common.by import By

    assert browser.find_elements(By.TAG_NAME, "form") == []
    shot(browser, "desktop-closed")
    width(browser, 320)
    browser.get(f"{base(app)}/l/{token}")
    assert fits(browser)
    shot(browser, "phone-320-closed")
    width(browser, None)


def test_without_smtp_a_browser_sign_on_waits_for_a_coordinator(
    browser: Any, app: RunningApp, coalition: Coalition
) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id, web_show_list=True)
    width(browser, 320)
    browser.get(f"{base(app)}/l/{token}?lang=es")
    assert "Firma en nombre de tu organización" in text_of(browser) and fits(browser)
    assert "Esta carta no tiene versión en español; este es su texto en inglés." in text_of(browser)
    shot_viewport(browser, "phone-320-spanish-as-seen")
    width(browser, None)
    browser.get(f"{base(app)}/l/{token}")
    fill(
        browser,
        org_name="Allies for Justice",
        name="Rosa Díaz",
        title="Director",
        email="rosa@allies.org",
        authorized="yes",
    )
    submit(browser)
    assert "once a coordinator approves it" in text_of(browser)
    shot(browser, "desktop-awaiting-approval")
    [row] = signatories(app.database_url, letter_id, status="pending")
    view = home_view_of(app, coalition.coordinator)
    app.driver.click(
        coalition.coordinator,
        "approve_web_signon",
        str(row.id),
        block_id=f"home_decide_{row.id}",
        view_id=str(view["id"]),
    )
    app.fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 1)
    browser.get(f"{base(app)}/l/{token}")
    assert "Signed so far: 1 organization" in text_of(browser) and "Allies for Justice" in text_of(browser)
