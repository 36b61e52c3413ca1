"""A small instrument built directly from the model dataclasses, for reader
tests that must not depend on the YAML loader."""
from __future__ import annotations

from surveys.instrument import Instrument, Item, Option, Page, ResponseScale, Text


def _t(sv: str, en: str | None = None) -> Text:
    return Text({"sv": sv, **({"en": en} if en else {})})


def small_instrument() -> Instrument:
    """gender (group, codes/labels), school (preset group), i1..i8 on 1-6,
    use 1-4, age number 10-20, themes multi with an "other" option, a text."""
    scales = {
        "agree6": ResponseScale("agree6", tuple(Option(c, _t(str(c))) for c in range(1, 7))),
        "gender": ResponseScale("gender", (Option(1, _t("flicka", "girl")),
                                           Option(2, _t("pojke", "boy"))), numeric=False),
        "use": ResponseScale("use", tuple(Option(c, _t(f"u{c}")) for c in range(1, 5)),
                             numeric=False),
        "themes": ResponseScale("themes", (Option(1, _t("a")), Option(2, _t("b")),
                                           Option(9, _t("annat"), other=True)), numeric=False),
    }
    items = [Item("gender", "single", _t("Kön"), scale="gender", group="gender"),
             Item("school", "single", _t("Skola"), group="school", options_from="preset")]
    items += [Item(f"i{k}", "single", _t(f"Påstående {k}"), scale="agree6") for k in range(1, 9)]
    items += [Item("use", "single", _t("Bruk"), scale="use"),
              Item("age", "number", _t("Ålder"), min=10, max=20),
              Item("themes", "multi", _t("Teman"), scale="themes"),
              Item("places", "text", _t("Platser"))]
    return Instrument(id="small", version="1", title=_t("Liten"), languages=("sv",),
                      response_scales=scales, pages=(Page("p1", _t("Sida"), tuple(items)),))
