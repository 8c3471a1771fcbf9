"""Words the pages show for codes: case kinds, channels, priorities, deadline states.

The life-cycle words (states, triggers, outcomes) and the deadline names live with their rules in
`workflows`; these are the rest. English message ids, translated when shown.
"""

from casework.i18n import N_

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
}
