"""Storage refusals reach the analyst in the interface language."""
from __future__ import annotations


def test_a_taken_wave_address_is_refused_in_swedish_and_english(env, logged_in) -> None:
    c = logged_in("a")
    sha = env.store.survey("cannabis-2018").instrument_sha256
    form = {"instrument": sha, "slug": "cannabis-2018", "label": "igen", "mode": "codes",
            "presets": "school: Skola A; Skola B"}
    r = c.post_form("/analyst/waves/new", form)
    assert r.status_code == 400
    assert "Det finns redan en omgång med adressen cannabis-2018" in r.get_data(as_text=True)
    r = c.post_form("/analyst/waves/new?lang=en", form, action="/analyst/waves/new?lang=en")
    assert "A wave with the address cannabis-2018 already exists" in r.get_data(as_text=True)


def test_a_missing_school_list_is_explained(env, logged_in) -> None:
    c = logged_in("a")
    sha = env.store.survey("cannabis-2018").instrument_sha256
    r = c.post_form("/analyst/waves/new", {"instrument": sha, "slug": "cannabis-2030", "label": "2030",
                                           "mode": "codes", "presets": ""})
    assert r.status_code == 400
    assert "behöver en lista för gruppen school" in r.get_data(as_text=True)
    assert "cannabis-2030" not in {s.slug for s in env.store.surveys()}


def test_every_malformed_csv_reason_is_worded_in_swedish_and_english(env, tmp_path) -> None:
    """Each case the CSV reader names has its wording on the import page: in
    Swedish it differs from the English one and carries the same values."""
    import pytest
    from surveys.csvio import CsvError, read_responses_bytes
    from tests.data_in.model import small_instrument
    from tests.data_in.test_csvio import MALFORMED
    from webapp.analyst.messages import _IMPORT, import_rejection_message
    from surveys.importer import Rejection

    from dataclasses import replace

    small = small_instrument()
    # a decimal item (one decimal place) for the case "too many decimals"
    page = small.pages[-1]
    weight = replace(small.item("age"), id="weight", min=0.5, max=2.5, decimals=1)
    with_decimal = replace(small, pages=small.pages[:-1] + (replace(page, items=page.items + (weight,)),))
    cases = [(content, small) for content, _message in MALFORMED] + [("weight\n1.25\n", with_decimal)]
    seen = set()
    for content, instrument in cases:
        with pytest.raises(CsvError) as info:
            read_responses_bytes(content.encode("utf-8"), instrument)
        err = info.value
        assert err.reason, content
        seen.add(err.reason)
        rejection = Rejection(err.row, err.column, err.message, err.reason, err.params)
        with env.app.test_request_context("/analyst/?lang=sv"):
            env.app.preprocess_request()
            swedish = import_rejection_message(rejection)
        with env.app.test_request_context("/analyst/?lang=en"):
            env.app.preprocess_request()
            english = import_rejection_message(rejection)
        assert swedish != english and swedish != err.message, (err.reason, swedish)
        for value in err.params.values():
            assert str(value) in swedish and str(value) in english, (err.reason, value, swedish)
    assert seen == set(_IMPORT)  # every worded case occurs, and every case is worded
