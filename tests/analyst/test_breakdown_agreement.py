"""Issue 16 item 2: the results page and the API take the same breakdowns:
more than two columns are refused by both, for the same reason (the page in
the analyst's language), never cut to two."""
from __future__ import annotations

import html as html_lib

import pytest

from . import cannabis_answers as ca


def _token(env) -> dict[str, str]:
    from surveys import accounts

    return {"Authorization": f"Bearer {accounts.create_api_token(env.store, env.users['admin'].id)}"}


@pytest.mark.parametrize("lang, message", [("sv", "En uppdelning tar en eller två grupper."),
                                           ("en", "A breakdown takes one or two groups.")])
def test_three_columns_are_refused_by_page_and_api_alike(env, logged_in, lang, message) -> None:
    from scoring.disclosure import BreakdownError
    from surveys.service.waves import requested_breakdown

    env.store.import_responses("cannabis-2018", [ca.values(p) for p in ca.PEOPLE])
    three = "by=school&by=gender&by=grade"
    page = logged_in("admin").get(f"/analyst/cannabis-2018/results?{three}&lang={lang}")
    assert page.status_code == 400
    assert message in html_lib.unescape(page.get_data(as_text=True))
    api = env.app.test_client().get(f"/api/v1/surveys/cannabis-2018/results?{three}", headers=_token(env))
    assert api.status_code == 400
    assert api.get_json()["error"].startswith("a breakdown takes one or two group columns")
    with pytest.raises(BreakdownError) as refused:
        requested_breakdown(["school", "gender", "grade"])
    assert refused.value.reason == "too_many_columns"
    # empty values are no columns, on both sides: two real ones are a breakdown
    assert requested_breakdown(["school", "", "gender", ""]) == ("school", "gender")
    two = env.app.test_client().get("/api/v1/surveys/cannabis-2018/results?by=school&by=&by=gender",
                                    headers=_token(env))
    assert two.status_code == 200 and two.get_json()["by"] == ["school", "gender"]
