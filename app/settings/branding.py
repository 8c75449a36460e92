"""The firm's identity as its clients see it: name, contact details, ORIAS,
colour and logo — in the portal, and in the emails and PDFs it sends. Kept
in the registry row's ``settings`` (where sign-up put the SIREN and ORIAS),
the logo as a document of the firm's own storage."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.documents import services as documents
from app.documents.models import Document, DocumentKind
from app.documents.storage import StorageError
from app.settings import rules
from tenants.models import Tenant

CONTACT_FIELDS = ("address", "phone", "email", "website")
LOGO_TYPES = frozenset({"image/png", "image/jpeg"})
MAX_LOGO_BYTES = 512 * 1024


class BrandingError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Brand:
    name: str
    colour: str
    colour_hover: str
    text_on_colour: str
    address: str | None
    phone: str | None
    email: str | None
    website: str | None
    orias: str | None
    logo_document_id: int | None


def brand_of(tenant) -> Brand:
    settings = getattr(tenant, "settings", None) or {}
    colour = rules.normalise_colour(settings.get("brand_colour")) or rules.DEFAULT_COLOUR
    return Brand(name=tenant.name, colour=colour, colour_hover=rules.shade(colour, 0.15),
                 text_on_colour=rules.text_colour_on(colour), address=settings.get("address"),
                 phone=settings.get("phone"), email=settings.get("email"), website=settings.get("website"),
                 orias=settings.get("orias"), logo_document_id=settings.get("logo_document_id"))


def logo(session: Session, tenant) -> Document | None:
    document_id = (getattr(tenant, "settings", None) or {}).get("logo_document_id")
    return session.get(Document, document_id) if document_id else None


def logo_data_uri(session: Session, tenant) -> str | None:
    """The firm's logo as a ``data:`` URI (base64, its stored PNG or JPEG
    type) for the PDFs: WeasyPrint reads it without fetching any URL. None
    without a logo, or when its file is gone or of another type."""
    document = logo(session, tenant)
    if document is None or document.content_type not in LOGO_TYPES:
        return None
    try:
        content = documents.content_of(session, document)
    except StorageError:
        return None
    return f"data:{document.content_type};base64,{base64.b64encode(content).decode('ascii')}"


@dataclass(frozen=True)
class DocumentHeader:
    """What the PDFs' shared header (``documents/_firm_header.html``) shows."""
    brand: Brand
    logo: str | None
    accent: str


def document_header(session: Session, tenant) -> DocumentHeader:
    """The firm's identity for a PDF's header: the brand, its logo as a data
    URI, and the accent colour for the header's rule and titles — the firm's
    colour when it reads on white paper (WCAG 4.5:1), else the default."""
    brand = brand_of(tenant)
    readable = rules.contrast_ratio(brand.colour, "#ffffff") >= rules.MIN_TEXT_CONTRAST
    return DocumentHeader(brand=brand, logo=logo_data_uri(session, tenant),
                          accent=brand.colour if readable else rules.DEFAULT_COLOUR)


def _store_logo(session: Session, actor, content: bytes, filename: str) -> int:
    if len(content) > MAX_LOGO_BYTES:
        raise BrandingError("logo_too_large")
    stored = documents.store(session, actor, content=content, filename=filename or "logo", kind=DocumentKind.OTHER,
                             title="Logo")
    if stored.content_type not in LOGO_TYPES:
        raise BrandingError("logo_type")
    return stored.id


def update_firm(session: Session, actor, tenant, *, name: str, values: dict, colour: str | None,
                logo_upload: tuple[bytes, str] | None, remove_logo: bool) -> dict:
    """Write the firm's identity; returns the new settings. Raises
    BrandingError on a bad colour or logo (nothing is written then)."""
    row = session.scalar(select(Tenant).where(Tenant.id == tenant.id).with_for_update())
    before = {"name": row.name, **{key: (row.settings or {}).get(key) for key in (*CONTACT_FIELDS, "orias",
                                                                                   "brand_colour")}}
    settings = dict(row.settings or {})
    if colour:
        normalised = rules.normalise_colour(colour)
        if normalised is None:
            raise BrandingError("colour_invalid")
        settings["brand_colour"] = normalised
    for key, value in values.items():
        settings[key] = (value or "").strip() or None
    if remove_logo:
        settings.pop("logo_document_id", None)
    if logo_upload is not None:
        try:
            settings["logo_document_id"] = _store_logo(session, actor, *logo_upload)
        except documents.DocumentError as exc:
            raise BrandingError("logo_type") from exc
    row.name, row.settings = name.strip(), settings
    after = {"name": row.name, **{key: settings.get(key) for key in (*CONTACT_FIELDS, "orias", "brand_colour")},
             "logo": bool(settings.get("logo_document_id"))}
    audit.record(session, actor, "firm.update", "firm", tenant.id, before=before, after=after)
    return settings
