"""The OpenAPI 3 description of ``/api/v1/``, served at
``/api/v1/openapi.json``."""
from __future__ import annotations

from typing import Any

from surveys.exports import FORMATS


def _get(summary: str, response: dict[str, Any], params: list[dict[str, Any]] | None = None,
         content: str = "application/json") -> dict[str, Any]:
    return {"get": {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            "200": {"description": "OK", "content": {content: {"schema": response}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "404": {"$ref": "#/components/responses/NotFound"},
        },
    }}


def _with_refusals(path: dict[str, Any]) -> dict[str, Any]:
    """``path`` with the 400 and 409 answers of the results endpoint."""
    path["get"]["responses"].update({"400": {"$ref": "#/components/responses/BadRequest"},
                                     "409": {"$ref": "#/components/responses/Conflict"}})
    return path


SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "The wave's slug."}
BY = {"name": "by", "in": "query", "required": False,
      "schema": {"type": "array", "items": {"type": "string"}}, "style": "form",
      "explode": True, "description": "Group columns to break the results down by "
      "(school, grade, gender, area, age_band)."}

COMPARE = {"name": "compare", "in": "query", "required": False, "schema": {"type": "string"},
           "description": "The earlier wave to compare with (its slug), or '-' for none. Without it the "
           "previous wave of the same instrument whose scales are defined the same way is used, as on "
           "the results page; `compared_with` names it and `not_compared` the more recent earlier waves "
           "passed over. An explicit wave that cannot be compared gives 409."}


def document() -> dict[str, Any]:
    """The OpenAPI document as a dict."""
    survey = {"type": "object", "required": ["slug", "label", "instrument", "mode", "open"],
              "properties": {
                  "slug": {"type": "string"}, "label": {"type": "string"},
                  "mode": {"type": "string", "enum": ["codes", "open"]},
                  "open": {"type": "boolean"},
                  "instrument": {"type": "object", "properties": {
                      "id": {"type": "string"}, "version": {"type": "string"},
                      "sha256": {"type": "string"}}}}}
    progress = {"type": "object", "properties": {
        "started": {"type": "integer"}, "submitted": {"type": "integer"},
        "groups": {"type": "array", "items": {"type": "object", "properties": {
            "group": {"type": "string"}, "value": {"type": "string"},
            "suppressed": {"type": "boolean"},
            "started": {"type": ["integer", "null"]},
            "submitted": {"type": ["integer", "null"]}}}}}}
    report = {"type": "object", "description": "The object `survey-engine score --format json` "
              "prints (see DESIGN.md); aggregates are suppressed.",
              "required": ["instrument", "n_respondents", "scales", "shares"],
              "properties": {"instrument": {"type": "object"},
                             "n_respondents": {"type": "integer"},
                             "scales": {"type": "object"}, "shares": {"type": "object"},
                             "indices": {"type": "object"},
                             "comparison": {"type": "object", "description": "Change since `compared_with`."},
                             "compared_with": {"type": ["object", "null"], "properties": {
                                 "slug": {"type": "string"}, "label": {"type": "string"},
                                 "automatic": {"type": "boolean"}}},
                             "not_compared": {"type": "array", "items": {"type": "object", "properties": {
                                 "slug": {"type": "string"}, "label": {"type": "string"},
                                 "reason": {"type": "string"}, "reason_code": {"type": "string"}}}}}}
    fmt = {"name": "format", "in": "path", "required": True,
           "schema": {"type": "string", "enum": sorted(FORMATS)}}
    error = {"type": "object", "properties": {"error": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "survey-engine API", "version": "1",
                 "description": "Waves, their progress, scored results and downloads. "
                 "Authenticate with `Authorization: Bearer <token>` "
                 "(`survey-engine users token EMAIL`)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/surveys": _get("The waves this token may see",
                             {"type": "object", "properties": {
                                 "surveys": {"type": "array", "items": survey}}}),
            "/surveys/{slug}": _get("One wave", survey, [SLUG]),
            "/surveys/{slug}/progress": _get("Started and submitted responses per group "
                                             "(small groups hidden)", progress, [SLUG]),
            "/surveys/{slug}/results": _with_refusals(_get("Scored results", report, [SLUG, BY, COMPARE])),
            "/surveys/{slug}/responses": _with_refusals(_get(
                "The raw rows (as the raw downloads: text sanitised, the week not the day), "
                "one page at a time; `next` is the following page or null",
                {"type": "object", "properties": {
                    "total": {"type": "integer"}, "offset": {"type": "integer"},
                    "limit": {"type": "integer"}, "next": {"type": ["string", "null"]},
                    "variables": {"type": "array", "items": {"type": "object"}},
                    "rows": {"type": "array", "items": {"type": "array"}}}},
                [SLUG, {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                 {"name": "limit", "in": "query",
                  "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}])),
            "/surveys/{slug}/downloads": _get(
                "The downloads of a wave",
                {"type": "object", "properties": {"downloads": {"type": "array", "items": {
                    "type": "object", "properties": {
                        "format": {"type": "string"}, "title": {"type": "string"},
                        "filename": {"type": "string"}, "url": {"type": "string"}}}}}},
                [SLUG]),
            "/surveys/{slug}/downloads/{format}": _get(
                "One download (raw answers, codebook or scored results)",
                {"type": "string", "format": "binary"}, [SLUG, fmt],
                content="application/octet-stream"),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Unauthorized": {"description": "Missing or wrong token",
                                 "content": {"application/json": {"schema": error}}},
                "NotFound": {"description": "No such wave, or not granted to this token",
                             "content": {"application/json": {"schema": error}}},
                "BadRequest": {"description": "An unknown breakdown, more than two, or a wave "
                               "compared with itself", "content": {"application/json": {"schema": error}}},
                "Conflict": {"description": "The wave asked for under `compare` cannot be compared "
                             "(its scales are defined differently)",
                             "content": {"application/json": {"schema": error}}},
            },
        },
    }
