"""The ``survey`` sheet: groups become pages, rows become items, ``relevant``
and ``constraint`` become conditions and bounds (``expressions``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from surveys.xlsform import expressions as ex
from surveys.xlsform.choices import ChoiceList, _bool, _unknown_columns
from surveys.xlsform.context import NAME_RE, Context
from surveys.xlsform.sheets import Row, Sheet

SUPPORTED_TYPES = ("text, integer, decimal, select_one LIST, select_multiple LIST (each may end in or_other), "
                   "note, begin group, end group")
SURVEY_COLUMNS = {"type", "name", "required", "relevant", "constraint", "appearance", "group",
                  "options_from", "reconstructed", "page_id", "max_length", "decimals"}
GROUPS = ("school", "grade", "gender", "area", "age_band")
#: Bounds of an integer question whose constraint gives none.
DEFAULT_MIN, DEFAULT_MAX = 0, 999_999
#: Decimal places of a decimal question when neither a ``decimals`` column
#: nor its constraint's bounds say (stored exactly as value * 10**decimals).
DEFAULT_DECIMALS, MAX_DECIMALS = 2, 3
OTHER_CODE = 99
OTHER_LABEL = {"sv": "Annat", "en": "Other", "ar": "أخرى"}
OTHER_TEXT = {"sv": "Ange annat", "en": "Please specify", "ar": "يرجى التحديد"}


# -- survey -------------------------------------------------------------------------------

@dataclass
class _Page:
    doc: dict[str, Any]
    row: int
    implicit: bool = False
    notes: list[Row] = field(default_factory=list)
    #: Notes with their own ``relevant``: {id, text, show_if} documents.
    shown_if: list[dict[str, Any]] = field(default_factory=list)


class SurveyReader:
    """Turns the ``survey`` sheet into pages and items."""

    def __init__(self, ctx: Context, sheet: Sheet, lists: dict[str, ChoiceList],
                 response_scales: dict[str, Any]) -> None:
        self.ctx, self.sheet, self.lists = ctx, sheet, lists
        self.scales = response_scales
        self.pages: list[_Page] = []
        self.page: _Page | None = None
        self.depth = 0
        self.questions: dict[str, ex.QuestionInfo] = {}
        self.names: dict[str, int] = {}
        self.pending_notes: list[Row] = []
        self.pending_shown_if: list[dict[str, Any]] = []
        self.description: dict[str, str] | None = None

    def err(self, row: Row, column: str, message: str, key: str = "", /, **params: Any) -> None:
        self.ctx.error(self.sheet.name, row.number, self.sheet.header(column), message, key, **params)

    def run(self) -> list[dict[str, Any]]:
        _unknown_columns(self.ctx, self.sheet, SURVEY_COLUMNS)
        for row in self.sheet.rows:
            self.row(row)
        if self.depth > 0 and self.page is not None:
            self.ctx.error(self.sheet.name, self.page.row, self.sheet.header("type"),
                           "this group is never ended: add a row 'end group'", "group_unended")
        self.close_page()
        if self.pending_notes or self.pending_shown_if:
            number = min([r.number for r in self.pending_notes]
                         + [self.names[n["id"]] for n in self.pending_shown_if])
            row = Row(self.sheet.name, number, {})
            self.err(row, "type", "a note after the last question has no page to introduce; "
                                  "move it into a group before a question", "note_last")
        return [p.doc for p in self.pages]

    # pages
    def open_page(self, row: Row, implicit: bool) -> None:
        p = len(self.pages)
        if implicit:
            doc: dict[str, Any] = {"id": f"page_{p + 1}", "title": None, "items": []}
        else:
            name = row.text("name")
            pid = row.text("page_id") or name
            if not NAME_RE.match(pid or ""):
                self.err(row, "page_id" if row.text("page_id") else "name",
                         f"the group name '{pid}' must be lower-case letters, digits and _, "
                         "starting with a letter (it becomes the page id)", "group_name_format", name=pid)
            doc = {"id": pid, "title": self.ctx.texts(self.sheet, row, "label"), "items": []}
            self.ctx.at(("pages", p), self.sheet.name, row.number, self.sheet.header("name"))
            self.ctx.at(("pages", p, "id"), self.sheet.name, row.number, self.sheet.header("name"))
            self.ctx.at(("pages", p, "title"), self.sheet.name, row.number, "label")
            if doc["title"] is None:
                doc["title"] = {self.ctx.default_language: pid}
                self.ctx.note(self.sheet.name, row.number, "label",
                              f"note: group '{pid}' has no label; its name is used as the page title",
                              "note_group_label", group=pid)
            if row.text("relevant"):
                cond = self.condition(row)
                if cond is not None:
                    doc["show_if"] = cond
                    self.ctx.at(("pages", p, "show_if"), self.sheet.name, row.number,
                                self.sheet.header("relevant"))
        self.page = _Page(doc, row.number, implicit, list(self.pending_notes), list(self.pending_shown_if))
        self.pending_notes, self.pending_shown_if = [], []
        self.pages.append(self.page)

    def close_page(self) -> None:
        page = self.page
        self.page = None
        if page is None:
            return
        p = len(self.pages) - 1
        if page.notes:
            intro: dict[str, list[str]] = {}
            for note in page.notes:
                for lang, text in (self.ctx.texts(self.sheet, note, "label") or {}).items():
                    intro.setdefault(lang, []).append(text)
            if intro:
                page.doc["intro"] = {lang: "\n\n".join(parts) for lang, parts in intro.items()}
                self.ctx.at(("pages", p, "intro"), self.sheet.name, page.notes[0].number, "label")
        if page.shown_if and page.doc["items"]:
            items = page.doc.pop("items")
            page.doc["notes"] = page.shown_if
            page.doc["items"] = items
        if not page.doc["items"]:
            if not page.implicit and p == 0 and "intro" in page.doc and self.description is None:
                # A group of notes before the first question: the welcome text.
                self.description = page.doc["intro"]
                self.ctx.at(("description",), self.sheet.name, page.notes[0].number, "label")
                self.pages.pop()
                return
            if page.implicit:
                self.pages.pop()
                self.pending_notes = page.notes + self.pending_notes
                self.pending_shown_if = page.shown_if + self.pending_shown_if
                return
            self.ctx.error(self.sheet.name, page.row, self.sheet.header("type"),
                           f"group '{page.doc['id']}' has no questions; a group is one page and needs at "
                           "least one question (its notes become the page's introduction)", "group_empty",
                           group=page.doc["id"])

    def row(self, row: Row) -> None:
        raw = " ".join(row.text("type").split())
        kind = raw.lower().replace("_", " ")
        if not raw:
            self.err(row, "type", "the type is empty; write e.g. text, integer or select_one LIST", "type_empty")
            return
        if kind in ("begin group", "begin repeat", "end group", "end repeat"):
            if "repeat" in kind:
                self.err(row, "type", f"'{raw}' is not supported: a questionnaire here has no repeats; "
                                      "ask each question once", "repeat", type=raw)
                return
            if kind == "begin group":
                if self.depth > 0:
                    self.err(row, "type", "groups inside groups are not supported: a group is one page; "
                                          "end the outer group first", "group_nested")
                    self.depth += 1
                    return
                if self.page is not None:
                    self.close_page()
                self.depth = 1
                self.open_page(row, implicit=False)
            else:
                if self.depth == 0:
                    self.err(row, "type", "'end group' without a 'begin group' above it", "group_end_alone")
                    return
                self.depth -= 1
                if self.depth == 0:
                    self.close_page()
            return
        if kind == "note":
            if row.text("relevant"):
                self.conditional_note(row)
            else:
                (self.page.notes if self.page is not None else self.pending_notes).append(row)
            return
        if self.page is None:
            self.open_page(row, implicit=True)
        self.question(row, raw)

    def conditional_note(self, row: Row) -> None:
        """A note with its own ``relevant``: shown where it stands (below the
        question before it on its page, or at the top) when the condition holds."""
        name = row.text("name") or f"note_{row.number}"
        if not self.claim(row, name):
            return
        try:
            cond = ex.to_condition(ex.parse(row.text("relevant")), self.questions)
        except ex.ExpressionError as exc:
            self.err(row, "relevant", str(exc), exc.key, **exc.params)
            return
        text = self.ctx.texts(self.sheet, row, "label")
        if not text:
            self.err(row, "label", f"note '{name}' has no label (its text)", "note_no_label", name=name)
            return
        items = self.page.doc["items"] if self.page is not None else []
        note = {"id": name, **({"after": items[-1]["id"]} if items else {}), "show_if": cond, "text": text}
        (self.page.shown_if if self.page is not None else self.pending_shown_if).append(note)

    def claim(self, row: Row, name: str) -> bool:
        """Take ``name`` for the question or note on ``row``; False after
        reporting a bad or already used name."""
        if not NAME_RE.match(name):
            self.err(row, "name", f"the name '{name}' must be lower-case letters, digits and _, "
                                  "starting with a letter (e.g. q1)", "name_format", name=name)
            return False
        if name in self.names:
            self.err(row, "name", f"the name '{name}' is also used on row {self.names[name]}; names must be unique",
                     "name_taken", name=name, other_row=self.names[name])
            return False
        self.names[name] = row.number
        return True

    # questions
    def question(self, row: Row, raw: str) -> None:
        words = _canonical_type(raw).split()
        base = words[0].lower()
        name = row.text("name")
        if not name:
            self.err(row, "name", "the question has no name; give it a short id such as q1", "name_missing")
            return
        if not self.claim(row, name):
            return
        assert self.page is not None
        p = len(self.pages) - 1
        i = len(self.page.doc["items"])
        path = ("pages", p, "items", i)
        item: dict[str, Any] = {"id": name}
        self.ctx.at(path, self.sheet.name, row.number, self.sheet.header("name"))
        or_other = False
        if base in ("select_one", "select_multiple", "select"):
            if base == "select" and len(words) > 1 and words[1].lower() in ("one", "multiple"):
                base = f"select_{words[1].lower()}"
                words = [base] + words[2:]
            if base == "select":
                self.err(row, "type", f"'{raw}' is not a supported type; supported: {SUPPORTED_TYPES}",
                         "type_unsupported", type=raw)
                return
            rest = words[1:]
            if rest and rest[-1].lower() == "or_other":
                or_other = True
                rest = rest[:-1]
            if len(rest) != 1:
                self.err(row, "type", f"write '{base} LIST' with the name of a list on the choices sheet",
                         "list_missing", type=base)
                return
            item["kind"] = "single" if base == "select_one" else "multi"
            lname = rest[0]
        elif base in ("text", "integer", "int") and len(words) == 1:
            item["kind"] = "text" if base == "text" else "number"
            lname = None
        elif base == "decimal" and len(words) == 1:
            item["kind"] = "number"
            lname = None
            if not self.decimals(row, item):
                return
        else:
            self.err(row, "type", f"'{raw}' is not a supported type; supported: {SUPPORTED_TYPES}",
                     "type_unsupported", type=raw)
            return
        self.ctx.at(path + ("kind",), self.sheet.name, row.number, self.sheet.header("type"))
        text = self.ctx.texts(self.sheet, row, "label")
        if not text and not self.ctx.bad_languages:
            self.err(row, "label", f"question '{name}' has no label (its text)", "label_missing", name=name)
            text = {}
        item["text"] = text
        self.ctx.at(path + ("text",), self.sheet.name, row.number, "label")
        help_ = self.ctx.texts(self.sheet, row, "hint")
        if help_:
            item["help"] = help_
            self.ctx.at(path + ("help",), self.sheet.name, row.number, "hint")
        for column, key in (("required", "required"), ("reconstructed", "reconstructed")):
            if row.text(column):
                flag = _bool(row.text(column))
                if flag is None:
                    self.err(row, column, f"'{row.text(column)}' is not yes or no", "not_yes_no",
                             value=row.text(column))
                else:
                    item[key] = flag
        if row.text("group"):
            group = row.text("group")
            if group not in GROUPS:
                self.err(row, "group", f"'{group}' is not a group variable; use one of {', '.join(GROUPS)}",
                         "group_unknown", group=group, groups=", ".join(GROUPS))
            else:
                item["group"] = group
                self.ctx.at(path + ("group",), self.sheet.name, row.number, self.sheet.header("group"))
        preset = False
        if row.text("options_from"):
            value = row.text("options_from")
            if value not in ("scale", "preset"):
                self.err(row, "options_from", "write preset (the wave's list, e.g. schools) or scale",
                         "options_from")
            else:
                item["options_from"] = value
                preset = value == "preset"
        codes: dict[str, int] = {}
        if lname is not None:
            if lname not in self.lists:
                self.err(row, "type", f"there is no list '{lname}' on the choices sheet", "list_unknown",
                         list=lname)
                return
            if not preset:
                codes = dict(self.lists[lname].codes)
                sid = lname
                if or_other:
                    sid, other_code = self.other_scale(lname, item["kind"])
                    codes["other"] = other_code
                item["scale"] = sid
                self.ctx.at(path + ("scale",), self.sheet.name, row.number, self.sheet.header("type"))
        elif or_other:
            self.err(row, "type", "or_other belongs after a list name: select_one LIST or_other",
                     "or_other_alone")
        self.constraint(row, item, path)
        if row.text("appearance"):
            if row.text("appearance").lower() == "multiline" and item["kind"] == "text":
                item["multiline"] = True
        if row.text("relevant"):
            cond = self.condition(row)
            if cond is not None:
                item["show_if"] = cond
                self.ctx.at(path + ("show_if",), self.sheet.name, row.number, self.sheet.header("relevant"))
        order = ("id", "kind", "scale", "group", "options_from", "required", "min", "max", "decimals", "max_length",
                 "multiline", "reconstructed", "show_if", "text", "help", "constraint_message")
        self.page.doc["items"].append({k: item[k] for k in order if k in item})
        self.questions[name] = ex.QuestionInfo(item["kind"], codes, item.get("min"), item.get("max"),
                                               item.get("decimals", 0))
        if or_other:
            self.add_other_text(row, name, codes["other"])

    def other_scale(self, lname: str, kind: str) -> tuple[str, int]:
        """A response scale ``<list>_or_other`` (``<list>_multi_or_other`` for
        select_multiple, whose "other" option opens a text field): the list
        plus an "other" option."""
        sid = f"{lname}_or_other" if kind == "single" else f"{lname}_multi_or_other"
        used = [o["code"] for o in self.lists[lname].options]
        code = OTHER_CODE if OTHER_CODE not in used and max(used, default=0) < OTHER_CODE else max(used) + 1
        if sid not in self.scales:
            label = {k: v for k, v in OTHER_LABEL.items() if k == "sv" or k in self.ctx.languages}
            option: dict[str, Any] = {"code": code, "label": label}
            if kind == "multi":
                option["other"] = True
            self.scales[sid] = {"options": [dict(o) for o in self.lists[lname].options] + [option]}
        return sid, code

    def add_other_text(self, row: Row, name: str, code: int) -> None:
        other = f"{name}_other"
        if other in self.names:
            self.err(row, "type", f"or_other adds a text question '{other}', but that name is already used",
                     "or_other_taken", name=other)
            return
        self.names[other] = row.number
        text = {k: v for k, v in OTHER_TEXT.items() if k == "sv" or k in self.ctx.languages}
        assert self.page is not None
        self.page.doc["items"].append({"id": other, "kind": "text", "show_if": {"item": name, "in": [code]},
                                       "text": text})
        self.questions[other] = ex.QuestionInfo("text", {})

    def decimals(self, row: Row, item: dict[str, Any]) -> bool:
        """The decimal places of a decimal question: the ``decimals`` column,
        else the most places its constraint's bounds use (at least 1), else
        DEFAULT_DECIMALS. False after reporting a problem."""
        written = row.text("decimals")
        if written:
            if written not in {str(k) for k in range(1, MAX_DECIMALS + 1)}:
                self.err(row, "decimals", f"'{written}' is not a number of decimal places; write 1, 2 or 3",
                         "decimals_invalid", value=written)
                return False
            item["decimals"] = int(written)
            return True
        places = 0
        try:
            places = ex.bound_places(ex.parse(row.text("constraint"))) if row.text("constraint") else 0
        except ex.ExpressionError:
            pass  # reported with the constraint
        if places > MAX_DECIMALS:
            self.err(row, "constraint", f"the bounds have {places} decimal places; at most {MAX_DECIMALS} "
                                        "are supported", "decimals_too_many", places=places, max=MAX_DECIMALS)
            return False
        item["decimals"] = places or DEFAULT_DECIMALS
        if not places:
            self.ctx.note(self.sheet.name, row.number, self.sheet.header("type"),
                          f"note: decimal '{row.text('name')}' takes answers with up to {DEFAULT_DECIMALS} "
                          "decimals (write 1, 2 or 3 in a 'decimals' column to change)", "note_decimal_places",
                          item=row.text("name"), decimals=DEFAULT_DECIMALS)
        return True

    def constraint(self, row: Row, item: dict[str, Any], path: tuple) -> None:
        text = row.text("constraint")
        message = self.ctx.texts(self.sheet, row, "constraint_message")
        kind = item["kind"]
        if text:
            try:
                node = ex.parse(text)
                if kind == "number" and item.get("decimals"):
                    lo, hi = ex.decimal_bounds(node, item["decimals"])
                    if lo is not None:
                        item["min"] = lo
                    if hi is not None:
                        item["max"] = hi
                elif kind == "number":
                    lo, hi = ex.number_bounds(node)
                    if lo is not None:
                        item["min"] = lo
                    if hi is not None:
                        item["max"] = hi
                elif kind == "text":
                    item["max_length"] = ex.text_max_length(node)
                else:
                    raise ex.ExpressionError("only integer, decimal and text questions take a constraint here",
                                             "constraint_kind")
            except ex.ExpressionError as exc:
                self.err(row, "constraint", f"{exc}", exc.key, **exc.params)
                return
            self.ctx.at(path + ("min",), self.sheet.name, row.number, self.sheet.header("constraint"))
            self.ctx.at(path + ("max",), self.sheet.name, row.number, self.sheet.header("constraint"))
            self.ctx.at(path + ("max_length",), self.sheet.name, row.number, self.sheet.header("constraint"))
        if kind == "number" and ("min" not in item or "max" not in item):
            item.setdefault("min", DEFAULT_MIN)
            item.setdefault("max", DEFAULT_MAX)
            self.ctx.note(self.sheet.name, row.number, self.sheet.header("constraint"),
                          f"note: {'decimal' if item.get('decimals') else 'integer'} '{item['id']}' has no "
                          "upper or lower bound; "
                          f"{item['min']}-{item['max']} is used (write e.g. . >= 0 and . <= 120)",
                          "note_decimal_bounds" if item.get("decimals") else "note_integer_bounds",
                          item=item["id"], min=item["min"], max=item["max"])
        if message:
            if kind == "number":
                item["constraint_message"] = message
                self.ctx.at(path + ("constraint_message",), self.sheet.name, row.number, "constraint_message")
            else:
                self.err(row, "constraint_message", "only an integer question takes a constraint message here "
                                                    "(the engine words the other messages itself)",
                         "constraint_message_integer")

    def condition(self, row: Row) -> dict[str, Any] | None:
        try:
            return ex.to_condition(ex.parse(row.text("relevant")), self.questions)
        except ex.ExpressionError as exc:
            self.err(row, "relevant", str(exc), exc.key, **exc.params)
            return None


def _canonical_type(raw: str) -> str:
    """pyxform's long spellings in their short form (``select one from L`` -> ``select_one L``)."""
    text = re.sub(r"\s+or specify other$", " or_other", raw, flags=re.IGNORECASE)
    text = re.sub(r"^select all that apply(?: from)?\s+", "select_multiple ", text, flags=re.IGNORECASE)
    text = re.sub(r"^select one(?: from)?\s+", "select_one ", text, flags=re.IGNORECASE)
    return text
