"""Issue 14 item 8: schemathesis against ``/api/v1/openapi.json`` on a real
HTTP server (werkzeug, loopback): every operation, with a valid token, a
wrong one and none; no 5xx, every response matches the schema (status
codes, content types, headers and bodies as documented)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)
from werkzeug.serving import make_server

from . import cannabis_answers as ca
from .conftest import Env

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def served(env: Env) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a loopback port with answers in the cannabis wave; (base
    URL, header sets by name)."""
    from surveys import accounts

    env.store.import_responses("cannabis-2018", [ca.values(p) for p in ca.PEOPLE])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, env.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    tokens = {"admin": accounts.create_api_token(env.store, env.users["admin"].id),
              "analyst": accounts.create_api_token(env.store, env.users["b"].id)}
    try:
        yield f"http://127.0.0.1:{server.server_port}", {
            "admin": {"Authorization": f"Bearer {tokens['admin']}"},
            "analyst": {"Authorization": f"Bearer {tokens['analyst']}"},
            "wrong token": {"Authorization": "Bearer not-a-token"},
            "no token": {},
        }
    finally:
        server.shutdown()
        thread.join(10)


def test_api_conforms_to_its_schema(served) -> None:
    """Every operation of the document, with generated parameters (hypothesis
    through schemathesis), sent with each set of headers."""
    from hypothesis import given, strategies as st

    base, header_sets = served
    loaded = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) == 8  # the paged raw rows (/responses) and the trend too
    real = st.sampled_from([None, "cannabis-2018", "trygghet-2018", "medborg-2018"])

    def with_real_slug(pair):  # mostly a real wave, sometimes the generated slug
        case, slug = pair
        if slug and case.path_parameters and "slug" in case.path_parameters:
            case.path_parameters["slug"] = slug
        return case

    for operation in operations:
        @given(case=st.tuples(operation.as_strategy(), real).map(with_real_slug))
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case) -> None:
            for headers in header_sets.values():
                case.call_and_validate(base_url=f"{base}/api/v1", headers=headers, checks=CHECKS)

        run()


def test_known_slugs_answer_as_documented(served) -> None:
    """The generated slugs are mostly unknown; the real waves, with every
    download format, are checked here against the same schema."""
    import requests

    base, header_sets = served
    loaded = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    from surveys.exports import FORMATS

    paths = ["/surveys", "/surveys/cannabis-2018", "/surveys/cannabis-2018/progress",
             "/surveys/cannabis-2018/results", "/surveys/cannabis-2018/results?by=school",
             "/surveys/cannabis-2018/downloads", *[f"/surveys/cannabis-2018/downloads/{k}" for k in FORMATS],
             "/surveys/trygghet-2018/results", "/surveys/cannabis-2018/trend", "/surveys/trygghet-2018/trend",
             "/surveys/nope/progress"]
    for name, headers in header_sets.items():
        for path in paths:
            r = requests.get(f"{base}/api/v1{path}", headers=headers, timeout=60)
            assert r.status_code < 500, (name, path)
            operation = loaded.find_operation_by_path("GET", path.split("?")[0])
            assert operation is not None, path
            operation.validate_response(r)
