"""French first: every message the code can show has a French translation in the catalog."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from casework.i18n import format_day, negotiate
from tests import ROOT

KEYWORDS = {"N_": None, "gettext": None, "ngettext": (1, 2), "_": None}


def _messages_in_code() -> set[str]:
    found = set()
    for package in ("casework", "workflows", "notifications"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[
                ("**.py", "python"),
                ("**/templates/**.html", "jinja2"),
                ("**/templates/**.txt", "jinja2"),
            ],
            keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_french_translation():
    with (ROOT / "casework/locales/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr_CA")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(_messages_in_code() - translated)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)


def test_dates_display_the_quebec_way():
    from datetime import date

    assert format_day(date(2026, 12, 5)) == "5 décembre 2026"
    assert format_day(date(2026, 1, 12), weekday=True) == "lundi 12 janvier 2026"
    assert format_day(date(2026, 12, 5), "en") == "December 5, 2026"


def test_language_is_negotiated_french_by_default():
    assert negotiate(None) == "fr"
    assert negotiate("de-DE") == "fr"
    assert negotiate("en-CA,en;q=0.9,fr;q=0.8") == "en"
    assert negotiate("en;q=0.5,fr-CA") == "fr"
