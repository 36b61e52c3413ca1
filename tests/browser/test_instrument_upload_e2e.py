"""End to end in headless Chromium: an admin writes a new questionnaire as an
XLSForm, uploads it (first with a mistake, shown as one line), previews every
page in both languages and tries a condition, publishes it, creates a wave of
it and opens it; a respondent then sees the Excel-authored question."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_accessibility import Audit
from tests.browser.test_analyst_e2e import press_button, submit_form_of, wait_for_path
from tests.xlsform.workbook import write_form

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "excel-admin@example.se"
PASSWORD = "browser-test-password-2"

SURVEY = [
    ["type", "name", "label::Svenska (sv)", "label::English (en)", "relevant", "required"],
    ["begin group", "start", "Om grannskapet", "About the neighbourhood"],
    ["select_one yn", "walk", "Går du ut ensam på kvällen?", "Do you go out alone in the evening?", None, "yes"],
    ["select_one feel", "feel", "Hur trygg känner du dig då?", "How safe do you feel then?", "${walk} = '1'"],
    ["end group"],
    ["begin group", "more", "Till sist", "Finally"],
    ["text", "place", "Vilken plats känns otrygg?", "Which place feels unsafe?"],
    ["end group"],
]
CHOICES = [["list_name", "name", "label::Svenska (sv)", "label::English (en)"],
           ["yn", 1, "Ja", "Yes"], ["yn", 2, "Nej", "No"],
           ["feel", 1, "Trygg", "Safe"], ["feel", 2, "Otrygg", "Unsafe"]]
SETTINGS = [["form_title", "form_id", "version"], ["Kvällsenkät", "kvallsenkat", "2026.1"]]


@pytest.fixture(scope="module")
def admin_account(live_server):
    from surveys.accounts import create_user

    create_user(live_server.store, EMAIL, "admin", PASSWORD)


def test_author_in_excel_upload_preview_publish_open(browser, live_server, admin_account, tmp_path: Path,
                                                      new_respondent) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver, base = browser, live_server.url
    audit = Audit(driver)
    driver.get(f"{base}/analyst/login")
    driver.find_element(By.ID, "email").send_keys(EMAIL)
    password = driver.find_element(By.ID, "password")
    password.send_keys(PASSWORD)
    submit_form_of(password)
    wait_for_path(driver, r"/analyst/$")

    # A first upload with a mistake in a condition: one line naming the cell.
    broken = [row[:] for row in SURVEY]
    broken[3][4] = "${walk} == '1'"
    bad = write_form(tmp_path / "kvall-fel.xlsx", broken, CHOICES, SETTINGS)
    driver.find_element(By.CSS_SELECTOR, "nav.analyst-nav a[href$='/analyst/instruments/']").click()
    wait_for_path(driver, r"/analyst/instruments/$")
    driver.find_element(By.ID, "file").send_keys(str(bad))
    press_button(driver, "form[action$='/instruments/upload'] button")
    problems = driver.find_element(By.ID, "upload-problems").text
    assert "kvall-fel.xlsx:survey:4:relevant: Kan inte läsa '=' vid tecken 10; skriv villkor som ${q} = 'x'" \
        in problems
    assert "Filen sparades inte." in problems
    audit.run("upload refused", "sv")

    # The corrected file: a draft, shown as a preview of every page.
    good = write_form(tmp_path / "kvall.xlsx", SURVEY, CHOICES, SETTINGS)
    driver.find_element(By.ID, "file").send_keys(str(good))
    press_button(driver, "form[action$='/instruments/upload'] button")
    wait_for_path(driver, r"/analyst/instruments/[0-9a-f]{64}/$")
    sha = re.search(r"/instruments/([0-9a-f]{64})/", driver.current_url).group(1)
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "Om grannskapet" in main and "Till sist" in main and "Vilken plats känns otrygg?" in main
    assert "Första versionen" in main
    assert not driver.find_elements(By.ID, "feel")  # hidden until walk = 1
    # Try the condition: answer "Ja" and ask again.
    driver.find_element(By.CSS_SELECTOR, "input[name=walk][value='1']").click()
    press_button(driver, "#try-conditions")
    assert driver.find_element(By.ID, "feel").is_displayed()
    assert "Visas, eftersom: walk in [1]" in driver.find_element(By.ID, "condition-feel").text
    audit.run("preview with a condition tried", "sv")
    # The English pages.
    driver.find_element(By.CSS_SELECTOR, "#preview-languages a[hreflang=en]").click()
    wait_for_path(driver, r"language=en")
    assert "About the neighbourhood" in driver.find_element(By.ID, "page-start").text

    # Publish, create a wave of it and open it.
    press_button(driver, "#publish")
    wait_for_path(driver, r"/analyst/instruments/$")
    assert "Version 2026.1 av kvallsenkat är publicerad" in driver.find_element(By.TAG_NAME, "main").text
    assert live_server.store.instrument_info(sha).published
    audit.run("versions", "sv")
    audit.assert_clean()
    driver.get(f"{base}/analyst/waves/new")
    Select(driver.find_element(By.ID, "instrument")).select_by_value(sha)
    driver.find_element(By.ID, "slug").send_keys("kvall-2026")
    driver.find_element(By.CSS_SELECTOR, "input[name=mode][value=open]").click()
    label = driver.find_element(By.ID, "label")
    label.send_keys("Kväll 2026")
    submit_form_of(label)
    wait_for_path(driver, r"/analyst/kvall-2026/$")
    press_button(driver, "form[action$='/kvall-2026/open'] button")
    wait_for_path(driver, r"/analyst/kvall-2026/$")
    assert live_server.store.survey("kvall-2026").instrument_sha256 == sha

    # A resident opens the public link and meets the question written in Excel.
    resident = new_respondent()
    resident.open("kvall-2026")
    resident.start()
    assert "Går du ut ensam på kvällen?" in resident.text()
