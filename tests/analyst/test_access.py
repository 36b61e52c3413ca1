"""Login, rate limit, session end, and who may see what (pages and API)."""
from __future__ import annotations

from .conftest import PASSWORD, Client


def test_login_ok_and_logout(env, client: Client) -> None:
    assert client.get("/analyst/").status_code == 302
    r = client.login("A@Example.se")
    assert r.status_code == 302 and r.headers["Location"].endswith("/analyst/")
    page = client.get("/analyst/").get_data(as_text=True)
    assert "cannabis-2018" in page and "a@example.se" in page
    r = client.post_form("/analyst/", {}, action="/analyst/logout")
    assert r.status_code == 302
    r = client.get("/analyst/")
    assert r.status_code == 302 and "/analyst/login" in r.headers["Location"]


def test_wrong_password_message_and_rate_limit(env, client: Client) -> None:
    r = client.login("a@example.se", "wrong password")
    assert r.status_code == 401
    assert "Fel e-postadress eller lösenord." in r.get_data(as_text=True)
    r = client.login("nobody@example.se", PASSWORD)
    assert "Fel e-postadress eller lösenord." in r.get_data(as_text=True)
    statuses = [client.login("a@example.se", "wrong again").status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429
    # even the right password is refused until the window has passed
    assert client.login("a@example.se").status_code == 429


def test_logout_needs_csrf(env, logged_in) -> None:
    c = logged_in("a")
    assert c.client.post("/analyst/logout").status_code == 400
    assert c.get("/analyst/").status_code == 200


def test_session_expires_when_idle(env, logged_in) -> None:
    c = logged_in("a")
    with c.client.session_transaction() as sess:
        sess["analyst_seen"] -= 31 * 60
    r = c.get("/analyst/cannabis-2018/")
    assert r.status_code == 302 and "/analyst/login" in r.headers["Location"]
    assert c.get("/analyst/").status_code == 302


def test_analyst_sees_only_granted_surveys(env, logged_in) -> None:
    a = logged_in("a")
    listing = a.get("/analyst/").get_data(as_text=True)
    assert "cannabis-2018" in listing and "trygghet-2018" not in listing
    for path in ["/analyst/trygghet-2018/", "/analyst/trygghet-2018/results",
                 "/analyst/trygghet-2018/progress", "/analyst/trygghet-2018/downloads",
                 "/analyst/trygghet-2018/downloads/raw-csv", "/analyst/trygghet-2018/import",
                 "/analyst/cannabis-2018/compare/trygghet-2018", "/analyst/nope/"]:
        assert a.get(path).status_code == 404, path
    r = a.post_form("/analyst/cannabis-2018/", {}, action="/analyst/trygghet-2018/close")
    assert r.status_code == 404
    assert env.store.survey("trygghet-2018").is_open
    admin = logged_in("admin").get("/analyst/").get_data(as_text=True)
    assert all(s in admin for s in ("cannabis-2018", "trygghet-2018", "medborg-2018"))


def test_respondent_cannot_reach_analyst_or_api(env, client: Client) -> None:
    for path in ["/analyst/", "/analyst/cannabis-2018/results",
                 "/analyst/cannabis-2018/downloads/raw-csv", "/analyst/waves/new"]:
        r = client.get(path)
        assert r.status_code == 302 and "/analyst/login" in r.headers["Location"], path
    for path in ["/api/v1/surveys", "/api/v1/surveys/cannabis-2018/results",
                 "/api/v1/surveys/cannabis-2018/downloads/raw-csv"]:
        r = client.get(path)
        assert r.status_code == 401 and r.is_json and "token" in r.get_json()["error"], path
        r = client.get(path, headers={"Authorization": "Bearer not-a-token"})
        assert r.status_code == 401


def test_api_token_sees_only_granted(env, client: Client) -> None:
    from surveys import accounts

    token = accounts.create_api_token(env.store, env.users["b"].id)
    auth = {"Authorization": f"Bearer {token}"}
    r = client.get("/api/v1/surveys", headers=auth)
    assert [s["slug"] for s in r.get_json()["surveys"]] == ["trygghet-2018"]
    assert client.get("/api/v1/surveys/cannabis-2018", headers=auth).status_code == 404
    r = client.get("/api/v1/surveys/cannabis-2018/results", headers=auth)
    assert r.status_code == 404 and r.get_json() == {"error": "no survey 'cannabis-2018'"}
    # the same answer as for a wave that does not exist: nothing is revealed
    assert client.get("/api/v1/surveys/no-such-wave", headers=auth).get_json() == {"error": "no survey 'no-such-wave'"}
    # a wrong method is answered in JSON too, not with the HTML error page
    r = client.client.post("/api/v1/surveys/trygghet-2018/results", headers=auth)
    assert r.status_code == 405 and "error" in r.get_json()
    r = client.client.get("/api/v1/nowhere", headers=auth)
    assert r.status_code == 404 and "error" in r.get_json()
    assert client.get("/api/v1/surveys/trygghet-2018/progress", headers=auth).status_code == 200
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/surveys/{slug}/results" in doc["paths"]
    results = doc["paths"]["/surveys/{slug}/results"]["get"]
    assert {"200", "400", "401", "404", "409"} <= set(results["responses"])
    assert [q["name"] for q in results["parameters"]] == ["slug", "by", "compare"]
    # every reference points at a component the document holds
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    assert refs
    for ref in refs:
        target: object = doc
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, ref
            target = target[part]
