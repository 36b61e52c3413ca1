"""Meaning checks for an instrument file that already has the right shape.

The JSON Schema (``instruments/instrument.schema.json``) checks the shape; this
module checks what a schema cannot: that references resolve, codes exist on
the right response scale, conditions look back, cut points and levels rise,
and every text has Swedish. It works on the parsed YAML (plain dicts and
lists), so each problem can carry the field path of the offending value; the
loader turns paths into line numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

Path = tuple[str | int, ...]
REQUIRED_LANGUAGE = "sv"
CHOICE_KINDS = ("single", "multi")
N_CUT_POINTS = 6
INDEX_MAX = 6


@dataclass(frozen=True)
class Problem:
    """One meaning error: where (field path) and what."""

    path: Path
    message: str
    #: The case (for wording the message in another language) and its values.
    key: str = field(default="", compare=False)
    params: dict[str, Any] = field(default_factory=dict, compare=False)


def format_path(path: Path) -> str:
    """``('scales', 'restrictive', 'reversed', 2)`` -> ``scales.restrictive.reversed[2]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


@dataclass
class _ItemRef:
    item: dict[str, Any]
    path: Path
    position: int
    page: int


def check(data: dict[str, Any]) -> list[Problem]:
    """Every meaning problem of an instrument document (shape already valid)."""
    return _Checker(data).run()


class _Checker:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[Problem] = []
        self.scales: dict[str, Any] = data.get("response_scales", {})
        self.items: dict[str, _ItemRef] = {}

    def add(self, path: Path, key: str, template: str, **params: Any) -> None:
        """Record a problem: ``key`` names the case, ``template`` words it in
        English (%-style, filled with ``params``)."""
        self.problems.append(Problem(path, template % params, key, params))

    def run(self) -> list[Problem]:
        self.check_languages()
        self.check_texts()
        self.check_response_scales()
        self.collect_items()
        self.check_items()
        self.check_scales()
        self.check_shares()
        self.check_indices()
        self.check_tag_groups()
        return self.problems

    # -- languages and texts -------------------------------------------------
    def check_languages(self) -> None:
        langs = self.data["languages"]
        if REQUIRED_LANGUAGE not in langs:
            self.add(("languages",), 'include_swedish_required',
                     "must include '%(required_language)s' (Swedish is required)",
                     required_language=REQUIRED_LANGUAGE)
        seen: set[str] = set()
        for i, lang in enumerate(langs):
            if lang in seen:
                self.add(("languages", i), 'language_listed_twice',
                         "language '%(lang)s' is listed twice", lang=lang)
            seen.add(lang)

    def check_texts(self) -> None:
        langs = set(self.data["languages"])
        for path, text in _texts(self.data):
            if not str(text.get(REQUIRED_LANGUAGE, "")).strip():
                self.add(path, 'missing_swedish_text',
                         'missing Swedish text (%(required_language)s)', required_language=REQUIRED_LANGUAGE)
            for lang in text:
                if lang not in langs and lang != REQUIRED_LANGUAGE:
                    self.add(path + (lang,), 'language_declared_languages',
                             "language '%(lang)s' is not declared in languages", lang=lang)

    # -- response scales -----------------------------------------------------
    def check_response_scales(self) -> None:
        for sid, scale in self.scales.items():
            base: Path = ("response_scales", sid)
            first: dict[int, int] = {}
            for i, opt in enumerate(scale["options"]):
                code = opt["code"]
                if code in first:
                    self.add(base + ("options", i, "code"), 'duplicate_code_also',
                             'duplicate code %(code)s (also options[%(first)s])', code=code, first=first[code])
                else:
                    first[code] = i
            for i, code in enumerate(scale.get("missing_codes", [])):
                if code not in first:
                    self.add(base + ("missing_codes", i), 'code_option',
                             'code %(code)s is not an option of this scale', code=code)
            if not [c for c in first if c not in scale.get("missing_codes", [])]:
                self.add(base + ("options",), 'needs_at_least',
                         'needs at least one code that is not a missing code')

    def codes_of(self, item: dict[str, Any]) -> tuple[str, list[int]] | None:
        """(scale id, codes) of a choice item, or None when it cannot be known."""
        sid = item.get("scale")
        if item.get("options_from") == "preset" or sid not in self.scales:
            return None
        return sid, [o["code"] for o in self.scales[sid]["options"]]

    # -- items and pages -----------------------------------------------------
    def collect_items(self) -> None:
        pages_seen: dict[str, int] = {}
        position = 0
        for p, page in enumerate(self.data["pages"]):
            if page["id"] in pages_seen:
                self.add(("pages", p, "id"), 'duplicate_page_id',
                         "duplicate page id '%(id)s' (also pages[%(pages_seen)s])",
                         id=page['id'], pages_seen=pages_seen[page['id']])
            else:
                pages_seen[page["id"]] = p
            for i, item in enumerate(page["items"]):
                path: Path = ("pages", p, "items", i)
                iid = item["id"]
                if iid in self.items:
                    self.add(path + ("id",), 'duplicate_id_also',
                             "duplicate item id '%(iid)s' (also %(format_path)s)",
                             iid=iid, format_path=format_path(self.items[iid].path))
                else:
                    self.items[iid] = _ItemRef(item, path, position, p)
                position += 1

    def check_items(self) -> None:
        groups: dict[str, str] = {}
        position = 0
        for p, page in enumerate(self.data["pages"]):
            if "show_if" in page:
                self.check_condition(page["show_if"], ("pages", p, "show_if"), before_page=p)
            on_page = {item["id"] for item in page["items"]}
            for k, note in enumerate(page.get("notes", [])):
                npath: Path = ("pages", p, "notes", k)
                if note["id"] in self.items:
                    self.add(npath + ("id",), 'note_id_also',
                             "note id '%(id)s' is also an item's id", id=note['id'])
                after = note.get("after")
                if after is not None and after not in on_page:
                    self.add(npath + ("after",), 'note_after_unknown',
                             "'%(after)s' is not an item of this page", after=after)
                elif after is not None:
                    # below item `after`: its condition may read that item and any earlier one
                    self.check_condition(note["show_if"], npath + ("show_if",),
                                         before_position=self.items[after].position)
                else:
                    self.check_condition(note["show_if"], npath + ("show_if",), before_page=p)
            for i, item in enumerate(page["items"]):
                path: Path = ("pages", p, "items", i)
                self.check_item(item, path)
                group = item.get("group")
                if group:
                    if group in groups:
                        self.add(path + ("group",), 'group_already_asked_2',
                                 "group '%(group)s' is already asked by item '%(groups)s'",
                                 group=group, groups=groups[group])
                    else:
                        groups[group] = item["id"]
                if "show_if" in item:
                    self.check_condition(item["show_if"], path + ("show_if",),
                                         before_position=position, owner=item["id"])
                position += 1

    def check_item(self, item: dict[str, Any], path: Path) -> None:
        kind = item["kind"]
        preset = item.get("options_from") == "preset"
        if preset and not (kind == "single" and item.get("group")):
            self.add(path + ("options_from",), 'options_from_preset',
                     'options_from: preset needs a single item with a group')
        if item.get("group") and kind != "single":
            self.add(path + ("group",), 'group_kind_single',
                     'a group item must be kind single, not %(kind)s', kind=kind)
        if kind in CHOICE_KINDS:
            sid = item.get("scale")
            if sid is None and not preset:
                self.add(path, 'needs_response_field',
                         "a %(kind)s item needs a response scale (field 'scale')", kind=kind)
            elif sid is not None and sid not in self.scales:
                self.add(path + ("scale",), 'unknown_response', "unknown response scale '%(sid)s'", sid=sid)
            elif sid is not None and kind == "single" and self._has_other(sid):
                self.add(path + ("scale",), 'response_has_other',
                         "response scale '%(sid)s' has an 'other' option, which only a multi item can use",
                         sid=sid)
            elif sid is not None and kind == "multi" and self._has_other(sid):
                other = self.items.get(f"{item['id']}_other")
                if other is None or other.item["kind"] != "text":
                    self.add(path + ("scale",), 'response_has_other_2',
                             "response scale '%(sid)s' has an 'other' option: add a text item '%(id)s_other'",
                             sid=sid, id=item['id'])
        elif "scale" in item:
            self.add(path + ("scale",), 'takes_no_response', 'a %(kind)s item takes no response scale', kind=kind)
        if kind == "number":
            if "min" not in item or "max" not in item:
                self.add(path, 'number_needs_min', 'a number item needs min and max')
            elif item["min"] > item["max"]:
                self.add(path + ("max",), 'max_below_min',
                         'max %(max)s is below min %(min)s', max=item['max'], min=item['min'])
            places = item.get("decimals", 0)
            for key in ("min", "max"):
                if key in item and not _has_places(item[key], places):
                    if places:
                        self.add(path + (key,), 'decimals_too_many',
                                 '%(value)s has more decimal places than decimals: %(places)s',
                                 value=item[key], places=places)
                    else:
                        self.add(path + (key,), 'not_whole_bound',
                                 '%(value)s is not a whole number; add decimals: 1, 2 or 3', value=item[key])
        else:
            for key in ("min", "max", "decimals"):
                if key in item:
                    self.add(path + (key,), 'only_number_takes', 'only a number item takes %(key)s', key=key)
        if kind != "number" and "constraint_message" in item:
            self.add(path + ("constraint_message",), 'only_number_takes',
                     'only a number item takes %(key)s', key='constraint_message')
        if kind != "text":
            for key in ("max_length", "multiline"):
                if key in item:
                    self.add(path + (key,), 'only_text_takes', 'only a text item takes %(key)s', key=key)

    def _has_other(self, sid: str) -> bool:
        return any(o.get("other") for o in self.scales[sid]["options"])

    def check_condition(self, cond: dict[str, Any], path: Path, *, before_position: int | None = None,
                        before_page: int | None = None, owner: str | None = None) -> None:
        combined = [k for k in ("all_of", "any_of") if k in cond]
        leaf = [k for k in ("item", "in", "not_in") if k in cond]
        if combined and leaf or len(combined) > 1:
            self.add(path, 'condition_either_with',
                     'a condition is either item with in/not_in, or all_of, or any_of')
            return
        for key in combined:
            for k, sub in enumerate(cond[key]):
                self.check_condition(sub, path + (key, k), before_position=before_position,
                                     before_page=before_page, owner=owner)
        if combined:
            return
        if "item" not in cond:
            self.add(path, 'condition_needs', 'a condition needs an item')
            return
        if ("in" in cond) == ("not_in" in cond):
            self.add(path, 'condition_needs_exactly', 'a condition needs exactly one of in and not_in')
            return
        iid = cond["item"]
        ref = self.items.get(iid)
        if ref is None:
            self.add(path + ("item",), 'unknown_item', "unknown item '%(iid)s'", iid=iid)
            return
        if iid == owner:
            self.add(path + ("item",), 'cannot_depend_on', "item '%(iid)s' cannot depend on itself", iid=iid)
            return
        if before_position is not None and ref.position > before_position:
            self.add(path + ("item",), 'comes_later_condition',
                     "item '%(iid)s' comes later; a condition may only name an earlier item", iid=iid)
            return
        if before_page is not None and ref.page >= before_page:
            self.add(path + ("item",), 'on_earlier_page', "item '%(iid)s' is not on an earlier page", iid=iid)
            return
        key = "in" if "in" in cond else "not_in"
        kind = ref.item["kind"]
        if kind == "text":
            self.add(path + ("item",), 'text_condition_needs',
                     "item '%(iid)s' is a text item; a condition needs a choice or number item", iid=iid)
        elif kind == "number" and ref.item.get("decimals"):
            self.add(path + ("item",), 'decimal_number_condition',
                     "item '%(iid)s' is a decimal number item; a condition needs a choice or whole-number item",
                     iid=iid)
        elif kind == "number":
            lo, hi = ref.item.get("min"), ref.item.get("max")
            for k, code in enumerate(cond[key]):
                if lo is not None and hi is not None and not lo <= code <= hi:
                    self.add(path + (key, k), 'outside_range',
                             "%(code)s is outside the range %(lo)s..%(hi)s of item '%(iid)s'",
                             code=code, lo=lo, hi=hi, iid=iid)
        else:
            self.check_codes(cond[key], path + (key,), ref.item)

    def check_codes(self, codes: list[int], path: Path, item: dict[str, Any]) -> None:
        """Each code must be an option of ``item``'s response scale."""
        known = self.codes_of(item)
        seen: set[int] = set()
        for k, code in enumerate(codes):
            if code in seen:
                self.add(path + (k,), 'code_listed_twice', 'code %(code)s is listed twice', code=code)
            seen.add(code)
            if known and code not in known[1]:
                self.add(path + (k,), 'code_not_in_scale',
                         "code %(code)s is not in the response scale '%(scale)s' of item '%(item)s'",
                         code=code, scale=known[0], item=item['id'])

    def choice_item(self, iid: str, path: Path, what: str) -> dict[str, Any] | None:
        ref = self.items.get(iid)
        if ref is None:
            self.add(path, 'unknown_item', "unknown item '%(iid)s'", iid=iid)
            return None
        if ref.item["kind"] not in CHOICE_KINDS:
            self.add(path, 'needs_single_or',
                     "item '%(iid)s' is a %(kind)s item; %(what)s needs a single or multi item",
                     iid=iid, kind=ref.item['kind'], what=what)
            return None
        return ref.item

    # -- scales ----------------------------------------------------------------
    def check_scales(self) -> None:
        for sid, scale in self.data.get("scales", {}).items():
            self.check_scale(scale, ("scales", sid))

    def check_scale(self, scale: dict[str, Any], base: Path) -> None:
        method = scale.get("method", "mean")
        members: list[str] = []
        first_scale: tuple[str, str] | None = None  # (response scale, item)
        for k, iid in enumerate(scale["items"]):
            path = base + ("items", k)
            if iid in members:
                self.add(path, 'listed_twice', "item '%(iid)s' is listed twice", iid=iid)
                continue
            members.append(iid)
            ref = self.items.get(iid)
            if ref is None:
                self.add(path, 'unknown_item', "unknown item '%(iid)s'", iid=iid)
                continue
            item = ref.item
            if item["kind"] != "single" or item.get("scale") not in self.scales:
                self.add(path, 'single_on_response',
                         "item '%(iid)s' is not a single item on a response scale", iid=iid)
                continue
            if first_scale is None:
                first_scale = (item["scale"], iid)
                if method != "correct" and not self.scales[item["scale"]].get("numeric", True):
                    self.add(path, 'uses_response_which',
                             "item '%(iid)s' uses response scale '%(scale)s', which is not numeric; "
                             "a %(method)s scale needs numeric items",
                             iid=iid, scale=item['scale'], method=method)
            elif item["scale"] != first_scale[0]:
                self.add(path, 'scale_mixed',
                         "item '%(iid)s' uses response scale '%(scale)s', not '%(first)s' like '%(other)s'",
                         iid=iid, scale=item['scale'], first=first_scale[0], other=first_scale[1])
        seen: set[str] = set()
        for k, iid in enumerate(scale.get("reversed", [])):
            path = base + ("reversed", k)
            if iid not in members:
                self.add(path, 'not_in_this_scale', "item '%(iid)s' is not in this scale", iid=iid)
            elif iid in seen:
                self.add(path, 'listed_twice', "item '%(iid)s' is listed twice", iid=iid)
            seen.add(iid)
        if method == "correct" and scale.get("reversed"):
            self.add(base + ("reversed",), 'with_method_correct',
                     'a scale with method: correct has no reversed items')
        n_min = scale.get("min_answered", 1)
        if n_min > len(scale["items"]):
            self.add(base + ("min_answered",), 'min_answered_more',
                     'min_answered %(n_min)s is more than the %(len)s items of the scale',
                     n_min=n_min, len=len(scale['items']))
        self.check_key(scale, base, method, members)
        self.check_scale_values(scale, base, method, first_scale)

    def check_key(self, scale: dict[str, Any], base: Path, method: str, members: list[str]) -> None:
        key = scale.get("key", {})
        if method != "correct":
            if key:
                self.add(base + ("key",), 'key_only_used', 'a key is only used with method: correct')
            return
        for iid in members:
            if iid not in key:
                self.add(base + ("key",), 'no_key_for', "no key for item '%(iid)s'", iid=iid)
        for iid, code in key.items():
            path = base + ("key", iid)
            if iid not in members:
                self.add(path, 'not_in_this_scale', "item '%(iid)s' is not in this scale", iid=iid)
            elif iid in self.items:
                known = self.codes_of(self.items[iid].item)
                if known and code not in known[1]:
                    self.add(path, 'code_not_in_scale',
                             "code %(code)s is not in the response scale '%(scale)s' of item '%(item)s'",
                             code=code, scale=known[0], item=iid)

    def check_scale_values(self, scale: dict[str, Any], base: Path, method: str,
                           first_scale: tuple[str, str] | None) -> None:
        if method == "correct":
            lo, hi = 0.0, float(len(scale["items"]))
        elif method == "mean" and first_scale is not None:
            rs = self.scales[first_scale[0]]
            valid = [o["code"] for o in rs["options"] if o["code"] not in rs.get("missing_codes", [])]
            if not valid:
                return
            lo, hi = float(min(valid)), float(max(valid))
        else:
            return
        for part in ("baseline", "target"):
            if part in scale and not lo <= scale[part]["value"] <= hi:
                self.add(base + (part, "value"), 'lies_outside_range',
                         "%(value)s lies outside the scale's range %(lo)s..%(hi)s",
                         value=scale[part]['value'], lo=format(lo, 'g'), hi=format(hi, 'g'))

    # -- shares ----------------------------------------------------------------
    def check_shares(self) -> None:
        for sid, share in self.data.get("shares", {}).items():
            base: Path = ("shares", sid)
            item = self.choice_item(share["item"], base + ("item",), "a share")
            if item is not None:
                self.check_codes(share["codes"], base + ("codes",), item)
            for part in ("baseline", "target"):
                if part in share and not 0 <= share[part]["value"] <= 1:
                    self.add(base + (part, "value"), 'share_proportion_lies',
                             'a share is a proportion: %(value)s lies outside 0..1', value=share[part]['value'])

    # -- tag groups ------------------------------------------------------------
    def check_tag_groups(self) -> None:
        asked = {ref.item.get("group") for ref in self.items.values() if ref.item.get("group")}
        seen: set[str] = set()
        tag_groups = self.data.get("tag_groups", [])
        ids = {t["id"] for t in tag_groups}
        for k, tag in enumerate(tag_groups):
            base: Path = ("tag_groups", k)
            if tag["id"] in asked:
                self.add(base + ("id",), 'group_already_asked',
                         "group '%(id)s' is already asked by an item", id=tag['id'])
            elif tag["id"] in seen:
                self.add(base + ("id",), 'tag_group_declared',
                         "tag group '%(id)s' is declared twice", id=tag['id'])
            seen.add(tag["id"])
            within = tag.get("within")
            if within is not None and (within == tag["id"] or within not in asked | ids):
                self.add(base + ("within",), 'another_declared_group',
                         "'%(within)s' is not another declared group", within=within)

    # -- indices ---------------------------------------------------------------
    def check_indices(self) -> None:
        for xid, index in self.data.get("indices", {}).items():
            base: Path = ("indices", xid)
            seen: dict[str, int] = {}
            for k, var in enumerate(index["variables"]):
                path = base + ("variables", k)
                if var["id"] in seen:
                    self.add(path + ("id",), 'duplicate_variable_id',
                             "duplicate variable id '%(id)s' (also variables[%(seen)s])",
                             id=var['id'], seen=seen[var['id']])
                else:
                    seen[var["id"]] = k
                item = self.choice_item(var["item"], path + ("item",), "an index variable")
                if item is not None:
                    self.check_codes(var["problem"], path + ("problem",), item)
                self.check_cut_points(var["cut_points"], path + ("cut_points",))
            self.check_levels(index["levels"], base + ("levels",))
            if "baseline" in index and not 0 <= index["baseline"]["value"] <= INDEX_MAX:
                self.add(base + ("baseline", "value"), 'lies_outside_index',
                         '%(value)s lies outside the index range 0..%(index_max)s',
                         value=index['baseline']['value'], index_max=INDEX_MAX)
            if "goal_max" in index and not 0 <= index["goal_max"] <= INDEX_MAX:
                self.add(base + ("goal_max",), 'lies_outside_index',
                         '%(value)s lies outside the index range 0..%(index_max)s',
                         value=index['goal_max'], index_max=INDEX_MAX)

    def check_cut_points(self, cuts: list[float], path: Path) -> None:
        if len(cuts) != N_CUT_POINTS:
            self.add(path, 'needs_exactly_cut',
                     'needs exactly %(n_cut_points)s cut points (one per class 1-6), not %(len)s',
                     n_cut_points=N_CUT_POINTS, len=len(cuts))
        for k, value in enumerate(cuts):
            if not 0 <= value <= 1:
                self.add(path + (k,), 'cut_point_lies',
                         'cut point %(value)s lies outside 0..1 (a share)', value=value)
            elif k and value <= cuts[k - 1]:
                self.add(path + (k,), 'cut_point_does',
                         'cut point %(value)s does not rise above the previous one (%(cuts)s)',
                         value=value, cuts=cuts[k - 1])

    def check_levels(self, levels: list[dict[str, Any]], path: Path) -> None:
        for k, level in enumerate(levels):
            value = level["max"]
            if not 0 <= value <= INDEX_MAX:
                self.add(path + (k, "max"), 'lies_outside_index',
                         '%(value)s lies outside the index range 0..%(index_max)s',
                         value=value, index_max=INDEX_MAX)
            elif k and value <= levels[k - 1]["max"]:
                self.add(path + (k, "max"), 'level_max_does',
                         "level max %(value)s does not rise above the previous level's (%(max)s)",
                         value=value, max=levels[k - 1]['max'])
        if levels and levels[-1]["max"] != INDEX_MAX:
            self.add(path + (len(levels) - 1, "max"), 'last_level_reach',
                     'the last level must reach %(index_max)s, not %(max)s',
                     index_max=INDEX_MAX, max=levels[-1]['max'])


def _has_places(value: float, places: int) -> bool:
    """True when ``value`` has at most ``places`` decimal places."""
    from decimal import Decimal

    scaled = Decimal(str(value)) * 10 ** places
    return scaled == scaled.to_integral_value()


def _texts(data: dict[str, Any]) -> Iterator[tuple[Path, dict[str, str]]]:
    """Every multilingual text of the document with its path."""
    for key in ("title", "description"):
        if key in data:
            yield (key,), data[key]
    for sid, scale in data.get("response_scales", {}).items():
        for i, opt in enumerate(scale["options"]):
            yield ("response_scales", sid, "options", i, "label"), opt["label"]
    for p, page in enumerate(data.get("pages", [])):
        for key in ("title", "intro"):
            if key in page:
                yield ("pages", p, key), page[key]
        for k, note in enumerate(page.get("notes", [])):
            yield ("pages", p, "notes", k, "text"), note["text"]
        for i, item in enumerate(page["items"]):
            for key in ("text", "help", "constraint_message"):
                if key in item:
                    yield ("pages", p, "items", i, key), item[key]
    for section in ("scales", "shares"):
        for sid, entry in data.get(section, {}).items():
            yield (section, sid, "label"), entry["label"]
    for xid, index in data.get("indices", {}).items():
        yield ("indices", xid, "label"), index["label"]
        for k, level in enumerate(index["levels"]):
            yield ("indices", xid, "levels", k, "label"), level["label"]
        for k, var in enumerate(index["variables"]):
            yield ("indices", xid, "variables", k, "label"), var["label"]
