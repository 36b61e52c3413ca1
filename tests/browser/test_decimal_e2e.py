"""A decimal question in headless Chromium: the input asks phones for the
decimal keyboard, a decimal comma is accepted and stored exactly, and a
conditional note appears on the page its answer reveals."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser]


def test_decimal_comma_in_chromium(browser, live_server) -> None:
    from selenium.webdriver.common.by import By

    from surveys.loader import load_instrument_text

    source = Path(__file__).parent.parent / "webapp" / "decimals-test.yaml"
    store = live_server.store
    text = source.read_text(encoding="utf-8")
    instrument = load_instrument_text(text, source.name)
    store.register_instrument(instrument, text)
    slug = f"decimals-e2e-{int(time.time() * 1000)}"
    store.create_survey(slug=slug, instrument_sha256=instrument.sha256, label="Decimals", mode="open",
                        is_open=True)
    browser.get(live_server.page(f"/s/{slug}/"))
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/start'] button"))
    weight = browser.find_element(By.ID, "weight")
    assert weight.get_attribute("inputmode") == "decimal"
    weight.send_keys("1,55")
    browser.find_element(By.CSS_SELECTOR, "label[for='smoker']").click()
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value='next']"))
    assert "Skriv högst 1 decimal" in browser.find_element(By.ID, "q-weight").text
    weight = browser.find_element(By.ID, "weight")
    weight.clear()
    weight.send_keys("1,5")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value='next']"))
    assert browser.find_element(By.ID, "note-smoke_note").text == "Frågorna gäller rökning."
    assert store.answers(_only_response(store, slug))["weight"] == 15


def _submit(browser, button) -> None:
    """Click ``button`` and wait until the next page has replaced this one."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element("tag name", "html")
    button.click()
    WebDriverWait(browser, 10).until(ec.staleness_of(page))


def _only_response(store, slug: str) -> str:
    """The id of the wave's one response (the browser's open-link session)."""
    from sqlalchemy import text

    with store.engine.connect() as conn:
        return conn.execute(text("SELECT r.id FROM responses r JOIN surveys s ON s.id = r.survey_id "
                                 "WHERE s.slug = :slug"), {"slug": slug}).scalar_one()
