"""A small instrument built from the model's dataclasses, for export tests
that must not depend on the full instrument files."""
from __future__ import annotations

from surveys.instrument import (Baseline, Condition, Instrument, Item, Option, Page,
                                ResponseScale, Scale, Share, Target, Text)


def t(sv: str, en: str | None = None) -> Text:
    return Text({"sv": sv, **({"en": en} if en else {})})


AGREE = ResponseScale("agree6", tuple(Option(c, t(lbl)) for c, lbl in enumerate(
    ["Instämmer inte alls", "Instämmer knappt", "Instämmer delvis", "Instämmer ganska mycket",
     "Instämmer mycket", "Instämmer helt"], start=1)))
GENDER = ResponseScale("gender", (Option(1, t("flicka")), Option(2, t("pojke")),
                                  Option(3, t("annat")), Option(4, t("vill inte svara"))),
                       numeric=False)
USE = ResponseScale("use", (Option(1, t("aldrig")), Option(2, t("provat någon gång")),
                            Option(3, t("ibland")), Option(4, t("regelbundet"))))
THEMES = ResponseScale("themes", (Option(1, t("Belysning")), Option(2, t("Nedskräpning")),
                                  Option(3, t("Annat"), other=True)), numeric=False)

ITEMS = (
    Item("school", "single", t("Vilken skola går du på?"), group="school", options_from="preset"),
    Item("gender", "single", t("Kön"), scale="gender", group="gender"),
    Item("use", "single", t("Har du använt cannabis?"), scale="use"),
    Item("use_first_age", "number", t("Hur gammal var du första gången?"), min=10, max=20,
         show_if=Condition(item="use", in_codes=(2, 3, 4))),
    Item("att01", "single", t("Cannabis borde vara lagligt"), scale="agree6"),
    Item("att02", "single", t("Cannabis är farligt"), scale="agree6"),
    Item("att03", "single", t("Polisen ska ingripa"), scale="agree6"),
    Item("themes", "multi", t("Vad gör dig otrygg?"), scale="themes"),
    Item("places", "text", t("Vilka platser?"), multiline=True),
)

INSTRUMENT = Instrument(
    id="small", version="1", title=t("Liten enkät", "Small survey"), languages=("sv", "en"),
    response_scales={s.id: s for s in (AGREE, GENDER, USE, THEMES)},
    pages=(Page("p1", t("Om dig"), ITEMS[:4]), Page("p2", t("Åsikter"), ITEMS[4:])),
    scales={"restrictive": Scale("restrictive", t("Restriktiv attityd"),
                                 ("att01", "att02", "att03"), reversed=("att01",),
                                 min_answered=2, baseline=Baseline(3.72, 2014),
                                 target=Target(4.72))},
    shares={"never": Share("never", "use", (1,), t("Aldrig provat"),
                           baseline=Baseline(0.85, 2014))},
    sha256="ab" * 32,
)
