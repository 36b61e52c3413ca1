"""Interface language: Flask-Babel set-up and the language switch.

The language comes from ``?lang=`` (remembered in the session), then the
session, then Swedish. A survey offers its instrument's languages that the
interface is translated into (Swedish always); see :func:`offered_languages`.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup, escape

#: Interface translations shipped in webapp/translations, Swedish first.
INTERFACE_LANGUAGES: tuple[str, ...] = ("sv", "en", "ar")
DEFAULT_LANGUAGE = "sv"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "ku"})
#: Each language named in itself (shown in the switch with its own ``lang``).
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "ar": "العربية"}


def offered_languages(instrument_languages: Iterable[str]) -> tuple[str, ...]:
    """The interface languages a survey offers.

    Rule: Swedish always, plus every language the instrument lists in
    ``languages`` that the interface is translated into. An instrument that
    lists ``ar`` gets the Arabic, right-to-left interface; any of its texts
    missing in Arabic fall back to Swedish item by item (``Text.get``).
    """
    listed = set(instrument_languages)
    return tuple(lang for lang in INTERFACE_LANGUAGES if lang == DEFAULT_LANGUAGE or lang in listed)


#: The interface languages as Babel locales, parsed once: Flask-Babel parses
#: the selector's answer on every request, and parsing a name looks for the
#: locale's data file on disk each time; a Locale is taken as it is.
_LOCALES: dict[str, Locale] = {lang: Locale.parse(lang) for lang in INTERFACE_LANGUAGES}


def _locale(lang: str) -> Locale:
    return _LOCALES.get(lang) or Locale.parse(lang)


def select_locale() -> Locale:
    """Flask-Babel locale selector (see the module docstring)."""
    offered = g.get("languages") or INTERFACE_LANGUAGES
    asked = request.args.get("lang")
    if asked in offered:
        session["lang"] = asked
        return _locale(asked)
    remembered = session.get("lang")
    if remembered in offered:
        return _locale(remembered)
    return _locale(DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language of the current request, e.g. ``"sv"``.

    Kept on ``g`` once known: a page asks for it for every instrument text it
    shows, and Flask-Babel's lookup costs several context lookups each time
    (like ``g._translations``, it must be dropped by code that switches the
    locale inside a request)."""
    lang = g.get("_language")
    if lang is None:
        locale = get_locale()
        lang = g._language = locale.language if locale else DEFAULT_LANGUAGE
    return lang


def text_direction(lang: str | None = None) -> str:
    """``"rtl"`` for right-to-left languages, else ``"ltr"``."""
    return "rtl" if (lang or current_language()) in RTL_LANGUAGES else "ltr"


def language_links() -> list[dict[str, Any]]:
    """The language switch: one link per offered language to the current page."""
    offered = g.get("languages") or INTERFACE_LANGUAGES
    current = current_language()
    links = []
    for lang in offered:
        args = request.args.to_dict()
        args["lang"] = lang
        query = urlencode(sorted(args.items()))
        links.append(
            {
                "lang": lang,
                "name": LANGUAGE_NAMES.get(lang, lang),
                "href": f"{request.path}?{query}",
                "current": lang == current,
                "dir": text_direction(lang),
            }
        )
    return links


#: A run of numbers joined by dashes or a slash, e.g. "16–24", "9/10", "1-2".
_NUMERIC_RUN = re.compile(r"\d+(?:[.,]\d+)?(?:\s*[-\u2010-\u2015\u2212/]\s*\d+(?:[.,]\d+)?)+")


def isolate_numeric_runs(html: Markup) -> Markup:
    """Right-to-left text with its numeric ranges isolated left-to-right: the
    bidi algorithm would otherwise show "16–24 سنة" as "24–16"."""
    # ``html`` is escaped markup; only digits, dashes and spaces are wrapped
    return Markup(_NUMERIC_RUN.sub(lambda m: f'<bdi dir="ltr">{m.group(0)}</bdi>', str(html)))  # nosec B704


def translated(text: Any, lang: str | None = None) -> Markup:
    """An instrument text in ``lang`` as HTML. A text that falls back to
    Swedish is marked ``lang="sv"`` so a screen reader reads it as Swedish;
    in a right-to-left language numeric ranges keep their order."""
    if text is None:
        return Markup("")
    lang = lang or current_language()
    if text.has(lang) or lang == DEFAULT_LANGUAGE:
        html = escape(text.get(lang))
        return isolate_numeric_runs(html) if lang in RTL_LANGUAGES else html
    return Markup('<span lang="{}" dir="ltr">{}</span>').format(DEFAULT_LANGUAGE, text.get(DEFAULT_LANGUAGE))


def _translations() -> Any:
    """This request's catalogue. Flask-Babel finds it anew (domain, app,
    request context) on every call; a page asks it for every interface
    string, so it is looked up once per request and kept on ``g`` (code
    that switches the locale inside a request, e.g. ``force_locale``, must
    drop ``g._translations``)."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def _gettext_for(translations: Any) -> Callable[..., str]:
    """``_()`` for templates rendered in this request, bound to its catalogue.

    The same as the gettext installed on the environment (Jinja's new-style
    gettext: autoescaped, always %-formatted), minus a lookup of the catalogue
    for every string. A template's ``_`` finds ``gettext`` in its context
    first; templates rendered without this context use the installed one."""

    @pass_context
    def gettext(context: Any, string: str, **variables: Any) -> str:
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            # The catalogue's own text (msgstr of our .po files), as Jinja's i18n
            # extension does; the variables are %-formatted into it and so escaped.
            text = Markup(text)  # nosec B704
        return text % variables

    return gettext


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers."""
    Babel(app, locale_selector=select_locale)
    # The same callables Flask-Babel installs, over the per-request catalogue.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )

    from webapp.forms import decimal_text

    app.jinja_env.globals["decimal_text"] = decimal_text

    @app.context_processor
    def _language_context() -> dict[str, Any]:
        lang = current_language()
        return {
            "gettext": _gettext_for(_translations()),
            "lang": lang,
            "text_dir": text_direction(lang),
            "language_links": language_links,
            "tr": translated,
        }
