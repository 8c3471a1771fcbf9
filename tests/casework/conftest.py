"""Fixtures of the application tests: the IMAP server of the mail tests."""

from tests.mailserver import imap_server, mailbox  # noqa: F401  (fixtures)
