"""The providers' directory: the filtered list and its export, creating and
editing a provider (optimistic locking), deactivating and reactivating one,
the experts suited to a claim, and a provider's missions and payments.

Every change is audited; the caller commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.claims.models import Claim, ExpertMission
from app.claims.settlement_models import ClaimPayment
from app.providers import rules
from app.providers.models import Provider

FIELDS = ("kind", "name", "contact_name", "email", "phone", "address", "siren", "specialties", "areas", "notes")
ACTIVE_CHOICES = ("active", "inactive", "all")
EXPORT_COLUMNS = ("kind", "name", "contact_name", "email", "phone", "address", "siren", "specialties", "areas",
                  "is_active", "notes")


class ProviderError(Exception):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(", ".join(problems.values()))
        self.problems = problems

    @property
    def stale(self) -> bool:
        return "version" in self.problems


@dataclass(frozen=True)
class ProviderFilters:
    q: str = ""
    kind: str = ""
    specialty: str = ""
    area: str = ""
    active: str = "active"

    @property
    def any(self) -> bool:
        return bool(self.q or self.kind or self.specialty or self.area or self.active != "active")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filtered(filters: ProviderFilters) -> Select:
    """The providers matching ``filters``, by name."""
    query = select(Provider)
    if filters.kind in rules.KINDS:
        query = query.where(Provider.kind == filters.kind)
    if filters.specialty in rules.SPECIALTIES:
        query = query.where(Provider.specialties.contains([filters.specialty]))
    area = rules.normalise_departement(filters.area) if filters.area else None
    if area:
        query = query.where(Provider.areas.contains([area]))
    if filters.active != "all":
        query = query.where(Provider.is_active.is_(filters.active != "inactive"))
    for word in filters.q.split()[:5]:
        pattern = _like(word)
        query = query.where(or_(Provider.name.ilike(pattern), Provider.contact_name.ilike(pattern),
                                Provider.email.ilike(pattern), Provider.phone.ilike(pattern),
                                Provider.siren.ilike(pattern), Provider.address.ilike(pattern)))
    return query.order_by(func.lower(Provider.name), Provider.id)


def page_of(session: Session, filters: ProviderFilters, page: int, per_page: int) -> tuple[list[Provider], int]:
    query = filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(session.scalars(query.limit(per_page).offset((page - 1) * per_page))), total


def export_rows(session: Session, filters: ProviderFilters) -> Iterator[list]:
    """The header, then one row per provider of the filtered list (every page)."""
    yield list(EXPORT_COLUMNS)
    for provider in session.scalars(filtered(filters).execution_options(yield_per=500)):
        cells = {name: getattr(provider, name) for name in EXPORT_COLUMNS}
        cells["specialties"] = ", ".join(provider.specialties or [])
        cells["areas"] = ", ".join(provider.areas or [])
        cells["is_active"] = "yes" if provider.is_active else "no"
        yield [cells[name] for name in EXPORT_COLUMNS]


def _snapshot(provider: Provider) -> dict:
    return {name: getattr(provider, name) for name in (*FIELDS, "is_active")}


def _checked(values: dict) -> dict:
    cleaned, problems = rules.clean(values)
    if problems:
        raise ProviderError(problems)
    return cleaned


def create(session: Session, actor, values: dict) -> Provider:
    """Add a provider to the network; raises ProviderError with problems by field."""
    provider = Provider(**_checked(values), is_active=True)
    session.add(provider)
    session.flush()
    audit.record(session, actor, "provider.create", "provider", provider.id, after=_snapshot(provider))
    return provider


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ProviderError({"version": "stale"}) from None


def _check_version(provider: Provider, version: int | None) -> None:
    if version != provider.version:
        raise ProviderError({"version": "stale"})


def update(session: Session, actor, provider: Provider, values: dict, *, version: int | None) -> Provider:
    """Change a provider's details, unless someone saved it since ``version``."""
    _check_version(provider, version)
    cleaned = _checked(values)
    before = _snapshot(provider)
    for name, value in cleaned.items():
        setattr(provider, name, value)
    after = _snapshot(provider)
    if before != after:
        _flush(session)
        audit.record(session, actor, "provider.update", "provider", provider.id, before=before, after=after)
    return provider


def set_active(session: Session, actor, provider: Provider, active: bool, *, version: int | None) -> Provider:
    """Deactivate a provider (it leaves the choices, its history stays) or bring it back."""
    _check_version(provider, version)
    if provider.is_active != active:
        provider.is_active = active
        _flush(session)
        audit.record(session, actor, "provider.activate" if active else "provider.deactivate", "provider",
                     provider.id, before={"is_active": not active}, after={"is_active": active})
    return provider


def active_experts(session: Session) -> list[Provider]:
    return list(session.scalars(select(Provider).where(Provider.kind == "expert", Provider.is_active.is_(True))
                                .order_by(func.lower(Provider.name), Provider.id)))


def experts_for(session: Session, line: str, departement: str | None) -> list[tuple[Provider, int]]:
    """The active experts with how well they suit a claim of ``line`` in
    ``departement`` (``rules.suggestion_rank``), best first, then by name."""
    ranked = [(expert, rules.suggestion_rank(expert.specialties, expert.areas, line, departement))
              for expert in active_experts(session)]
    return sorted(ranked, key=lambda pair: -pair[1])


def missions_of(session: Session, provider: Provider) -> list[tuple[ExpertMission, Claim]]:
    return list(session.execute(
        select(ExpertMission, Claim).join(Claim, Claim.id == ExpertMission.claim_id)
        .where(ExpertMission.provider_id == provider.id)
        .order_by(ExpertMission.created_at.desc(), ExpertMission.id.desc())).all())


def payments_of(session: Session, provider: Provider) -> list[tuple[ClaimPayment, Claim]]:
    return list(session.execute(
        select(ClaimPayment, Claim).join(Claim, Claim.id == ClaimPayment.claim_id)
        .where(ClaimPayment.provider_id == provider.id)
        .order_by(ClaimPayment.paid_on.desc(), ClaimPayment.id.desc())).all())
