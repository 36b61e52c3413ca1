"""The OpenAPI 3 description of ``/api/v1/``, served at
``/api/v1/openapi.json``."""
from __future__ import annotations

from typing import Any

from surveys.exports import FORMATS


def _get(summary: str, response: dict[str, Any], params: list[dict[str, Any]] | None = None,
         content: str | dict[str, dict[str, Any]] = "application/json") -> dict[str, Any]:
    """A GET operation; ``content``: the media type of ``response``, or a
    mapping of media types to their own schemas."""
    types = {content: response} if isinstance(content, str) else content
    return {"get": {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            "200": {"description": "OK", "content": {t: {"schema": schema} for t, schema in types.items()}},
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
      "explode": True, "description": "One or two of the instrument's declared group columns to break "
      "the results down by (group questions such as school, grade, gender, area, age_band, and tag groups "
      "such as class, which comes with its school). Anything else, or a pair with more than 300 cells, "
      "gives 400. A cell of respondents without a value has null as its label; hidden cells have null "
      "figures (docs/privacy.md)."}

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
                  "year": {"type": "integer", "description": "The survey year; the previous wave is "
                           "the comparable one with the latest year before it."},
                  "instrument": {"type": "object", "properties": {
                      "id": {"type": "string"}, "version": {"type": "string"},
                      "sha256": {"type": "string"}}}}}
    progress = {"type": "object", "properties": {
        "started": {"type": "integer"}, "submitted": {"type": "integer"},
        "in_progress": {"type": "integer"},
        "imported": {"type": "integer", "description": "Submitted responses imported from a file."},
        "app": {"type": "integer", "description": "Submitted responses collected through the app."},
        "groups": {"type": "array", "items": {"type": "object", "properties": {
            "group": {"type": "string"}, "value": {"type": ["string", "null"],
                                                   "description": "null: no answer"},
            "labels": {"type": "array", "items": {"type": ["string", "null"]},
                       "description": "The cell's labels (a nested group's parent first)."},
            "suppressed": {"type": "boolean"},
            "started": {"type": ["integer", "null"]},
            "submitted": {"type": ["integer", "null"]}}}}}}
    report = {"type": "object", "description": "The object `survey-engine score --format json` "
              "prints (docs/report-json.md: every key, its type and when it is null); every figure has passed the wave's disclosure control "
              "(docs/privacy.md): hidden cells have null figures, a share hidden for a small "
              "numerator has note 'small_numerator'.",
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
    wave_ref = {"type": "object", "properties": {"slug": {"type": "string"}, "label": {"type": "string"},
                                                 "year": {"type": "integer"}}}
    trend = {"type": "object", "description": "This wave and the earlier waves of the same instrument the token "
             "may see that can be compared with it (scales defined the same way, submitted answers), oldest "
             "survey year first. Each series (scale mean, declared share in percent, index) has one point "
             "per wave, its figures through that wave's disclosure control (null when hidden), and one step "
             "per pair of neighbouring waves: the change, the comparison's test (`welch` for a scale, `z` or "
             "`fisher` for a share, none for an index) and its two-sided p; `significant` when p < "
             "`significance_level`. A change between two single years should be read with caution: look at "
             "the development over several waves.",
             "required": ["waves", "series", "significance_level"],
             "properties": {
                 "waves": {"type": "array", "items": wave_ref},
                 "significance_level": {"type": "number"},
                 "series": {"type": "array", "items": {"type": "object", "properties": {
                     "kind": {"type": "string", "enum": ["scale", "share", "index"]},
                     "id": {"type": "string"}, "label": {"type": "object"}, "unit": {"type": "string"},
                     "points": {"type": "array", "items": {"type": "object", "properties": {
                         "slug": {"type": "string"}, "year": {"type": "integer"},
                         "n": {"type": ["integer", "null"]}, "value": {"type": ["number", "null"]},
                         "ci95": {"type": ["array", "null"], "items": {"type": "number"}}}}},
                     "steps": {"type": "array", "items": {"type": "object", "properties": {
                         "from": {"type": "string"}, "to": {"type": "string"},
                         "change": {"type": ["number", "null"]}, "p": {"type": ["number", "null"]},
                         "test": {"type": ["string", "null"]}, "significant": {"type": "boolean"}}}}}}}}}
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
            "/surveys/{slug}/trend": _get("The trend over this wave and its earlier comparable waves",
                                          trend, [SLUG]),
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
                content={m: ({"type": "object"} if m == "application/json" else
                             {"type": "string", "format": "binary"})
                         for m in sorted({f.mimetype for f in FORMATS.values()})}),
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
