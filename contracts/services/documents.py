"""Contract documents: files attached to a contract, public or not; removable only while the contract is a draft."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from contracts.models import Contract, ContractDocument
from contracts.services.common import delete_stored, require_manager
from contracts.workflows import CONTRACT
from core.services import lock, save
from core.uploads import validate_upload


@transaction.atomic
def contract_document_add(
    *,
    actor,
    contract: Contract,
    file,
    title: str,
    kind: str = ContractDocument.Kind.CONTRACT_TEXT,
    is_public=False,
    now: datetime.datetime | None = None,
) -> ContractDocument:
    """Attach a file to a contract; `now` (default: the current time) is when it was uploaded."""
    require_manager(actor, contract)
    CONTRACT.check("add_document", contract.status)
    check = validate_upload(file)
    document = ContractDocument(
        contract=contract,
        file=file,
        original_name=check.original_name,
        size=check.size,
        content_type=check.content_type,
        sha256=check.sha256,
        title=(title or "").strip() or check.original_name,
        kind=kind,
        is_public=is_public,
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
    )
    save(document, actor=actor)
    return document


@transaction.atomic
def contract_document_set_public(*, actor, document: ContractDocument, is_public: bool) -> ContractDocument:
    require_manager(actor, document.contract)
    CONTRACT.check("publish_document", document.contract.status)
    document.is_public = is_public
    save(document, actor=actor)
    return document


@transaction.atomic
def contract_document_remove(*, actor, document: ContractDocument) -> None:
    """Remove a file of a draft contract (once signed, its files are part of the public record: unpublish instead)."""
    contract = document.contract
    require_manager(actor, contract)
    lock(contract)
    CONTRACT.check("remove_document", contract.status)
    name = document.file.name
    if getattr(actor, "is_authenticated", False):
        document._history_user = actor
    document.delete()
    transaction.on_commit(lambda: delete_stored([name]))
