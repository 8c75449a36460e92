"""Words of claims: kinds, statuses, sections and fields of the declaration,
problems. Lazy, so they follow the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

KIND_LABELS = {
    "collision": _l("Accident with another vehicle or an object"), "theft": _l("Theft"),
    "break_in": _l("Burglary"), "water_damage": _l("Water damage"), "fire": _l("Fire"),
    "glass": _l("Broken glass"), "natural_event": _l("Storm, flood or other natural event"),
    "liability": _l("Damage caused to someone else"), "illness": _l("Illness or accident of a person"),
    "other": _l("Something else"),
}
STATUS_LABELS = {"declared": _l("Declared"), "in_progress": _l("Being handled"),
                 "with_insurer": _l("With the insurer"), "settled": _l("Settled"), "closed": _l("Closed")}
STATUS_BADGES = {"declared": "text-bg-info", "in_progress": "text-bg-primary", "with_insurer": "text-bg-warning",
                 "settled": "text-bg-success", "closed": "text-bg-secondary"}
COVER_LABELS = {"covered": _l("Covered"), "partial": _l("Partly covered"), "not_covered": _l("Not covered")}
COVER_BADGES = {"covered": "text-bg-success", "partial": "text-bg-warning", "not_covered": "text-bg-danger"}
CHANNEL_LABELS = {"portal": _l("Client space"), "phone": _l("Phone"), "letter": _l("Letter"), "email": _l("Email")}
#: the kinds of the claim's timeline entries (app.claims.timeline.record)
EVENT_LABELS = {
    "declared": _l("Claim declared"), "assigned": _l("Handler assigned"), "status_changed": _l("Status changed"),
    "notice_sent": _l("Claim notice sent to the insurer"), "notice_failed": _l("Claim notice not delivered"),
    "insurer_acknowledged": _l("Insurer acknowledged the claim"),
    "insurer_reference": _l("Insurer's claim number"), "insurer_decision": _l("Insurer's decision"),
    "insurer_payment": _l("Payment announced by the insurer"),
    "cover_checked": _l("Cover checked"), "cover_overridden": _l("Cover decided against the proposal"),
    "expert_sent": _l("Expert sent"), "expert_appointment": _l("Expert's appointment"),
    "expert_reminder": _l("Reminder to the expert"), "expert_report": _l("Expert's report received"),
    "mission_cancelled": _l("Expert's mission cancelled"),
    "liability_set": _l("Liability set"),
    "damage_added": _l("Damage item added"), "damage_changed": _l("Damage item changed"),
    "damage_removed": _l("Damage item removed"), "reserve_set": _l("Reserve changed"),
    "indemnity_computed": _l("Indemnity computed"), "payment_recorded": lazy_pgettext("indemnity", "Payment recorded"),
    "recourse_opened": _l("Recourse opened"), "recourse_updated": _l("Recourse updated"),
    "closed": _l("Claim closed"), "reopened": _l("Claim reopened"),
    "dispute_opened": _l("Dispute opened"), "proposal_made": _l("Proposal in mediation"),
    "proposal_accepted": _l("Compromise agreed"), "proposal_refused": _l("Proposal refused"),
    "litigation_started": _l("Litigation started"), "hearing_scheduled": _l("Hearing scheduled"),
    "dispute_closed": _l("Dispute closed"),
    "letter_sent": _l("Letter sent"), "message_client": _l("Message from the client"),
    "message_firm": _l("Message to the client"), "document_added": _l("Document added"),
    "documents_sent": _l("Documents sent to a lawyer or an expert"),
    "document_shared": _l("Document shared with the client or hidden"),
    "complaint_received": _l("Complaint about this claim"),
}
#: what a claim's file is (ClaimAttachment.category)
ATTACHMENT_LABELS = {
    "declaration": _l("Declaration"), "mission_letter": _l("Mission letter"), "expert_report": _l("Expert's report"),
    "invoice": _l("Quote or invoice"), "letter": _l("Letter"), "litigation": _l("Litigation"),
    "insurer": _l("From the insurer"), "other": _l("Other"),
}
#: the details of timeline entries shown to people, and their words (other details stay in the audit log)
DETAIL_LABELS = {
    "channel": _l("Channel"), "destination": _l("Sent to"), "deadline": _l("Declaration deadline"),
    "declared_late": _l("Declared late"),
    "from": lazy_pgettext("status change", "From"), "to": lazy_pgettext("status change", "To"),
    "origin": _l("Origin"), "mediator": _l("Mediator"), "opened_on": _l("Opened on"),
    "side": lazy_pgettext("proposal", "Made by"), "amount": _l("Amount"), "made_on": _l("Made on"),
    "compromise_on": _l("Agreed on"), "court": _l("Court"), "case_number": _l("Case number"),
    "lawyer": _l("Lawyer"), "started_on": _l("Started on"), "kind": _l("What"), "at": _l("When"),
    "place": _l("Place"), "awarded_amount": _l("Amount awarded"), "closed_on": _l("Closed on"),
    "category": _l("Category"), "visible_to_client": _l("Shown to the client"), "subject": _l("Subject"),
    "label": _l("Item"), "claimed_amount": _l("Claimed"), "expert_amount": _l("Expert's amount"),
    "agreed_amount": _l("Agreed"), "indemnity": _l("Indemnity"), "paid_total": _l("Paid so far"),
    "previous": _l("Before"), "reserve": _l("Reserve"), "paid_on": _l("Paid on"), "payee_kind": _l("Paid to"),
    "decision": _l("Decision"), "reason": _l("Reason"), "note": _l("Note"),
    "appointment_at": _l("Appointment"), "report_due_on": _l("Report due on"),
    "reminders_sent": _l("Reminders sent"), "assessed_amount": _l("Assessed amount"),
    "liability_opinion": _l("Liability opinion (%)"), "liability_share": _l("Insured's share of liability (%)"),
    "cover_decision": _l("Cover"), "reopened_count": _l("Times reopened"),
    "shared_with_client": _l("Shared with the client"),
}
SECTION_LABELS = {"third_parties": _l("Third parties involved"), "police_report": _l("Police report"),
                  "injured": _l("Injured people"), "damaged_goods": _l("Damaged goods"),
                  "vehicle": _l("Your vehicle")}
FIELD_LABELS = {
    "third_party_name": _l("Name of the third party"), "third_party_insurer": _l("Their insurer"),
    "third_party_policy": _l("Their policy number"), "third_party_registration": _l("Their registration number"),
    "police_report": _l("Did you file a report with the police?"), "police_station": _l("Police station"),
    "police_report_number": _l("Report number"), "injured": _l("Was anyone injured?"),
    "injured_details": _l("Who, and how"), "damaged_goods": _l("What was damaged"),
    "estimated_amount": _l("Estimated amount of the damage (€)"),
    "vehicle_registration": _l("Registration of your vehicle"), "vehicle_drivable": _l("Can the vehicle be driven?"),
}
YES_NO_FIELDS = frozenset({"police_report", "injured", "vehicle_drivable"})
PROBLEMS = {
    "required": _l("This field is required."), "choice_invalid": _l("Choose one of the proposed values."),
    "date_invalid": _l("Enter a date."), "in_future": _l("This date is in the future."),
    "before_loss": _l("You cannot have learned of it before it happened."),
    "too_long": _l("This text is too long."),
    "theft_needs_report": _l("A theft must be reported to the police first: the insurer asks for the report."),
    "registration_invalid": _l("Enter a French registration number, such as AB-123-CD."),
    "too_many": _l("Attach 10 files at most."),
    "attachment_too_large": _l("Each file must weigh less than 8 MB."),
    "attachment_empty": _l("One of the files is empty."),
    "attachment_unsupported_type": _l("Attach photos (JPEG, PNG, WebP) or PDF documents only."),
    "stale": _l("Someone changed this claim meanwhile: reload the page and try again."),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))
