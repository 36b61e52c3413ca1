"""The three shipped instruments go through the store unchanged."""
from __future__ import annotations

from typing import Any

import pytest

from surveys.loader import instruments_dir, load_all
from surveys.store import Store

PRESETS = {"school": ["Skiftingeskolan", "Årbyskolan", "Rinmansgymnasiet"]}


def _value(store: Store, instrument: Any, item: Any) -> Any:
    if item.kind == "text":
        return "Stora torget"
    if item.kind == "number":
        return item.max
    if item.options_from == "preset":
        return 2
    codes = instrument.response_scale(item).codes
    return [codes[0], codes[-1]] if item.kind == "multi" else codes[-1]


@pytest.mark.parametrize("instrument_id", ["cannabis-attityd", "trygghet", "medborgardialog"])
def test_full_response_for_each_instrument(store, migrated_url, instrument_id: str) -> None:
    instrument = load_all()[instrument_id]
    source = (instruments_dir() / f"{instrument_id}.yaml").read_text(encoding="utf-8")
    sha = store.register_instrument(instrument, source)
    store.create_survey(slug="w", instrument_sha256=sha, label="2024", presets=PRESETS, is_open=True)
    [code] = store.issue_codes("w", 1)
    rid = store.begin("w", code=code).id
    expected = {}
    for page in instrument.pages:
        values = {item.id: _value(store, instrument, item) for item in page.items}
        store.save_page(rid, page.id, values)
        expected.update(values)
    assert store.answers(rid) == expected
    assert store.submit(rid)
    [record] = store.wave_records("w")
    assert {k: v for k, v in record.items() if k not in ("groups", "submitted_on")} == expected

    # a store without the parsed instrument in memory reparses the stored YAML
    fresh = Store(store.engine, b"test-secret-key")
    again = fresh.instrument(sha)
    assert again.sha256 == sha and again.id == instrument_id
    assert [i.id for i in again.items] == [i.id for i in instrument.items]
