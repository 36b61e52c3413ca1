"""The analyst forms use the respondent pages' controls (issue 16, item 5),
measured in Chromium: every control has a label, text-like controls, option
rows, buttons, hints and errors have the computed styles of their respondent
counterparts (border, font size, minimum height, colours), a focused control
shows the same focus ring, touch targets are at least 44 px high, an error is
linked to its control with aria-describedby, and the colours used (links and
the header included) reach WCAG AA contrast (4.5:1) against what lies behind
them; axe-core finds no serious or critical violation on any of the pages.

The respondent references are real respondent pages: the code page after a
wrong code (text field, hint, error, button) and the first question page of
an open-link wave (option rows).
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "forms-admin@example.se"
PASSWORD = "browser-forms-password-1"
SCHOOLS = ["Skolan A", "Skolan B"]

#: Computed values compared between analyst and respondent controls.
STYLE = """
const el = arguments[0];
const s = getComputedStyle(el);
const r = el.getBoundingClientRect();
return {border: s.borderTopWidth + ' ' + s.borderTopStyle + ' ' + s.borderTopColor,
        fontSize: s.fontSize, fontFamily: s.fontFamily, fontWeight: s.fontWeight, minHeight: s.minHeight,
        radius: s.borderTopLeftRadius, color: s.color, background: s.backgroundColor,
        height: r.height, width: r.width};
"""

#: Every control a person fills in or presses on the page, with what names it.
CONTROLS = """
const out = [];
for (const el of document.querySelectorAll('main input, main select, main textarea, main button')) {
  if (el.type === 'hidden') continue;
  const labels = [...(el.labels || [])].map(l => l.textContent.trim()).filter(Boolean);
  const legend = el.closest('fieldset') && el.closest('fieldset').querySelector('legend');
  const described = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
  out.push({tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id, name: el.name || '',
            labels: labels, legend: legend ? legend.textContent.trim() : '',
            text: el.tagName === 'BUTTON' ? el.textContent.trim() : '',
            invalid: el.getAttribute('aria-invalid') === 'true',
            described: described.map(id => {
              const d = document.getElementById(id);
              return {id: id, exists: !!d, text: d ? d.textContent.trim() : ''};
            })});
}
return out;
"""

#: The WCAG contrast ratio of an element's text against the first opaque
#: background behind it.
CONTRAST = """
function rgb(c) {
  const m = c.match(/[\\d.]+/g).map(Number);
  return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1};
}
function lum(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}
const el = arguments[0];
const fg = rgb(getComputedStyle(el).color);
let node = el, bg = null;
while (node && node.nodeType === 1) {
  const b = rgb(getComputedStyle(node).backgroundColor);
  if (b.a > 0) { bg = b; break; }
  node = node.parentElement;
}
bg = bg || {r: 255, g: 255, b: 255};
const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
return (l1 + 0.05) / (l2 + 0.05);
"""

TEXT_LIKE = ("text", "email", "password", "number", "date", "file", "select-one", "textarea")


def _style(driver, css: str, within=None) -> dict:
    from selenium.webdriver.common.by import By

    element = (within or driver).find_element(By.CSS_SELECTOR, css)
    return driver.execute_script(STYLE, element)


def _styles(driver, css: str) -> list[dict]:
    from selenium.webdriver.common.by import By

    return [driver.execute_script(STYLE, e) for e in driver.find_elements(By.CSS_SELECTOR, css)]


def _focus_ring(driver, css: str) -> tuple[str, str, str]:
    """The outline and ring (box shadow) of the element while it has the
    focus (given by script)."""
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].focus();", element)
    s = driver.execute_script("const s = getComputedStyle(arguments[0]); "
                              "return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow];", element)
    driver.execute_script("arguments[0].blur();", element)
    return tuple(s)


def _submit(driver, css: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__formsOldPage = true;")
    driver.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return window.__formsOldPage === undefined && "
                                   "document.readyState === 'complete';"), message="no answer to the form")


@pytest.fixture(scope="module")
def respondent_reference(driver, live_server, survey_factory) -> dict:
    """Computed styles of the respondent controls, from real respondent pages."""
    from selenium.webdriver.common.by import By

    codes_slug = survey_factory("cannabis-attityd", mode="codes", presets={"school": SCHOOLS})
    open_slug = survey_factory("trygghet", mode="open")
    driver.delete_all_cookies()
    driver.get(live_server.page(f"/s/{codes_slug}/?lang=sv"))
    driver.find_element(By.ID, "code").send_keys("AAAA-AAAA")
    _submit(driver, "button.primary")
    assert driver.find_elements(By.CSS_SELECTOR, ".field-error"), "the wrong code gave no error"
    ref = {"input": _style(driver, "#code"), "button": _style(driver, "button.primary"),
           "error": _style(driver, ".field-error"), "hint": _style(driver, ".hint"),
           "label": _style(driver, "label.label-big"), "focus": _focus_ring(driver, "#code")}
    driver.get(live_server.page(f"/s/{open_slug}/?lang=sv"))
    _submit(driver, "button.primary")
    ref["option"] = _style(driver, ".option")
    ref["radio"] = _style(driver, ".option input")
    driver.delete_all_cookies()
    return ref


@pytest.fixture(scope="module")
def admin_wave(live_server, survey_factory) -> str:
    from surveys.accounts import create_user

    create_user(live_server.store, EMAIL, "admin", PASSWORD)
    return survey_factory("cannabis-attityd", mode="codes", presets={"school": SCHOOLS})


def _check_page(driver, ref: dict, page: str) -> list[dict]:
    """Assert the controls of the current page against the respondent's;
    returns the controls found."""
    from selenium.webdriver.common.by import By

    controls = driver.execute_script(CONTROLS)
    assert controls, f"{page}: no form controls"
    for c in controls:
        if c["tag"] == "button":
            assert c["text"], f"{page}: a button without text"
            continue
        if c["type"] == "radio":
            assert c["labels"] and c["legend"], f"{page}: radio {c['name']} without label or legend"
            continue
        assert c["labels"], f"{page}: {c['tag']} {c['name']} has no label"
        for d in c["described"]:
            assert d["exists"] and d["text"], f"{page}: {c['name']} is described by a missing {d['id']}"
        if c["invalid"]:
            assert any(d["id"].startswith(c["id"] + "-error") for d in c["described"]), \
                f"{page}: the error of {c['name']} is not linked with aria-describedby"
    main = driver.find_element(By.TAG_NAME, "main")
    for el in main.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
        kind = el.get_attribute("type") if el.tag_name == "input" else el.tag_name
        kind = "select-one" if kind == "select" else kind
        if kind not in TEXT_LIKE:
            continue
        s = driver.execute_script(STYLE, el)
        for key in ("border", "fontSize", "fontFamily", "minHeight", "radius", "color", "background"):
            assert s[key] == ref["input"][key], \
                f"{page}: {el.get_attribute('name')} {key} {s[key]} != {ref['input'][key]}"
        assert s["height"] >= 44, f"{page}: {el.get_attribute('name')} is {s['height']} px high"
    for s in _styles(driver, "main form button[type=submit]"):
        for key in ("fontSize", "fontWeight", "minHeight", "radius", "border", "color", "background"):
            assert s[key] == ref["button"][key], f"{page}: button {key} {s[key]} != {ref['button'][key]}"
        assert s["height"] >= 44
    for s in _styles(driver, "main .option:not(:has(input:checked))"):
        for key in ("border", "minHeight", "radius", "background"):
            assert s[key] == ref["option"][key], f"{page}: option row {key} {s[key]} != {ref['option'][key]}"
        assert s["height"] >= 44
    for s in _styles(driver, "main .option input"):
        assert (s["width"], s["height"]) == (ref["radio"]["width"], ref["radio"]["height"]), page
    for css, key in (("main .hint", "hint"), ("main .field-error", "error"), ("main label.label-big", "label")):
        for s in _styles(driver, css):
            for prop in ("fontSize", "fontWeight", "color"):
                assert s[prop] == ref[key][prop], f"{page}: {css} {prop} {s[prop]} != {ref[key][prop]}"
    for css in ("main label", "main legend", "main .hint", "main .field-error", "main form button",
                "main .error-box p", "main a", "main nav span", "header a", "header button"):
        within, _, selector = css.partition(" ")
        for el in driver.find_element(By.TAG_NAME, within).find_elements(By.CSS_SELECTOR, selector):
            ratio = driver.execute_script(CONTRAST, el)
            assert ratio >= 4.5, f"{page}: {css} {el.text[:40]!r} has contrast {ratio:.2f}"
    _axe_clean(driver, page)
    return controls


def _axe_clean(driver, page: str) -> None:
    """axe-core (the copy the respondent pages are audited with) finds no
    serious or critical violation on the page."""
    from tests.browser.test_accessibility import Audit

    audit = Audit(driver)
    audit.run(page, "sv")
    audit.assert_clean()


def test_analyst_forms_use_the_respondent_controls(driver, live_server, respondent_reference, admin_wave):
    from selenium.webdriver.common.by import By

    ref = respondent_reference
    assert ref["input"]["minHeight"] == "48px"  # the respondent's large touch target
    driver.delete_all_cookies()
    # login: empty fields are refused field by field, each error linked to its field
    driver.get(live_server.page("/analyst/login?lang=sv"))
    _check_page(driver, ref, "login")
    assert _focus_ring(driver, "#email") == ref["focus"]
    _submit(driver, "main button[type=submit]")
    controls = _check_page(driver, ref, "login with errors")
    invalid = {c["name"] for c in controls if c["invalid"]}
    assert invalid == {"email", "password"}
    errors = driver.find_elements(By.CSS_SELECTOR, "main .field-error")
    assert len(errors) == 2 and all(e.text.endswith("Det här fältet är obligatoriskt.") for e in errors), \
        [e.text for e in errors]
    driver.find_element(By.ID, "email").send_keys(EMAIL)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    _submit(driver, "main button[type=submit]")
    assert "/analyst/login" not in driver.current_url

    slug = admin_wave
    # a new wave with a bad address: select, text fields, radios, text area, a field error
    driver.get(live_server.page("/analyst/waves/new"))
    _check_page(driver, ref, "new wave")
    assert _focus_ring(driver, "#instrument") == ref["focus"]
    driver.find_element(By.ID, "slug").send_keys("Not A Slug")
    driver.find_element(By.ID, "label").send_keys("2030")
    _submit(driver, "main button[type=submit]")
    controls = _check_page(driver, ref, "new wave with an error")
    assert {c["name"] for c in controls if c["invalid"]} == {"slug"}
    slug_field = next(c for c in controls if c["name"] == "slug")
    assert [d["id"] for d in slug_field["described"]] == ["slug-hint", "slug-error-1"]

    for path in (f"/analyst/{slug}/codes", f"/analyst/{slug}/import", "/analyst/instruments/",
                 f"/analyst/{slug}/", "/analyst/account/password", f"/analyst/{slug}/results"):
        driver.get(live_server.page(path))
        assert driver.execute_script("return document.documentElement.lang") == "sv"
        _check_page(driver, ref, path)
    # the results filters: labelled drop-downs
    driver.get(live_server.page(f"/analyst/{slug}/results"))
    controls = _check_page(driver, ref, "results")
    assert "Dela upp efter" in next(c for c in controls if c["name"] == "by")["labels"]
