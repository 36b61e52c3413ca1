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
