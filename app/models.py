"""Every tenant model, imported once so that ``db.metadata`` is complete before
a schema is provisioned or compared with the migrations."""

from app.audit.models import AuditEntry
from app.auth.models import User
from app.catalog.models import CommissionAgreement, Guarantee, Insurer, InsurerContact, LineSetting, Product
from app.crm.models import Client, Contact, CrossSellDismissal, Interaction, Task
from app.documents.models import Document
from app.quotes.models import AdviceDocument, NeedsAnalysis, Offer

__all__ = [
    "AdviceDocument", "AuditEntry", "Client", "CommissionAgreement", "Contact", "CrossSellDismissal",
    "Document", "Guarantee", "Insurer", "InsurerContact", "Interaction", "LineSetting", "NeedsAnalysis",
    "Offer", "Product", "Task", "User",
]
