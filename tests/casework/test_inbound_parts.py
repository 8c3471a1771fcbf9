"""Reading a message's parts without the standard parser's line-by-line walk (issue 14's intake
speed): the tree is the one the standard library's parser builds, byte for byte, for every
message of the test corpus and for the shapes at the edge of the boundary rules; anything
unusual is left to the standard parser itself."""

import base64
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from casework import inbound
from tests import mail_corpus as corpus


def standard(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, _class=EmailMessage, policy=policy.compat32)


def shape(message: EmailMessage) -> list:
    """What the intake reads of a tree: each part's type, name, bytes and the text around."""
    return [
        (
            part.get_content_type(),
            part.get_filename(),
            None if part.is_multipart() else part.get_payload(decode=True),
            part.preamble,
            part.epilogue,
        )
        for part in message.walk()
    ]


def flat(message: EmailMessage) -> bytes | str:
    """Write the tree back as bytes (a multipart that never started cannot be: say so)."""
    try:
        return message.as_bytes()
    except UnicodeEncodeError as exc:
        return type(exc).__name__


HEAD = (
    "From: Marie Tremblay <marie.tremblay@example.org>\r\n"
    "Subject: =?UTF-8?Q?Contestation_d=E2=80=99une_d=C3=A9cision?=\r\n"
    "Message-ID: <parts@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
)
PDF = base64.encodebytes(b"%PDF-1.7\n" + bytes(range(256)) * 40).decode("ascii")


def mixed(body: str, *, boundary: str = "b", head: str = HEAD) -> bytes:
    return (head + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n' + body).encode(
        "utf-8"
    )


TEXT_PART = "Content-Type: text/plain; charset=UTF-8\r\n\r\nJ’ai reçu un avis.\r\n"
PDF_PART = (
    'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="lettre.pdf"\r\n'
    "Content-Transfer-Encoding: base64\r\n\r\n" + PDF
)

EDGES = {
    "two attachments": mixed(f"--b\r\n{TEXT_PART}--b\r\n{PDF_PART}--b--\r\n"),
    "preamble and epilogue": mixed(
        f"Ceci est un message MIME.\r\n\r\n--b\r\n{TEXT_PART}--b\r\n{PDF_PART}--b--\r\nfin\r\n"
    ),
    "blanks after the boundaries": mixed(f"--b  \r\n{TEXT_PART}--b\t\r\n{PDF_PART}--b-- \r\n"),
    "no line ending after the closing boundary": mixed(f"--b\r\n{TEXT_PART}--b--"),
    "a line that only starts like the boundary": mixed(
        "--b\r\nContent-Type: text/plain\r\n\r\n--bb n'est pas la frontière\r\n--b--\r\n"
    ),
    "the boundary inside a line": mixed(
        "--b\r\nContent-Type: text/plain\r\n\r\nvoir --b plus bas\r\n--b--\r\n"
    ),
    "a part without headers": mixed("--b\r\n\r\nTexte sans en-têtes.\r\n--b--\r\n"),
    "a part with headers only": mixed("--b\r\nContent-Type: text/plain\r\n--b--\r\n"),
    "an empty line before the boundary": mixed(f"--b\r\n{TEXT_PART}\r\n--b--\r\n"),
    "text and HTML inside mixed": mixed(
        '--b\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n'
        f"--a\r\n{TEXT_PART}--a\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n"
        "<p>J’ai reçu un avis.</p>\r\n--a--\r\n\r\n"
        f"--b\r\n{PDF_PART}--b--\r\n"
    ),
    "lines ending in LF only": mixed(
        f"--b\r\n{TEXT_PART}--b\r\n{PDF_PART}--b--\r\n".replace("\r\n", "\n"),
        head=HEAD.replace("\r\n", "\n"),
    ),
    "lone CR line endings": mixed(
        f"--b\r\n{TEXT_PART}--b--\r\n".replace("\r\n", "\r"), head=HEAD.replace("\r\n", "\r")
    ),
    "no closing boundary": mixed(f"--b\r\n{TEXT_PART}--b\r\n{PDF_PART}"),
    "no opening boundary": mixed(TEXT_PART),
    "two boundaries in a row": mixed(f"--b\r\n--b\r\n{TEXT_PART}--b--\r\n"),
    "a stray line in a part's headers": mixed(
        "--b\r\nContent-Type: text/plain\r\nnot a header\r\n\r\nTexte\r\n--b--\r\n"
    ),
    "no boundary given": (HEAD + "Content-Type: multipart/mixed\r\n\r\n--b\r\n--b--\r\n").encode(),
    "8-bit bytes not in UTF-8": mixed(
        "--b\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\n", boundary="b"
    )
    + "Reçu à Québec\r\n--b--\r\n".encode("cp1252"),
    "a boundary with regular expression characters": mixed(
        f"--=_(x.y)+?\r\n{TEXT_PART}--=_(x.y)+?--\r\n", boundary="=_(x.y)+?"
    ),
}

CORPUS = {
    "UTF-8 quoted-printable": corpus.utf8_quoted_printable(),
    "ISO-8859-1": corpus.latin1_8bit(),
    "Windows-1252 base64": corpus.windows1252_base64(),
    "Outlook HTML only": corpus.outlook_html_only(),
    "forwarded": corpus.forwarded(),
    "auto-reply": corpus.auto_reply(),
    "bounce": corpus.bounce(),
    "mailing list": corpus.mailing_list(),
    "three attachments": corpus.three_attachments(),
    "no Message-ID": corpus.no_message_id(),
    "malformed": corpus.malformed(),
}


@pytest.mark.parametrize("raw", [*CORPUS.values(), *EDGES.values()], ids=[*CORPUS, *EDGES])
def test_the_parts_are_read_as_the_standard_parser_reads_them(raw):
    ours, theirs = inbound.read_tree(raw), standard(raw)
    assert shape(ours) == shape(theirs)
    assert flat(ours) == flat(theirs)


def test_the_usual_shape_is_cut_at_its_boundaries_and_the_rest_left_to_the_standard_parser():
    assert inbound._split(EDGES["two attachments"]) is not None
    assert inbound._split(EDGES["text and HTML inside mixed"]) is not None
    for unusual in ("no closing boundary", "two boundaries in a row", "forwarded"):
        raw = EDGES.get(unusual) or CORPUS[unusual]
        assert inbound._split(raw) is None, unusual


def test_an_attachment_comes_out_whole_with_its_name():
    message = inbound.parse(EDGES["two attachments"])
    assert message.text == "J’ai reçu un avis."
    assert [(a.filename, a.data[:8]) for a in message.attachments] == [("lettre.pdf", b"%PDF-1.7")]
    assert message.attachments[0].data == base64.b64decode(PDF)
