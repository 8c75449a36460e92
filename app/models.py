"""Every tenant model, imported once so that ``db.metadata`` is complete before
a schema is provisioned or compared with the migrations."""

from app.audit.models import AuditEntry
from app.auth.models import User
from app.billing.models import (BankLine, BankStatement, BillingRun, BillingSettings, NonPaymentProcedure, Payment,
                                PaymentAllocation, PremiumCall, StripeEvent, StripeIntent)
from app.catalog.models import CommissionAgreement, Guarantee, Insurer, InsurerContact, LineSetting, Product
from app.claims.dispute_models import ClaimDispute, DisputeHearing, DisputeProposal
from app.claims.models import Claim, ClaimAttachment, ClaimEvent, ClaimMessage, ExpertMission, LiabilityCase
from app.claims.settlement_models import ClaimDamage, ClaimPayment, ClaimRecourse, ClaimReserve
from app.commissions.models import (Beneficiary, CommissionDispute, CommissionLine, CommissionShare,
                                    ContractBeneficiary, InsurerStatement, Payout, ShareRule, StatementLine,
                                    StatementMapping)
from app.complaints.models import Complaint
from app.contracts.models import (Attestation, Cancellation, Clause, Contract, ContractClause, ContractEvent,
                                  ContractVersion, Endorsement, Letter, LetterTemplate, RenewalNotice)
from app.crm.models import Client, Contact, CrossSellDismissal, Interaction, Task
from app.documents.models import Document
from app.insurer_api.models import InboundRequest, InsurerApiKey
from app.outbox.models import DeliveryAttempt, OutboxMessage
from app.placements.models import Placement, PlacementNote
from app.portal.models import ClientRequest, PortalAccount, PortalSession
from app.portal.payment_models import PortalPayment, SavedPaymentMethod
from app.providers.models import Provider
from app.quotes.models import AdviceDocument, NeedsAnalysis, Offer

__all__ = [
    "BankLine", "BankStatement", "Beneficiary", "BillingRun", "BillingSettings", "CommissionDispute",
    "CommissionLine", "CommissionShare", "ContractBeneficiary", "InsurerStatement", "NonPaymentProcedure", "Payout",
    "ShareRule", "StatementLine", "StatementMapping", "StripeEvent", "StripeIntent",
    "Claim", "ClaimAttachment", "ClaimDamage", "ClaimDispute", "ClaimEvent", "ClaimMessage", "ClaimPayment",
    "ClaimRecourse", "ClaimReserve", "DisputeHearing", "DisputeProposal", "ExpertMission", "LiabilityCase",
    "Complaint", "Provider",
    "AdviceDocument", "Attestation", "AuditEntry", "Cancellation", "Clause", "Client", "CommissionAgreement",
    "Contact", "Contract", "ContractClause", "ContractEvent", "ContractVersion", "CrossSellDismissal",
    "DeliveryAttempt", "Document", "Endorsement", "Guarantee", "InboundRequest", "Insurer", "InsurerApiKey",
    "InsurerContact", "Interaction", "Letter", "LetterTemplate", "LineSetting", "NeedsAnalysis", "Offer",
    "OutboxMessage", "Payment", "ClientRequest", "PortalAccount", "PortalSession", "PortalPayment", "SavedPaymentMethod", "PaymentAllocation", "Placement", "PlacementNote", "PremiumCall", "Product",
    "RenewalNotice", "Task", "User",
]
