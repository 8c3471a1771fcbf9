"""Mark user-facing strings for translation without translating them.

`workflows` is pure and knows no locale: it marks its messages with `N_` so that the extractor
(xgettext / pybabel, keyword `N_`) finds them, and the application translates the msgid with
gettext when it shows the message to someone.
"""


def N_(message: str) -> str:
    """Return the message unchanged; mark it for extraction."""
    return message
