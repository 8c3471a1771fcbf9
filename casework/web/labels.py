"""Words the pages show for codes: case kinds, channels, priorities, roles, events, and the
entries of the access log.

The life-cycle words (states, triggers, outcomes) and the deadline names live with their rules in
`workflows`; these are the rest. English message ids, translated when shown.
"""

from casework.i18n import N_
from casework.services import access_log

KIND_LABELS = {
    "complaint": N_("Complaint"),
    "information_request": N_("Information request"),
    "media_request": N_("Media request"),
    "supplier_complaint": N_("Supplier complaint (public procurement)"),
    "comment": N_("Comment"),
}

CHANNEL_LABELS = {
    "email": N_("Email"),
    "letter": N_("Letter"),
    "phone": N_("Phone call"),
    "in_person": N_("Visit (in person)"),
    "web_form": N_("Web form"),
}

PRIORITY_LABELS = {
    "low": N_("Low"),
    "normal": N_("Normal"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}

ROLE_LABELS = {
    "agent": N_("Staff member (agent)"),
    "officer": N_("Complaints officer"),
    "supervisor": N_("Supervisor"),
    "admin": N_("Administrator"),
}

EVENT_LABELS = {
    "created": N_("Case registered"),
    "transition": N_("Status change"),
    "assignment": N_("Assignment"),
    "edit": N_("Edit"),
    "note": N_("Note"),
    "deadline_changed": N_("Deadline changed"),
    "reply_date_set": N_("Reply date of the Protecteur du citoyen set"),
    "documents": N_("Documents added"),
    "correspondence": N_("Email received"),
    "portal_addition": N_("Information added on the status page"),
    "classification": N_("What the case is about"),
    "measure": N_("Corrective measure"),
    "measure_done": N_("Corrective measure done"),
    "dossier_exported": N_("Dossier sent to the Protecteur du citoyen"),
    "address_added": N_("Postal address added for a letter to mail"),
}

# The access log's words live with the log (casework.services.access_log).
ACCESS_LABELS = access_log.WHAT_LABELS
INTERFACE_LABELS = access_log.INTERFACE_LABELS
