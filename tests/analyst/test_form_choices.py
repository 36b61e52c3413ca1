"""The analyst forms declare their choices as wtforms ``SelectChoice``, not
as the tuples wtforms 3.3 deprecates (removed in 3.4)."""
from __future__ import annotations

import warnings

from .conftest import SCHOOLS


def test_analyst_form_pages_raise_no_choices_deprecation(env, logged_in) -> None:
    c = logged_in("admin")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert c.get("/analyst/waves/new").status_code == 200
        sha = env.store.survey("cannabis-2018").instrument_sha256
        r = c.post_form("/analyst/waves/new", {"instrument": sha, "slug": "cannabis-2019", "label": "2019",
                                               "mode": "codes", "presets": "school: " + "; ".join(SCHOOLS)})
        assert r.status_code == 302
        r = c.post_form("/analyst/cannabis-2019/codes", {"count": 2, "tags": "", "output": "html"})
        assert r.status_code == 200 and 'name="output"' in r.get_data(as_text=True)
    messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert not [m for m in messages if "choices" in m], messages
