"""Numbers in right-to-left text: ranges such as "16–24" keep their order in
Arabic (isolated left-to-right), and nothing changes in Swedish or English."""
from __future__ import annotations

from markupsafe import Markup, escape
from respondent_support import Browser, first_answers, instrument_of

from webapp.i18n import isolate_numeric_runs

T = "/s/trygghet-2018"


def test_numeric_runs_are_isolated():
    assert isolate_numeric_runs(escape("16–24 سنة")) == Markup('<bdi dir="ltr">16–24</bdi> سنة')
    assert isolate_numeric_runs(escape("من 65 - 85")) == Markup('من <bdi dir="ltr">65 - 85</bdi>')
    assert isolate_numeric_runs(escape("2,5−3,9 و 9/10")) == Markup(
        '<bdi dir="ltr">2,5−3,9</bdi> و <bdi dir="ltr">9/10</bdi>'
    )
    # a lone number needs no isolation; markup in the text stays escaped
    assert isolate_numeric_runs(escape("عمر 16 <b>")) == Markup("عمر 16 &lt;b&gt;")


def test_age_bands_keep_their_order_in_arabic(browser, surveys):
    inst = instrument_of(surveys, "trygghet-2018")
    browser.get(T + "/?lang=ar")
    browser.post(T + "/start", {})
    assert browser.location == T + "/p/about_you"
    assert '<bdi dir="ltr">16–24</bdi> سنة' in browser.html
    # the review page shows the saved answer the same way
    page = "about_you"
    for _ in range(20):
        data = first_answers(inst, page)
        if "age_band" in data:
            data["age_band"] = "1"  # 16–24
        browser.post(f"{T}/p/{page}", data)
        page = browser.page_id()
        if not page:
            break
    assert browser.location == T + "/review"
    assert '<bdi dir="ltr">16–24</bdi> سنة' in browser.html
    # Swedish and English pages are left as they are
    other = Browser(browser.client.application)
    other.get(T + "/?lang=sv")
    other.post(T + "/start", {})
    assert "16–24 år" in other.html and "<bdi" not in other.html
