"""The analyst workspace speaks Swedish by default and English with
``?lang=en``, and the Swedish catalogue translates every analyst string."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from .conftest import Client

ROOT = Path(__file__).resolve().parents[2]
SV_PO = ROOT / "webapp" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
ANALYST_SOURCES = ("webapp/analyst/", "webapp/templates/analyst/")
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%|\{\w*\}")


def _h1(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match, "no <h1> on the page"
    return match.group(1).strip()


def _analyst_messages() -> list:
    with SV_PO.open("rb") as f:
        catalog = read_po(f)
    return [m for m in catalog if m.id and any(loc.startswith(ANALYST_SOURCES)
                                                for loc, _line in m.locations)]


def test_login_page_is_swedish_by_default_and_english_on_request(env, client: Client) -> None:
    html = client.get("/analyst/login").get_data(as_text=True)
    assert '<html lang="sv"' in html
    assert _h1(html) == "Logga in"
    assert "E-postadress" in html and "Lösenord" in html
    html = client.get("/analyst/login?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert _h1(html) == "Log in"
    assert "E-mail address" in html and "Password" in html


def test_survey_list_is_swedish_by_default_and_english_on_request(env, logged_in) -> None:
    c = logged_in("admin")
    html = c.get("/analyst/").get_data(as_text=True)
    assert _h1(html) == "Enkätomgångar"
    assert ">Påbörjade<" in html and ">Inskickade<" in html and "Logga ut" in html
    # the access mode is named, not shown as its identifier
    assert "Svarskoder (engångskoder)" in html and "Öppen länk" in html
    html = c.get("/analyst/?lang=en").get_data(as_text=True)
    assert _h1(html) == "Surveys"
    assert ">Started<" in html and "Log out" in html and "Open link" in html
    # the choice is remembered in the session
    assert _h1(c.get("/analyst/").get_data(as_text=True)) == "Surveys"
    assert _h1(c.get("/analyst/?lang=sv").get_data(as_text=True)) == "Enkätomgångar"


def test_wave_pages_are_swedish(env, logged_in) -> None:
    c = logged_in("admin")
    results = c.get("/analyst/cannabis-2018/results").get_data(as_text=True)
    assert _h1(results).startswith("Resultat:")
    assert "Medelvärde" in results and "95 % KI" in results and "Utgångsvärde" in results
    assert "95 %% " not in results  # the escaped percent sign is rendered once
    downloads = c.get("/analyst/cannabis-2018/downloads").get_data(as_text=True)
    assert "Kodbok, Excel" in downloads and "Rådata, SPSS .sav med etiketter" in downloads
    progress = c.get("/analyst/cannabis-2018/progress").get_data(as_text=True)
    assert "Påbörjade: 0. Inskickade: 0. Pågående: 0." in progress


def test_every_download_format_has_a_translated_title(env) -> None:
    from surveys.exports import FORMATS
    from webapp.analyst.views import DOWNLOAD_TITLES

    assert set(DOWNLOAD_TITLES) == set(FORMATS)
    # in English the interface shows the titles of surveys.exports unchanged
    with env.app.test_request_context("/analyst/?lang=en"):
        assert {k: str(v) for k, v in DOWNLOAD_TITLES.items()} == \
            {k: f.title for k, f in FORMATS.items()}
    with env.app.test_request_context("/analyst/"):
        assert str(DOWNLOAD_TITLES["codebook-csv"]) == "Kodbok, CSV"


def test_swedish_catalogue_translates_every_analyst_message() -> None:
    messages = _analyst_messages()
    assert len(messages) > 100, "the analyst strings are missing from the catalogue"
    untranslated = [m.id for m in messages if not m.string]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []
    for m in messages:
        assert sorted(PLACEHOLDER.findall(m.id)) == sorted(PLACEHOLDER.findall(m.string)), m.id


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_analyst_messages_fall_back_to_english_outside_swedish(lang: str) -> None:
    """English and Arabic leave analyst strings empty: the English msgid shows."""
    with (SV_PO.parents[2] / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    analyst = [m for m in catalog if m.id and all(loc.startswith(ANALYST_SOURCES)
                                                  for loc, _line in m.locations)]
    assert analyst and all(not m.string and not m.fuzzy for m in analyst)


def test_analyst_pages_offer_swedish_and_english_but_not_arabic(client) -> None:
    page = client.client.get("/analyst/login").get_data(as_text=True)
    assert 'hreflang="en"' in page and 'aria-current="true">Svenska<' in page
    assert 'hreflang="ar"' not in page
    arabic = client.client.get("/analyst/login?lang=ar").get_data(as_text=True)
    assert '<html lang="sv" dir="ltr">' in arabic     # ar is not an analyst language
