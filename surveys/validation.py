"""Meaning checks for an instrument file that already has the right shape.

The JSON Schema (``instruments/instrument.schema.json``) checks the shape; this
module checks what a schema cannot: that references resolve, codes exist on
the right response scale, conditions look back, cut points and levels rise,
and every text has Swedish. It works on the parsed YAML (plain dicts and
lists), so each problem can carry the field path of the offending value; the
loader turns paths into line numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
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

    def add(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

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
            self.add(("languages",), f"must include '{REQUIRED_LANGUAGE}' (Swedish is required)")
        seen: set[str] = set()
        for i, lang in enumerate(langs):
            if lang in seen:
                self.add(("languages", i), f"language '{lang}' is listed twice")
            seen.add(lang)

    def check_texts(self) -> None:
        langs = set(self.data["languages"])
        for path, text in _texts(self.data):
            if not str(text.get(REQUIRED_LANGUAGE, "")).strip():
                self.add(path, f"missing Swedish text ({REQUIRED_LANGUAGE})")
            for lang in text:
                if lang not in langs and lang != REQUIRED_LANGUAGE:
                    self.add(path + (lang,), f"language '{lang}' is not declared in languages")

    # -- response scales -----------------------------------------------------
    def check_response_scales(self) -> None:
        for sid, scale in self.scales.items():
            base: Path = ("response_scales", sid)
            first: dict[int, int] = {}
            for i, opt in enumerate(scale["options"]):
                code = opt["code"]
                if code in first:
                    self.add(base + ("options", i, "code"),
                             f"duplicate code {code} (also options[{first[code]}])")
                else:
                    first[code] = i
            for i, code in enumerate(scale.get("missing_codes", [])):
                if code not in first:
                    self.add(base + ("missing_codes", i), f"code {code} is not an option of this scale")
            if not [c for c in first if c not in scale.get("missing_codes", [])]:
                self.add(base + ("options",), "needs at least one code that is not a missing code")

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
                self.add(("pages", p, "id"),
                         f"duplicate page id '{page['id']}' (also pages[{pages_seen[page['id']]}])")
            else:
                pages_seen[page["id"]] = p
            for i, item in enumerate(page["items"]):
                path: Path = ("pages", p, "items", i)
                iid = item["id"]
                if iid in self.items:
                    self.add(path + ("id",),
                             f"duplicate item id '{iid}' (also {format_path(self.items[iid].path)})")
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
                    self.add(npath + ("id",), f"note id '{note['id']}' is also an item's id")
                after = note.get("after")
                if after is not None and after not in on_page:
                    self.add(npath + ("after",), f"'{after}' is not an item of this page")
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
                        self.add(path + ("group",),
                                 f"group '{group}' is already asked by item '{groups[group]}'")
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
            self.add(path + ("options_from",), "options_from: preset needs a single item with a group")
        if item.get("group") and kind != "single":
            self.add(path + ("group",), f"a group item must be kind single, not {kind}")
        if kind in CHOICE_KINDS:
            sid = item.get("scale")
            if sid is None and not preset:
                self.add(path, f"a {kind} item needs a response scale (field 'scale')")
            elif sid is not None and sid not in self.scales:
                self.add(path + ("scale",), f"unknown response scale '{sid}'")
            elif sid is not None and kind == "single" and self._has_other(sid):
                self.add(path + ("scale",), f"response scale '{sid}' has an 'other' option, "
                                            "which only a multi item can use")
            elif sid is not None and kind == "multi" and self._has_other(sid):
                other = self.items.get(f"{item['id']}_other")
                if other is None or other.item["kind"] != "text":
                    self.add(path + ("scale",), f"response scale '{sid}' has an 'other' option: "
                                                f"add a text item '{item['id']}_other'")
        elif "scale" in item:
            self.add(path + ("scale",), f"a {kind} item takes no response scale")
        if kind == "number":
            if "min" not in item or "max" not in item:
                self.add(path, "a number item needs min and max")
            elif item["min"] > item["max"]:
                self.add(path + ("max",), f"max {item['max']} is below min {item['min']}")
            places = item.get("decimals", 0)
            for key in ("min", "max"):
                if key in item and not _has_places(item[key], places):
                    self.add(path + (key,), f"{item[key]} has more decimal places than decimals: {places}"
                             if places else f"{item[key]} is not a whole number; add decimals: 1, 2 or 3")
        else:
            for key in ("min", "max", "decimals"):
                if key in item:
                    self.add(path + (key,), f"only a number item takes {key}")
        if kind != "number" and "constraint_message" in item:
            self.add(path + ("constraint_message",), "only a number item takes constraint_message")
        if kind != "text":
            for key in ("max_length", "multiline"):
                if key in item:
                    self.add(path + (key,), f"only a text item takes {key}")

    def _has_other(self, sid: str) -> bool:
        return any(o.get("other") for o in self.scales[sid]["options"])

    def check_condition(self, cond: dict[str, Any], path: Path, *, before_position: int | None = None,
                        before_page: int | None = None, owner: str | None = None) -> None:
        combined = [k for k in ("all_of", "any_of") if k in cond]
        leaf = [k for k in ("item", "in", "not_in") if k in cond]
        if combined and leaf or len(combined) > 1:
            self.add(path, "a condition is either item with in/not_in, or all_of, or any_of")
            return
        for key in combined:
            for k, sub in enumerate(cond[key]):
                self.check_condition(sub, path + (key, k), before_position=before_position,
                                     before_page=before_page, owner=owner)
        if combined:
            return
        if "item" not in cond:
            self.add(path, "a condition needs an item")
            return
        if ("in" in cond) == ("not_in" in cond):
            self.add(path, "a condition needs exactly one of in and not_in")
            return
        iid = cond["item"]
        ref = self.items.get(iid)
        if ref is None:
            self.add(path + ("item",), f"unknown item '{iid}'")
            return
        if iid == owner:
            self.add(path + ("item",), f"item '{iid}' cannot depend on itself")
            return
        if before_position is not None and ref.position > before_position:
            self.add(path + ("item",), f"item '{iid}' comes later; a condition may only name an earlier item")
            return
        if before_page is not None and ref.page >= before_page:
            self.add(path + ("item",), f"item '{iid}' is not on an earlier page")
            return
        key = "in" if "in" in cond else "not_in"
        kind = ref.item["kind"]
        if kind == "text":
            self.add(path + ("item",), f"item '{iid}' is a text item; a condition needs a choice or number item")
        elif kind == "number" and ref.item.get("decimals"):
            self.add(path + ("item",), f"item '{iid}' is a decimal number item; a condition needs a choice "
                                       "or whole-number item")
        elif kind == "number":
            lo, hi = ref.item.get("min"), ref.item.get("max")
            for k, code in enumerate(cond[key]):
                if lo is not None and hi is not None and not lo <= code <= hi:
                    self.add(path + (key, k), f"{code} is outside the range {lo}..{hi} of item '{iid}'")
        else:
            self.check_codes(cond[key], path + (key,), ref.item)

    def check_codes(self, codes: list[int], path: Path, item: dict[str, Any]) -> None:
        """Each code must be an option of ``item``'s response scale."""
        known = self.codes_of(item)
        seen: set[int] = set()
        for k, code in enumerate(codes):
            if code in seen:
                self.add(path + (k,), f"code {code} is listed twice")
            seen.add(code)
            if known and code not in known[1]:
                self.add(path + (k,), f"code {code} is not in the response scale "
                                      f"'{known[0]}' of item '{item['id']}'")

    def choice_item(self, iid: str, path: Path, what: str) -> dict[str, Any] | None:
        ref = self.items.get(iid)
        if ref is None:
            self.add(path, f"unknown item '{iid}'")
            return None
        if ref.item["kind"] not in CHOICE_KINDS:
            self.add(path, f"item '{iid}' is a {ref.item['kind']} item; {what} needs a single or multi item")
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
                self.add(path, f"item '{iid}' is listed twice")
                continue
            members.append(iid)
            ref = self.items.get(iid)
            if ref is None:
                self.add(path, f"unknown item '{iid}'")
                continue
            item = ref.item
            if item["kind"] != "single" or item.get("scale") not in self.scales:
                self.add(path, f"item '{iid}' is not a single item on a response scale")
                continue
            if first_scale is None:
                first_scale = (item["scale"], iid)
                if method != "correct" and not self.scales[item["scale"]].get("numeric", True):
                    self.add(path, f"item '{iid}' uses response scale '{item['scale']}', which is not "
                                   f"numeric; a {method} scale needs numeric items")
            elif item["scale"] != first_scale[0]:
                self.add(path, f"item '{iid}' uses response scale '{item['scale']}', not "
                               f"'{first_scale[0]}' like '{first_scale[1]}'")
        seen: set[str] = set()
        for k, iid in enumerate(scale.get("reversed", [])):
            path = base + ("reversed", k)
            if iid not in members:
                self.add(path, f"item '{iid}' is not in this scale")
            elif iid in seen:
                self.add(path, f"item '{iid}' is listed twice")
            seen.add(iid)
        if method == "correct" and scale.get("reversed"):
            self.add(base + ("reversed",), "a scale with method: correct has no reversed items")
        n_min = scale.get("min_answered", 1)
        if n_min > len(scale["items"]):
            self.add(base + ("min_answered",),
                     f"min_answered {n_min} is more than the {len(scale['items'])} items of the scale")
        self.check_key(scale, base, method, members)
        self.check_scale_values(scale, base, method, first_scale)

    def check_key(self, scale: dict[str, Any], base: Path, method: str, members: list[str]) -> None:
        key = scale.get("key", {})
        if method != "correct":
            if key:
                self.add(base + ("key",), "a key is only used with method: correct")
            return
        for iid in members:
            if iid not in key:
                self.add(base + ("key",), f"no key for item '{iid}'")
        for iid, code in key.items():
            path = base + ("key", iid)
            if iid not in members:
                self.add(path, f"item '{iid}' is not in this scale")
            elif iid in self.items:
                known = self.codes_of(self.items[iid].item)
                if known and code not in known[1]:
                    self.add(path, f"code {code} is not in the response scale '{known[0]}' of item '{iid}'")

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
                self.add(base + (part, "value"),
                         f"{scale[part]['value']} lies outside the scale's range {lo:g}..{hi:g}")

    # -- shares ----------------------------------------------------------------
    def check_shares(self) -> None:
        for sid, share in self.data.get("shares", {}).items():
            base: Path = ("shares", sid)
            item = self.choice_item(share["item"], base + ("item",), "a share")
            if item is not None:
                self.check_codes(share["codes"], base + ("codes",), item)
            for part in ("baseline", "target"):
                if part in share and not 0 <= share[part]["value"] <= 1:
                    self.add(base + (part, "value"),
                             f"a share is a proportion: {share[part]['value']} lies outside 0..1")

    # -- tag groups ------------------------------------------------------------
    def check_tag_groups(self) -> None:
        asked = {ref.item.get("group") for ref in self.items.values() if ref.item.get("group")}
        seen: set[str] = set()
        tag_groups = self.data.get("tag_groups", [])
        ids = {t["id"] for t in tag_groups}
        for k, tag in enumerate(tag_groups):
            base: Path = ("tag_groups", k)
            if tag["id"] in asked:
                self.add(base + ("id",), f"group '{tag['id']}' is already asked by an item")
            elif tag["id"] in seen:
                self.add(base + ("id",), f"tag group '{tag['id']}' is declared twice")
            seen.add(tag["id"])
            within = tag.get("within")
            if within is not None and (within == tag["id"] or within not in asked | ids):
                self.add(base + ("within",), f"'{within}' is not another declared group")

    # -- indices ---------------------------------------------------------------
    def check_indices(self) -> None:
        for xid, index in self.data.get("indices", {}).items():
            base: Path = ("indices", xid)
            seen: dict[str, int] = {}
            for k, var in enumerate(index["variables"]):
                path = base + ("variables", k)
                if var["id"] in seen:
                    self.add(path + ("id",), f"duplicate variable id '{var['id']}' (also variables[{seen[var['id']]}])")
                else:
                    seen[var["id"]] = k
                item = self.choice_item(var["item"], path + ("item",), "an index variable")
                if item is not None:
                    self.check_codes(var["problem"], path + ("problem",), item)
                self.check_cut_points(var["cut_points"], path + ("cut_points",))
            self.check_levels(index["levels"], base + ("levels",))
            if "baseline" in index and not 0 <= index["baseline"]["value"] <= INDEX_MAX:
                self.add(base + ("baseline", "value"),
                         f"{index['baseline']['value']} lies outside the index range 0..{INDEX_MAX}")
            if "goal_max" in index and not 0 <= index["goal_max"] <= INDEX_MAX:
                self.add(base + ("goal_max",), f"{index['goal_max']} lies outside the index range 0..{INDEX_MAX}")

    def check_cut_points(self, cuts: list[float], path: Path) -> None:
        if len(cuts) != N_CUT_POINTS:
            self.add(path, f"needs exactly {N_CUT_POINTS} cut points (one per class 1-6), not {len(cuts)}")
        for k, value in enumerate(cuts):
            if not 0 <= value <= 1:
                self.add(path + (k,), f"cut point {value} lies outside 0..1 (a share)")
            elif k and value <= cuts[k - 1]:
                self.add(path + (k,), f"cut point {value} does not rise above the previous one ({cuts[k - 1]})")

    def check_levels(self, levels: list[dict[str, Any]], path: Path) -> None:
        for k, level in enumerate(levels):
            value = level["max"]
            if not 0 <= value <= INDEX_MAX:
                self.add(path + (k, "max"), f"{value} lies outside the index range 0..{INDEX_MAX}")
            elif k and value <= levels[k - 1]["max"]:
                self.add(path + (k, "max"),
                         f"level max {value} does not rise above the previous level's ({levels[k - 1]['max']})")
        if levels and levels[-1]["max"] != INDEX_MAX:
            self.add(path + (len(levels) - 1, "max"), f"the last level must reach {INDEX_MAX}, not {levels[-1]['max']}")


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
