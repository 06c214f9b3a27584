"""A contract's releases, oldest first: contract, one contractAmendment per change, implementation, termination."""

from __future__ import annotations

import datetime

from django.utils import timezone

from api.ocds.history import amendment_description, amendment_groups, apply_amendments, state_as_signed
from api.ocds.implementation import implementation, implementation_events
from api.ocds.parties import buyer_party, buyer_reference, supplier_party, supplier_reference
from api.ocds.sections import contract_section, planning, related_processes, tender
from api.ocds.values import CLOSED_STATUSES, CONTRACT_STATUS, LANGUAGE, day_start, money, ocid, period, prune
from contracts.models import Contract


def _release(
    contract: Contract, *, release_id: str, date: str, tag: str, pays: bool, as_signed: dict, base_url: str
) -> dict:
    release = {
        "ocid": ocid(contract),
        "id": release_id,
        "date": date,
        "tag": [tag],
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": [buyer_party(contract, pays=pays), supplier_party(contract, paid=pays)],
        "buyer": buyer_reference(contract),
        "planning": planning(contract),
        "tender": tender(contract, base_url=base_url),
        "awards": [
            {
                "id": contract.number,
                "title": contract.title,
                "status": "active",
                "date": day_start(contract.signed_on),
                "value": money(as_signed["amount"]),
                "suppliers": [supplier_reference(contract)],
                "contractPeriod": period(as_signed["start_on"], as_signed["end_on"]),
            }
        ],
        "relatedProcesses": related_processes(contract, base_url=base_url),
    }
    return release


def contract_releases(contract: Contract, *, base_url: str, today: datetime.date | None = None) -> list[dict]:
    """Every release of a signed (or later) contract, oldest first. A draft has none."""
    if not contract.is_public or contract.signed_on is None:
        return []
    today = today or timezone.localdate()
    process = ocid(contract)
    groups = amendment_groups(contract)
    as_signed = state_as_signed(contract, groups)
    releases = []

    signed_id = f"{process}-contract"
    release = _release(
        contract,
        release_id=signed_id,
        date=day_start(contract.signed_on),
        tag="contract",
        pays=False,
        as_signed=as_signed,
        base_url=base_url,
    )
    section = contract_section(contract, as_signed, status="active", base_url=base_url)
    section["implementation"] = implementation(contract, today, as_signed=True)
    release["contracts"] = [section]
    releases.append(release)

    state = as_signed
    previous_id = signed_id
    amendments: list[dict] = []
    for group in groups:
        state = apply_amendments(state, group)
        release_id = f"{process}-amendment-{group[0].pk}"
        amendments.append(
            {
                "id": str(group[0].pk),
                "date": day_start(group[0].amended_on),
                "rationale": group[0].reason,
                "description": amendment_description(group),
                "amendsReleaseID": previous_id,
                "releaseID": release_id,
            }
        )
        release = _release(
            contract,
            release_id=release_id,
            date=day_start(group[0].amended_on),
            tag="contractAmendment",
            pays=False,
            as_signed=as_signed,
            base_url=base_url,
        )
        section = contract_section(contract, state, status="active", base_url=base_url)
        section["amendments"] = list(amendments)
        release["contracts"] = [section]
        releases.append(release)
        previous_id = release_id

    current = {"amount": contract.amount, "start_on": contract.start_on, "end_on": contract.end_on}
    pays = bool(contract.payments.all())
    events = implementation_events(contract, today)
    if events:
        last = max(events)
        release = _release(
            contract,
            release_id=f"{process}-implementation-{last.isoformat()}",
            date=day_start(last),
            tag="implementation",
            pays=pays,
            as_signed=as_signed,
            base_url=base_url,
        )
        section = contract_section(contract, current, status="active", base_url=base_url)
        if amendments:
            section["amendments"] = list(amendments)
        section["implementation"] = implementation(contract, today, base_url=base_url)
        release["contracts"] = [section]
        releases.append(release)

    closed_on = contract.completed_on or contract.terminated_on
    if contract.status in CLOSED_STATUSES and closed_on is not None:
        release = _release(
            contract,
            release_id=f"{process}-termination",
            date=day_start(closed_on),
            tag="contractTermination",
            pays=pays,
            as_signed=as_signed,
            base_url=base_url,
        )
        section = contract_section(contract, current, status=CONTRACT_STATUS[contract.status], base_url=base_url)
        if contract.termination_reason:
            section["description"] = f"{contract.description}\n{contract.termination_reason}".strip()
        if amendments:
            section["amendments"] = list(amendments)
        section["implementation"] = implementation(contract, today, base_url=base_url)
        release["contracts"] = [section]
        releases.append(release)
    return [prune(release) for release in releases]
