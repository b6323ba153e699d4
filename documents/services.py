"""Issuing a document: number it, draw it, sign it, archive it, audit it, in one transaction.

``document_issue`` is the one path for the page, the API and the schedule.
Under the lock of the agency's register row for the year it takes the next
number, renders the report with that number and the issue date, signs it
with the agency's certificate, appends the ``document.issued`` audit entry
and stores the signed file with that entry's seq and hash.  Anything that
fails rolls all of it back, the number included, so the register has no
gap; a second clerk waits on the row, so it has no duplicate either.  A
refusal is audited after the failed block, as every refusal is.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import audit, clock
from approvals.events import Event, refused
from approvals.exceptions import Conflict, DomainError, Forbidden, Invalid, NotAuthenticated
from approvals.models import Agency
from approvals.permissions import agency_id_of
from approvals.roles import Role, roles_of
from province.models import DocumentKind
from province.profile import document_facts
from reports.pdf import RenderError
from reports.scope import Moment

from . import signing
from .drafts import Draft, draft_from, periodic_draft, render_issued
from .models import IssuedDocument, PreparedReport, RegisterCounter
from .placement import NoSignaturePlace, signature_box

log = logging.getLogger(__name__)

VERB = "issue_document"
OBJECT_TYPE = "documents.issueddocument"


def document_issue(
    *,
    actor: Any,
    data: Mapping[str, Any] | None = None,
    prepared_id: int | None = None,
    ip: str = "",
) -> IssuedDocument:
    """Issue the draft ``data`` describes (or the prepared periodic report) as ``actor``, a clerk."""
    try:
        return _issue(actor=actor, data=dict(data or {}), prepared_id=prepared_id, ip=ip)
    except DomainError as error:
        if not isinstance(error, NotAuthenticated):
            audit_refusal(
                actor=actor, error=error, data=dict(data or {}), prepared_id=prepared_id, ip=ip
            )
        raise


def issuing_agency(kind: str) -> Agency:
    """The agency the province's profile says issues ``kind``."""
    code = document_facts(kind).issuer_code
    agency = Agency.objects.filter(code=code).first() if code else None
    if agency is None:
        raise Conflict(_("Hồ sơ tỉnh chưa chỉ định cơ quan ban hành văn bản này."))
    return agency


def check_clerk(actor: Any, agency: Agency) -> None:
    """Only a clerk (văn thư) of the issuing agency numbers and issues its documents."""
    if Role.CLERK not in roles_of(actor):
        raise Forbidden(_("Chỉ văn thư được cấp số và ban hành văn bản."))
    if agency_id_of(actor) != agency.pk:
        raise Forbidden(
            _("Văn bản này do %(agency)s ban hành; văn thư cơ quan khác không cấp số được.")
            % {"agency": agency.name}
        )


def _prepared(prepared_id: int | None) -> PreparedReport | None:
    if prepared_id is None:
        return None
    prepared = PreparedReport.objects.filter(pk=prepared_id).first()
    if prepared is None:
        raise Invalid({"prepared": [_("Không có báo cáo định kỳ này.")]})
    return prepared


def _locked_counter(agency: Agency, year: int) -> RegisterCounter:
    """The register row for ``agency`` and ``year``, created on first use, locked for this transaction."""
    RegisterCounter.objects.get_or_create(agency=agency, year=year)
    return RegisterCounter.objects.select_for_update().get(agency=agency, year=year)


def _scheduled_for(draft: Draft) -> PreparedReport | None:
    """The schedule's unissued report for exactly this draft's period, if there is one.

    A clerk who issues the progress report of a scheduled period from the
    form, not from the waiting list, settles that period all the same: it
    must leave the waiting list and the police inbox.
    """
    if draft.period is None:
        return None
    return (
        PreparedReport.objects.unissued()
        .filter(
            kind=draft.kind,
            period_kind=draft.period.kind,
            period_start=draft.period.start,
            period_end=draft.period.end,
        )
        .first()
    )


def _issue(*, actor: Any, data: dict[str, Any], prepared_id: int | None, ip: str) -> IssuedDocument:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotAuthenticated(_("Cần đăng nhập."))
    if Role.CLERK not in roles_of(actor):
        raise Forbidden(_("Chỉ văn thư được cấp số và ban hành văn bản."))
    prepared = _prepared(prepared_id)
    kind = prepared.kind if prepared is not None else str(data.get("kind") or "")
    if kind not in DocumentKind.values:
        raise Invalid({"kind": [_("Chọn một loại văn bản.")]})
    agency = issuing_agency(kind)
    check_clerk(actor, agency)
    draft = (
        periodic_draft(prepared.kind, prepared.period_kind, prepared.period_end)
        if prepared is not None
        else draft_from(data, today=clock.today())
    )
    if prepared is None:
        prepared = _scheduled_for(draft)
    signer = signing.key_source(
        agency.code
    ).signer()  # before the lock: a missing key waits for nobody
    subject, serial = signing.certificate_facts(signer)
    facts = document_facts(draft.kind)
    try:
        with transaction.atomic():
            now = clock.now()
            moment = Moment(today=timezone.localdate(now), now=now)
            counter = _locked_counter(agency, moment.today.year)
            # Asked under the register's lock: of two clerks issuing the same
            # period at once, the second sees the first's document and stops.
            if (
                prepared is not None
                and not PreparedReport.objects.unissued().filter(pk=prepared.pk).exists()
            ):
                raise Conflict(_("Báo cáo định kỳ này đã được ban hành."))
            number = counter.last_number + 1
            pdf, context = render_issued(draft, reader=actor, number=number, moment=moment)
            header = context["header"]
            reference = f"{header['number']}/{header['symbol']}"
            signed = signing.sign(
                pdf,
                signer=signer,
                box=signature_box(pdf),
                agency_name=facts.issuer_name,
                when=timezone.localtime(clock.now()),  # the stamp shows the signing time
                reference=reference,
                location=facts.place,
            )
            digest = hashlib.sha256(signed).hexdigest()
            anchor = context["anchor"]
            period = draft.period
            entry = audit.append(
                action=Event.DOCUMENT_ISSUED,
                actor=actor,
                role=Role.CLERK,
                object_type=OBJECT_TYPE,
                object_id=f"{moment.today.year}:{reference}"[:64],
                payload={
                    "number": number,
                    "reference": reference,
                    "year": moment.today.year,
                    "kind": draft.kind,
                    "period": period.as_params() if period is not None else None,
                    "pilot_model": draft.pilot_model_id,
                    "sha256": digest,
                    "size": len(signed),
                    "certificate_serial": serial,
                    "anchor": {"seq": anchor["seq"], "hash": anchor["hash"]},
                },
                ip=ip,
            )
            document = IssuedDocument.objects.create(
                agency=agency,
                year=moment.today.year,
                number=number,
                symbol=header["symbol"],
                kind=draft.kind,
                period_kind=period.kind if period is not None else "",
                period_start=period.start if period is not None else None,
                period_end=period.end if period is not None else None,
                subject_id=draft.pilot_model_id,
                title=draft.title()[:300],
                issued_on=moment.today,
                issued_at=now,
                issued_by=actor,
                issued_by_username=actor.username,
                signer_name=facts.signing.name,
                signer_title=" ".join(p for p in (facts.signing.prefix, facts.signing.title) if p),
                certificate_subject=subject[:300],
                certificate_serial=serial[:80],
                content=signed,
                size=len(signed),
                sha256=digest,
                anchor_seq=anchor["seq"],
                anchor_hash=anchor["hash"],
                audit_seq=entry.seq,
                audit_hash=entry.hash,
                prepared=prepared,
            )
            counter.last_number = number
            counter.save(update_fields=["last_number"])
    except (RenderError, NoSignaturePlace) as error:
        log.error("issuing %s failed: %s", draft.kind, error)
        raise Conflict(_("Không lập được văn bản; chưa cấp số. Hãy thử lại sau.")) from None
    except DatabaseError as error:
        if _is_lock_error(error):
            raise Conflict(_("Sổ văn bản đang được người khác cấp số; hãy thử lại.")) from None
        raise
    return document


def _is_lock_error(error: DatabaseError) -> bool:
    text = str(error).lower()
    return any(
        s in text
        for s in ("lock timeout", "database is locked", "could not obtain lock", "deadlock")
    )


def audit_refusal(
    *,
    actor: Any,
    error: DomainError,
    data: Mapping[str, Any],
    prepared_id: int | None,
    ip: str = "",
) -> None:
    """``refused.issue_document``, after the failed block rolled back (SPEC §5)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    payload: dict[str, Any] = {
        "status": error.status,
        "code": error.code,
        "reason": str(error),
        "kind": str(data.get("kind") or "")[:20],
    }
    if prepared_id is not None:
        payload["prepared"] = prepared_id
    if isinstance(error, Invalid):
        payload["fields"] = sorted(error.errors)
    try:
        audit.append(
            action=refused(VERB),
            actor=actor,
            role=",".join(sorted(roles_of(actor))),
            object_type=OBJECT_TYPE,
            payload=payload,
            ip=ip,
        )
    except DatabaseError as db_error:
        if not _is_lock_error(db_error):
            raise
        log.warning(
            "refused.%s by %s not audited: %s", VERB, getattr(actor, "username", actor), db_error
        )
