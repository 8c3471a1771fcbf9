"""The corpus of test messages (issue 14): French accents in each charset seen in Quebec mail, a
forwarded message, an Outlook-style HTML-only message, a reply to an acknowledgment, an
auto-reply, a bounce, a mailing list, three attachments of which one refused, a malformed one.

Written by hand, byte for byte, so that each charset and transfer encoding is the one named. Each
message carries a `Received` header from the office's server (Monday 23 November 2026, 9:12 in
Montreal) and a sender's `Date` that is wrong on purpose (a clock set a week late): casework must
read the first and never the second.
"""

import base64
from datetime import datetime
from email.utils import format_datetime
from zoneinfo import ZoneInfo

MONTREAL = ZoneInfo("America/Toronto")
RECEIVED = datetime(2026, 11, 23, 9, 12, tzinfo=MONTREAL)
PLAIN_PART = (
    "--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
)
WRONG_DATE = "Mon, 30 Nov 2026 18:00:00 -0500"
TEXT = (
    "Bonjour, j’ai reçu un avis de la Régie le 12 novembre; je conteste la décision « sans délai »."
)


def _received(moment: datetime = RECEIVED) -> str:
    return (
        "Received: from mx.example.org (mx.example.org [192.0.2.10])\r\n"
        "\tby imap.example.qc.ca with ESMTPS id 4X2;\r\n"
        f"\t{format_datetime(moment)}\r\n"
    )


def _headers(
    *,
    subject: str,
    sender: str = "Marie Tremblay <marie.tremblay@example.org>",
    to: str = "plaintes@example.qc.ca",
    message_id: str | None = "<m1@example.org>",
    extra: str = "",
) -> str:
    mid = f"Message-ID: {message_id}\r\n" if message_id else ""
    return (
        _received()
        + f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {WRONG_DATE}\r\n"
        + mid
        + "MIME-Version: 1.0\r\n"
        + extra
    )


def utf8_quoted_printable(message_id="<utf8qp@example.org>") -> bytes:
    body = (
        "Bonjour, j=E2=80=99ai re=C3=A7u un avis de la R=C3=A9gie le 12 novembre; =\r\n"
        "je conteste la d=\r\n"
        "=C3=A9cision =C2=AB=C2=A0sans d=C3=A9lai=C2=A0=C2=BB.\r\n"
    )
    return (
        _headers(
            subject="=?UTF-8?Q?Contestation_d=E2=80=99une_d=C3=A9cision_de_la_R=C3=A9gie?=",
            message_id=message_id,
        )
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        + body
    ).encode("ascii")


def latin1_8bit(message_id="<latin1@example.org>") -> bytes:
    """Declared ISO-8859-1, written by a Windows program: its ’ and œ are Windows-1252 bytes."""
    head = _headers(
        subject="=?ISO-8859-1?Q?Re=E7u_=E0_l'accueil_:_d=E9lai_trop_long?=",
        sender="=?ISO-8859-1?Q?Andr=E9_B=E9langer?= <andre.belanger@example.org>",
        message_id=message_id,
    )
    body = "Mon cœur n’y est plus : ça fait trois mois que j’attends ma réponse.\r\n"
    return (
        head.encode("ascii")
        + b"Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body.encode("cp1252")
    )


def windows1252_base64(message_id="<cp1252@example.org>") -> bytes:
    subject = base64.b64encode("Frais exigés – demande de remboursement".encode("cp1252"))
    body = base64.encodebytes(
        "« Les frais exigés sont injustifiés », écrit-elle.\r\n".encode("cp1252")
    )
    return (
        _headers(subject=f"=?windows-1252?B?{subject.decode()}?=", message_id=message_id)
        + "Content-Type: text/plain; charset=windows-1252\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + body.decode("ascii")
    ).encode("ascii")


def outlook_html_only(message_id="<outlook@example.org>") -> bytes:
    html = (
        "<html><head><style>p.MsoNormal{margin:0}</style>"
        "<script>alert('x')</script></head><body>"
        "<p class=MsoNormal>Bonjour,<o:p></o:p></p>"
        "<p class=MsoNormal>Le d&eacute;lai de traitement de mon dossier d&eacute;passe "
        "&laquo;&nbsp;90&nbsp;jours&nbsp;&raquo;.<o:p></o:p></p>"
        "<p class=MsoNormal><b>Jean Roy</b><br>514&nbsp;555-0100</p>"
        '<img src="https://tracker.example.com/pixel.gif" onerror="alert(1)">'
        "</body></html>"
    )
    return (
        _headers(
            subject="Délai de traitement",
            message_id=message_id,
            sender="Jean Roy <jean.roy@example.org>",
        ).replace(
            "Subject: Délai de traitement",
            "Subject: =?utf-8?B?"
            + base64.b64encode("Délai de traitement".encode()).decode()
            + "?=",
        )
        + 'Content-Type: text/html; charset="utf-8"\r\n'
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(html.encode()).decode("ascii")
    ).encode("ascii")


def forwarded(message_id="<fwd@example.org>") -> bytes:
    inner = (
        "From: Lucie Gagnon <lucie.gagnon@example.org>\r\n"
        "To: bureau.regional@example.qc.ca\r\n"
        "Subject: =?UTF-8?Q?Plainte_=C3=A0_transmettre?=\r\n"
        "Date: Fri, 20 Nov 2026 15:00:00 -0500\r\n"
        "Message-ID: <inner@example.org>\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "Je me plains du service reçu au comptoir.\r\n"
    )
    return (
        _headers(
            subject="TR: Plainte à transmettre".replace("à", "=?UTF-8?Q?=C3=A0?="),
            sender="Bureau régional <bureau.regional@example.qc.ca>".replace(
                "Bureau régional", "=?UTF-8?Q?Bureau_r=C3=A9gional?="
            ),
            message_id=message_id,
        )
        + 'Content-Type: multipart/mixed; boundary="fwd"\r\n\r\n'
        + PLAIN_PART.format(boundary="fwd")
        + "Voici une plainte reçue à notre bureau, à traiter par votre service.\r\n"
        + "--fwd\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"
        + inner
        + "--fwd--\r\n"
    ).encode("utf-8")


def reply(
    *,
    subject: str,
    in_reply_to: str | None = None,
    sender=None,
    message_id="<reply@example.org>",
    moment: datetime = RECEIVED,
) -> bytes:
    """A reply from the requester (to an acknowledgment, or carrying the reference)."""
    threading = (
        f"In-Reply-To: {in_reply_to}\r\nReferences: {in_reply_to}\r\n" if in_reply_to else ""
    )
    head = _headers(
        subject=subject,
        sender=sender or "Marie Tremblay <marie.tremblay@example.org>",
        message_id=message_id,
        extra=threading,
    ).replace(_received(), _received(moment))
    return (
        head
        + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "Voici le numéro de dossier demandé : 2026-4471.\r\n\r\n> Message d’origine\r\n"
    ).encode("utf-8")


def auto_reply(message_id="<auto@example.org>") -> bytes:
    return (
        _headers(
            subject="Absence du bureau",
            message_id=message_id,
            extra="Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\n",
        )
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
        + "Je suis absente jusqu'au 30 novembre.\r\n"
    ).encode("utf-8")


def bounce(message_id="<bounce@example.qc.ca>") -> bytes:
    return (
        _headers(
            subject="Undelivered Mail Returned to Sender",
            sender="MAILER-DAEMON@example.qc.ca (Mail Delivery System)",
            message_id=message_id,
        )
        + 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        + "--b\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n"
        + "--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n"
        + "--b--\r\n"
    ).encode("ascii")


def mailing_list(message_id="<list@example.org>") -> bytes:
    return (
        _headers(
            subject="Infolettre de novembre",
            sender="Infolettre <nouvelles@example.org>",
            message_id=message_id,
            extra="List-Id: <nouvelles.example.org>\r\nPrecedence: bulk\r\n",
        )
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\nNouvelles du mois.\r\n"
    ).encode("utf-8")


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


def _attachment(name: str, data: bytes, content_type: str) -> str:
    return (
        f"--att\r\nContent-Type: {content_type}\r\n"
        f"Content-Disposition: attachment; filename*=UTF-8''{_rfc2231(name)}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(data).decode("ascii")
    )


def _rfc2231(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def three_attachments(message_id="<three@example.org>") -> bytes:
    return (
        _headers(subject="=?UTF-8?Q?Pi=C3=A8ces_au_soutien?=", message_id=message_id)
        + 'Content-Type: multipart/mixed; boundary="att"\r\n\r\n'
        + PLAIN_PART.format(boundary="att")
        + "Vous trouverez ci-joint la facture, une photo et le programme de calcul.\r\n"
        + _attachment("facture-décembre.pdf", PDF, "application/pdf")
        + _attachment("photo.png", PNG, "image/png")
        + _attachment("calcul.pdf", EXE, "application/pdf")
        + "--att--\r\n"
    ).encode("utf-8")


def no_message_id() -> bytes:
    return (
        _headers(subject="Sans identifiant", message_id=None)
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\nUn message sans Message-ID.\r\n"
    ).encode("utf-8")


def malformed() -> bytes:
    """No sender, a header block cut in the middle, binary garbage: not an email one can read."""
    return b"\x00\x01\x02garbage without headers\xff\xfe\r\n: :\r\n\r\n\x89\x00"
