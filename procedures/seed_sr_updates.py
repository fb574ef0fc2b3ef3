"""The sentences of seed 004 (Specialist Services Support Team) that say to update an SR with a value the
caseworker is given, copied character for character: the CMS panel cites them beside "set <field> = <value>"
(`procedures.effects.UpdateSR.said`; tests/unit/test_reference_values.py checks each against the seed).

Where the seed names no SR update for a value the procedure records (P5b's and P5c's hearing date and CPO, P5d's
first hearing date, which go on a form, into the SR Notes or the SR Activity Plan), there is no sentence here and
the panel gives the field as a suggestion.
"""

from __future__ import annotations

# P5c, "CPO provides summons issue date".
P5C_ISSUE_DATE = (
    "The CPO will email SSST with confirmation that the letter and summons has been issued including the date of "
    "issue, update the SR with this information."
)
# P5d, "CPT request cover letter": the hearing date from the email's subject, and the costs.
P5D_HEARING_DATE_AND_COSTS = (
    "The email will contain the hearing date in the subject field, update the SR with this date and any additional "
    "information such as costs."
)
# P5d, the issue date once CPT have sent the letter and summons.
P5D_ISSUE_DATE = (
    "Once CPT have sent the letter and summons, they will provide the issue date to be updated on the system."
)
# P5e, "Face to Face Consultant provides appointment date."
P5E_APPOINTMENT = "Update the appointment date, time and location on the SR."
