"""Words shown for codes: case kinds, channels, priorities, roles, and the entries of the access
log.

The life-cycle words (states, triggers, outcomes), the deadline names and the kinds of trail line
live with their rules in `workflows`; these are the rest. English message ids, translated when
shown.
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

# The access log's words live with the log (casework.services.access_log).
ACCESS_LABELS = access_log.WHAT_LABELS
INTERFACE_LABELS = access_log.INTERFACE_LABELS
