"""Each letter's French and English text for the hand-worked case, compared with text written by
hand.

The case (tests/notifications/letters/conftest.py): a complaint received by mail on Friday
18 December 2026, answer due Monday 25 January 2027 (20 business days). Then, worked out by hand:
- acknowledged Monday 21 December 2026;
- information requested Tuesday 5 January 2027: 14 business days were left (6, 7, 8, 11 to 15,
  18 to 22 and 25 January);
- resumed Monday 11 January: 4 business days spent waiting (6, 7, 8 and 11 January), so the answer
  is due 4 business days after 25 January: Friday 29 January;
- extended by 5 business days on Monday 25 January, before that deadline: 1 to 5 February, so
  Friday 5 February 2027;
- answered Wednesday 3 February 2027; a complaint, so the letter gives the Protecteur du citoyen.
"""

from datetime import date

import pytest

from casework.services import letters
from casework.services.errors import TransitionNotAllowed
from tests.notifications.letters.conftest import OFFICER, extend, fire, letter_of_18_december

LETTERHEAD_FR = """Secrétariat du Conseil du trésor
Bureau des plaintes
875, Grande Allée Est
Québec (Québec)  G1R 5R8
"""
ADDRESS_BLOCK = """Marie Tremblay
12, rue des Érables
Québec (Québec)  G1R 2B5
"""
SIGNATURE_FR = """Responsable des plaintes
Bureau des plaintes

Téléphone : 418 643-1529, sans frais : 1 866 552-5158
Heures d’ouverture : de 8 h 30 à 12 h et de 13 h 30 à 16 h 30
Courriel : plaintes@example.qc.ca, www.tresor.gouv.qc.ca
"""
LETTERHEAD_EN = """Secrétariat du Conseil du trésor
Complaints Office
875, Grande Allée Est
Québec (Québec)  G1R 5R8
"""
SIGNATURE_EN = """Complaints Officer
Complaints Office

Telephone: 418 643-1529, toll-free: 1 866 552-5158
Office hours: from 8:30 a.m. to 12:00 p.m. and from 1:30 p.m. to 4:30 p.m.
Email: plaintes@example.qc.ca, www.tresor.gouv.qc.ca
"""
MISSING = "Une copie de la lettre de refus du permis, datée du 2 décembre 2026."
REASON = "Nous devons obtenir l'avis de la Direction des permis."
ANSWER = (
    "Nous avons examiné votre dossier avec la Direction des permis.\n\n"
    "Votre demande de permis sera traitée d'ici le 15 février 2027."
)


def run_the_case(ctx, **requester):
    """Take the hand-worked case from receipt to answer; return its letters, oldest first."""
    case = letter_of_18_december(ctx, **requester)
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    fire(ctx, case, "request_information", 2027, 1, 5, 10, 0, comment=MISSING)
    resumed = fire(ctx, case, "resume", 2027, 1, 11, 10, 0)
    assert resumed.answer_due_on == date(2027, 1, 29)
    extended = extend(ctx, case, 5, REASON, 2027, 1, 25, 10, 0)
    assert extended.answer_due_on == date(2027, 2, 5)
    fire(ctx, case, "answer", 2027, 2, 3, 14, 0, answer_summary=ANSWER)
    found = letters.for_case(ctx, actor=OFFICER, interface="api", reference=case.reference)
    return found.letters


def french(day: str, subject: str, greeting: str, body: str, closing: str) -> str:
    return (
        f"{LETTERHEAD_FR}\nQuébec, le {day}\n\n{ADDRESS_BLOCK}\n"
        f"Objet : {subject}\nNotre référence : PLT-2026-00001\n\n{greeting}\n\n{body}\n"
        f"{closing}\n\n{SIGNATURE_FR}"
    ).replace(" :", "\u00a0:")


def english(day: str, subject: str, greeting: str, body: str) -> str:
    return (
        f"{LETTERHEAD_EN}\nQuébec, {day}\n\n{ADDRESS_BLOCK}\n"
        f"Subject: {subject}\nOur reference: PLT-2026-00001\n\n{greeting}\n\n{body}\n"
        f"Yours sincerely,\n\n{SIGNATURE_EN}"
    )


PROTECTEUR_FR = """Si cette réponse ne vous satisfait pas, vous pouvez vous adresser au
Protecteur du citoyen, qui examine gratuitement les plaintes visant les
ministères et organismes du gouvernement du Québec :

Protecteur du citoyen
525, boulevard René-Lévesque Est, bureau 1.25
Québec (Québec)  G1R 5Y4
Téléphone : 1 800 463-5070
Courriel : protecteur@protecteurducitoyen.qc.ca
Site Web : www.protecteurducitoyen.qc.ca
"""
PROTECTEUR_EN = """If you are not satisfied with this answer, you may turn to the Protecteur du
citoyen, who examines complaints about Quebec public bodies free of charge:

Protecteur du citoyen
525, boulevard René-Lévesque Est, suite 1.25
Québec (Québec)  G1R 5Y4
Telephone: 1 800 463-5070
Email: protecteur@protecteurducitoyen.qc.ca
Website: www.protecteurducitoyen.qc.ca
"""


def test_madame_tremblay_receives_four_letters_in_french_from_receipt_to_answer(ctx):
    sent = run_the_case(ctx, title="ms")
    assert [(x.kind, x.letter_date, x.channel) for x in sent] == [
        ("acknowledgment", date(2026, 12, 21), "mail"),
        ("information_request", date(2027, 1, 5), "mail"),
        ("extension_notice", date(2027, 1, 25), "mail"),
        ("answer", date(2027, 2, 3), "mail"),
    ]
    madame = "Veuillez agréer, Madame, nos salutations distinguées."
    acknowledgment, information, extension, answer = (x.text_body for x in sent)

    assert acknowledgment == french(
        "21 décembre 2026",
        "Accusé de réception",
        "Madame,",
        """Nous avons bien reçu votre plainte le 18 décembre 2026. Son numéro de
référence est PLT-2026-00001 : veuillez le rappeler dans toute communication
avec nous.

Objet de votre plainte : Délai de traitement d'une demande de permis

Nous vous répondrons au plus tard le 25 janvier 2027, soit dans un délai de
20 jours ouvrables suivant sa réception, comme nous nous y engageons dans
notre déclaration de services.

Si nous ne pouvons pas respecter ce délai, nous vous en informerons avant
son échéance, en vous indiquant le motif et la nouvelle date. Si notre
réponse ne vous satisfait pas, vous pourrez alors vous adresser au
Protecteur du citoyen.
""",
        madame,
    )
    assert information == french(
        "5 janvier 2027",
        "Demande de renseignements manquants",
        "Madame,",
        """Pour poursuivre le traitement de votre plainte du 18 décembre 2026, nous
avons besoin des renseignements suivants :

Une copie de la lettre de refus du permis, datée du 2 décembre 2026.

Veuillez nous les faire parvenir par la poste à l’adresse indiquée en tête
de cette lettre, ou par courriel à plaintes@example.qc.ca, en mentionnant la
référence PLT-2026-00001.

Le délai de réponse est suspendu à compter du 5 janvier 2027 jusqu’à la
réception de ces renseignements. Il reprendra alors son cours, et il restera
14 jours ouvrables.
""",
        madame,
    )
    assert extension == french(
        "25 janvier 2027",
        "Prolongation du délai de réponse",
        "Madame,",
        """Nous avons besoin de plus de temps pour répondre à votre plainte du
18 décembre 2026 (numéro de référence PLT-2026-00001).

Nous vous répondrons au plus tard le 5 février 2027, au lieu du
29 janvier 2027.

Motif de la prolongation :

Nous devons obtenir l'avis de la Direction des permis.

Nous vous prions de nous excuser de ce délai et vous remercions de votre
patience.
""",
        madame,
    )
    assert answer == french(
        "3 février 2027",
        "Réponse à votre plainte",
        "Madame,",
        f"""Voici notre réponse à votre plainte du 18 décembre 2026.

Nous avons examiné votre dossier avec la Direction des permis.

Votre demande de permis sera traitée d'ici le 15 février 2027.

{PROTECTEUR_FR}""",
        madame,
    )


def test_mister_tremblay_receives_the_same_four_letters_in_english(ctx):
    sent = run_the_case(ctx, title="mr", language="en")
    acknowledgment, information, extension, answer = (x.text_body for x in sent)
    assert {x.language for x in sent} == {"en"}
    assert acknowledgment == english(
        "December 21, 2026",
        "Acknowledgment of receipt",
        "Dear Sir,",
        """We received your complaint on December 18, 2026. Its reference number is
PLT-2026-00001: please mention it whenever you contact us.

Subject of your complaint: Délai de traitement d'une demande de permis

We will answer you by January 25, 2027 at the latest, that is within
20 business days of its receipt, as our service declaration commits us to.

If we cannot meet this deadline, we will let you know before it ends, with
the reason and the new date. If you are not satisfied with our answer, you
may then turn to the Protecteur du citoyen.
""",
    )
    assert information == english(
        "January 5, 2027",
        "Request for missing information",
        "Dear Sir,",
        f"""To continue processing your complaint of December 18, 2026, we need the
following information from you:

{MISSING}

Please send it to us by mail at the address at the top of this letter, or by
email at plaintes@example.qc.ca, mentioning the reference PLT-2026-00001.

The answer delay is suspended from January 5, 2027 until we receive this
information. It will then resume, with 14 business days remaining.
""",
    )
    assert extension == english(
        "January 25, 2027",
        "Extension of the answer delay",
        "Dear Sir,",
        f"""We need more time to answer your complaint, reference number PLT-2026-00001,
received on December 18, 2026.

We will answer you by February 5, 2027 at the latest, instead of
January 29, 2027.

Reason for the extension:

{REASON}

We apologize for this delay and thank you for your patience.
""",
    )
    assert answer == english(
        "February 3, 2027",
        "Answer to your complaint",
        "Dear Sir,",
        f"""Here is our answer to your complaint of December 18, 2026.

Nous avons examiné votre dossier avec la Direction des permis.

Votre demande de permis sera traitée d'ici le 15 février 2027.

{PROTECTEUR_EN}""",
    )


def test_without_a_title_the_letter_greets_the_person_by_full_name(ctx):
    case = letter_of_18_december(ctx)
    fire(ctx, case, "acknowledge", 2026, 12, 21, 9, 30)
    (letter,) = letters.for_case(
        ctx, actor=OFFICER, interface="api", reference=case.reference
    ).letters
    assert "\n\nBonjour Marie Tremblay,\n\n" in letter.text_body
    assert "\n\nVeuillez agréer nos salutations distinguées.\n\n" in letter.text_body


def test_an_extension_given_after_the_deadline_says_the_deadline_was_missed(ctx):
    # Due Monday 25 January 2027; extended on Wednesday 27 January by 3 business days: from
    # 25 January, 26, 27 and 28 January, so Thursday 28 January 2027.
    case = letter_of_18_december(ctx, kind="information_request")
    extended = extend(ctx, case, 3, "Votre demande touche trois directions.", 2027, 1, 27, 10, 0)
    assert extended.answer_due_on == date(2027, 1, 28)
    (letter,) = letters.for_case(
        ctx, actor=OFFICER, interface="api", reference=case.reference
    ).letters
    body = " ".join(letter.text_body.split())
    assert (
        "Notre réponse à votre demande de renseignements du 18 décembre 2026, numéro de "
        "référence REN-2026-00001, était attendue au plus tard le 25 janvier 2027. Nous nous "
        "excusons de ne pas vous avoir répondu dans ce délai." in body
    )
    assert "Nous vous répondrons au plus tard le 28 janvier 2027." in body
    assert "au lieu du" not in body


def test_only_the_answer_to_a_complaint_gives_the_protecteur_du_citoyen(ctx):
    request = letter_of_18_december(ctx, kind="information_request")
    fire(ctx, request, "answer", 2027, 1, 12, 14, 0, answer_summary="Voici les renseignements.")
    (answer,) = letters.for_case(
        ctx, actor=OFFICER, interface="api", reference=request.reference
    ).letters
    assert answer.subject == "Réponse à votre demande de renseignements"
    assert "Protecteur du citoyen" not in answer.text_body


def closing_text(ctx, outcome: str, **fields) -> str:
    case = letter_of_18_december(ctx)
    fire(ctx, case, "close", 2027, 1, 6, 11, 0, outcome=outcome, **fields)
    (letter,) = letters.for_case(
        ctx, actor=OFFICER, interface="api", reference=case.reference
    ).letters
    assert letter.kind == "closing"
    assert letter.subject == "Fermeture de votre dossier"
    greeting = "Bonjour Marie Tremblay,\n\n"
    start = letter.text_body.index(greeting) + len(greeting)
    return letter.text_body[start : letter.text_body.index("Veuillez agréer")]


QUESTIONS = """Pour toute question, vous pouvez nous joindre au numéro de téléphone ou à
l’adresse de courriel ci-dessous, en mentionnant la référence
PLT-2026-00001.

"""


def test_a_withdrawn_complaint_is_closed_with_a_letter_saying_so(ctx):
    assert closing_text(ctx, "withdrawn") == (
        "À la suite du retrait de votre plainte du 18 décembre 2026, nous avons fermé\n"
        "votre dossier.\n\n" + QUESTIONS
    )


def test_a_redirected_complaint_gives_the_other_body_and_its_contact(ctx):
    text = closing_text(
        ctx,
        "redirected",
        redirected_to="Régie du bâtiment du Québec\n545, boulevard Crémazie Est, 3e étage\n"
        "Montréal (Québec)  H2M 2V2\n1 800 361-0761",
    )
    assert text == (
        "L’objet de votre plainte du 18 décembre 2026 relève d’un autre organisme\u00a0:\n"
        "nous avons donc fermé votre dossier chez nous.\n\n"
        "Nous vous invitons à vous adresser à l’organisme suivant\u00a0:\n\n"
        "Régie du bâtiment du Québec\n545, boulevard Crémazie Est, 3e étage\n"
        "Montréal (Québec)  H2M 2V2\n1 800 361-0761\n\n" + QUESTIONS
    )


def test_a_complaint_closed_without_follow_up_is_told_so(ctx):
    assert closing_text(ctx, "no_follow_up") == (
        "Nous avons fermé sans suite le dossier de votre plainte du 18 décembre 2026.\n\n"
        + QUESTIONS
    )


# What a complaint closed on its merits was about (docs/accountability.md).
ABOUT = {
    "service": "support_advice",
    "commitment": "diligence",
    "root_cause": "delay",
    "remedy": "correction",
}


def test_closing_an_answered_case_writes_no_second_letter(ctx):
    case = letter_of_18_december(ctx)
    fire(ctx, case, "answer", 2027, 1, 12, 14, 0, answer_summary="Votre plainte est fondée.")
    fire(ctx, case, "close", 2027, 1, 13, 9, 0, outcome="founded", classification=ABOUT)
    sent = letters.for_case(ctx, actor=OFFICER, interface="api", reference=case.reference)
    assert [x.kind for x in sent.letters] == ["answer"]


def test_a_refused_step_writes_no_letter(ctx):
    case = letter_of_18_december(ctx)
    with pytest.raises(TransitionNotAllowed):
        fire(ctx, case, "close", 2027, 1, 6, 11, 0, outcome="founded")  # not answered yet
    assert (
        letters.for_case(ctx, actor=OFFICER, interface="api", reference=case.reference).letters
        == []
    )
