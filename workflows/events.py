"""The kinds of line in a case's audit trail, and their names in words.

DESIGN §2.2: "Every transition, assignment, note and deadline change is an event in an
append-only audit trail with actor, time, from/to state and reason." `EventKind` names what a
line records; its values are the strings stored in `case_events.kind`, so the enum changes
nothing in the database. The labels are English message ids, translated where they are shown
(`casework/timeline.py`).
"""

from enum import StrEnum

from workflows.i18n_markers import N_


class EventKind(StrEnum):
    """What one line of the audit trail records."""

    CREATED = "created"  # the case is registered
    TRANSITION = "transition"  # a trigger of the life cycle (workflows.case_flow) fired
    ASSIGNMENT = "assignment"
    EDIT = "edit"  # the subject or the priority changed
    NOTE = "note"
    DEADLINE_CHANGED = "deadline_changed"  # an extension, or a change of the calendar
    REPLY_DATE_SET = "reply_date_set"  # the Protecteur du citoyen's reply date
    DOCUMENTS = "documents"
    CORRESPONDENCE = "correspondence"  # an email about the case received
    PORTAL_ADDITION = "portal_addition"  # the requester added information on the status page
    CLASSIFICATION = "classification"  # what the case is about
    MEASURE = "measure"  # a corrective measure
    MEASURE_DONE = "measure_done"
    DOSSIER_EXPORTED = "dossier_exported"  # the dossier sent to the Protecteur du citoyen
    LETTER_MAILED = "letter_mailed"  # a letter printed and put in the mail
    ADDRESS_ADDED = "address_added"  # a postal address added for a letter to mail
    HOLD_PLACED = "hold_placed"  # retention: a hold keeps the case
    HOLD_LIFTED = "hold_lifted"
    RETENTION_ANONYMIZE = "retention_anonymize"  # the retention schedule's final action
    RETENTION_DESTROY = "retention_destroy"

    @classmethod
    def of_final_action(cls, action: str) -> "EventKind":
        """Return the kind that records a final action of the retention schedule."""
        return cls(f"retention_{action}")


EVENT_LABELS: dict[EventKind, str] = {
    EventKind.CREATED: N_("Case registered"),
    EventKind.TRANSITION: N_("Status change"),
    EventKind.ASSIGNMENT: N_("Assignment"),
    EventKind.EDIT: N_("Edit"),
    EventKind.NOTE: N_("Note"),
    EventKind.DEADLINE_CHANGED: N_("Deadline changed"),
    EventKind.REPLY_DATE_SET: N_("Reply date of the Protecteur du citoyen set"),
    EventKind.DOCUMENTS: N_("Documents added"),
    EventKind.CORRESPONDENCE: N_("Email received"),
    EventKind.PORTAL_ADDITION: N_("Information added on the status page"),
    EventKind.CLASSIFICATION: N_("What the case is about"),
    EventKind.MEASURE: N_("Corrective measure"),
    EventKind.MEASURE_DONE: N_("Corrective measure done"),
    EventKind.DOSSIER_EXPORTED: N_("Dossier sent to the Protecteur du citoyen"),
    EventKind.LETTER_MAILED: N_("Letter mailed"),
    EventKind.ADDRESS_ADDED: N_("Postal address added for a letter to mail"),
    EventKind.HOLD_PLACED: N_("Retention hold placed"),
    EventKind.HOLD_LIFTED: N_("Retention hold lifted"),
    EventKind.RETENTION_ANONYMIZE: N_("Anonymized under the retention schedule"),
    EventKind.RETENTION_DESTROY: N_("Destroyed under the retention schedule"),
}
