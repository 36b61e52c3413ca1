"""End to end in headless Chromium: an analyst logs in, creates a wave,
opens it, issues 30 codes; a pupil completes the survey with one of them (by
keyboard, in a browser of their own); the analyst's pages then show the
response."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "analytiker@example.se"
PASSWORD = "browser-test-password-1"
CODE_PATTERN = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$")


@pytest.fixture(scope="module")
def analyst_account(live_server, instruments):
    from pathlib import Path

    from surveys.accounts import create_user

    store = live_server.store
    cannabis = instruments["cannabis-attityd"]
    store.register_instrument(cannabis, Path(cannabis.path).read_text(encoding="utf-8"))
    create_user(store, EMAIL, "analyst", PASSWORD)
    return cannabis


def _and_wait_for_the_next_page(driver, act) -> None:
    """Run ``act`` and wait until the browser has replaced the page (the
    answer to a form is a new page even at the same address, so waiting for
    the address alone could look at the old one).

    The old page is marked by a property on its window, which a new document
    does not have. (Waiting for an element of the old page to go stale can
    fail instead: Chromium may answer "node does not belong to the document"
    while the new page replaces it.)"""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__surveyEngineOldPage = true;")
    act()
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script(
            "return window.__surveyEngineOldPage === undefined && document.readyState === 'complete';"),
        message="the form was never answered")


def submit_form_of(element) -> None:
    """Enter in a field submits its form (the default button)."""
    from selenium.webdriver.common.keys import Keys

    _and_wait_for_the_next_page(element.parent, lambda: element.send_keys(Keys.ENTER))


def wait_for_path(driver, pattern: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda d: re.search(pattern, d.current_url) and d.execute_script("return document.readyState") == "complete",
        message=f"never reached {pattern}")


def press_button(driver, css: str) -> None:
    """Focus a button and press Enter on it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    button = driver.find_element(By.CSS_SELECTOR, css)
    _and_wait_for_the_next_page(driver, lambda: button.send_keys(Keys.ENTER))


def test_analyst_issues_codes_and_sees_the_response(browser, live_server, analyst_account, new_respondent):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    base = live_server.url
    slug = "analyst-e2e-cannabis"

    # Log in.
    driver.get(f"{base}/analyst/login")
    driver.find_element(By.ID, "email").send_keys(EMAIL)
    password = driver.find_element(By.ID, "password")
    password.send_keys(PASSWORD)
    submit_form_of(password)
    wait_for_path(driver, r"/analyst/$")

    # Create a wave from the instrument, with the list of schools.
    driver.get(f"{base}/analyst/waves/new")
    Select(driver.find_element(By.ID, "instrument")).select_by_value(analyst_account.sha256)
    driver.find_element(By.ID, "slug").send_keys(slug)
    driver.find_element(By.ID, "presets").send_keys("school: Skola A; Skola B\nclass: 9A; 9B")
    assert driver.find_element(By.CSS_SELECTOR, "input[name=mode][value=codes]").is_selected()
    label = driver.find_element(By.ID, "label")
    label.send_keys("2026")
    submit_form_of(label)
    wait_for_path(driver, rf"/analyst/{slug}/$")
    survey = live_server.store.survey(slug)
    assert survey.mode == "codes" and survey.presets == {"school": ["Skola A", "Skola B"],
                                                         "class": ["9A", "9B"]}

    # Open it.
    press_button(driver, f"form[action$='/{slug}/open'] button")
    wait_for_path(driver, rf"/analyst/{slug}/$")
    assert live_server.store.survey(slug).is_open

    # Issue 30 codes for one class; the print view shows them once.
    driver.get(f"{base}/analyst/{slug}/codes")
    # the batch's group values are chosen from the wave's lists, never typed
    Select(driver.find_element(By.ID, "tag_school")).select_by_value("Skola B")
    Select(driver.find_element(By.ID, "tag_class")).select_by_value("9A")
    count = driver.find_element(By.ID, "count")
    count.clear()
    count.send_keys("30")
    submit_form_of(count)
    wait_for_path(driver, rf"/analyst/{slug}/codes$")
    codes = [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, ".slips .code")]
    assert len(codes) == 30 and len(set(codes)) == 30
    assert all(CODE_PATTERN.match(c) for c in codes), codes[:3]

    driver.get(f"{base}/analyst/{slug}/results?lang=en")
    before = re.search(r"Respondents: (\d+)", driver.find_element(By.TAG_NAME, "main").text)
    assert before is None or before.group(1) == "0"

    # A pupil answers with one of the codes, keyboard only, on a phone.
    pupil = new_respondent()
    pupil.open(slug)
    pupil.enter_code(codes[7].lower().replace("-", ""))  # as typed in a hurry
    assert pupil.page_id(), pupil.text()[:300]
    plan = {"grade": 1, "gender": 1, "use": 1, "would_try": 2}
    given = pupil.complete(lambda f: plan.get(f["name"], f["values"][0] if f["type"] == "radio" else None))
    assert "Tack för dina svar!" in pupil.text()

    # The analyst sees it.
    driver.get(f"{base}/analyst/{slug}/results?lang=en")
    text = driver.find_element(By.TAG_NAME, "main").text
    assert re.search(r"Respondents: 1\b", text), text[:500]
    driver.get(f"{base}/analyst/{slug}/?lang=en")
    assert "1 submitted" in driver.find_element(By.TAG_NAME, "main").text
    records = live_server.store.wave_records(slug)
    assert len(records) == 1
    assert records[0]["groups"]["school"] == "Skola B"
    assert records[0]["att01"] == given["att01"] and records[0]["use"] == 1
