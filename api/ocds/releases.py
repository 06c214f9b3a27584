"""A contract's releases, oldest first: contract, one contractAmendment per change, implementation, termination.

What every release of a contract repeats (parties, buyer, planning, tender, award, related processes, the contract's
documents, the implementation) is built and pruned once per contract, and the releases share those objects; the
releases of contracts read together (`releases_of_contracts`, a page or a bulk job's range) also share the party
of each department and organization they have in common. Treat releases as read-only (copy one before changing
it)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from api.ocds.history import amendment_description, amendment_groups, apply_amendments, state_as_signed
from api.ocds.implementation import implementation, implementation_events
from api.ocds.parties import buyer_party, buyer_reference, supplier_party, supplier_reference
from api.ocds.sections import contract_documents, contract_section, planning, related_processes, tender
from api.ocds.values import (
    CLOSED_STATUSES,
    CONTRACT_STATUS,
    LANGUAGE,
    day_start,
    money,
    ocid,
    period,
    prune,
    routes_fixed,
    rows,
    zone_fixed,
)
from contracts.models import Contract


class _Parties:
    """The pruned party of each department and organization (and role), made once for contracts read together:
    the reader (api.selectors.ocds_contracts_with_ids) gives contracts of the same buyer or supplier the same
    record. Each entry keeps its record, so an id is never taken for another object's."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, bool], tuple[object, dict]] = {}

    def _party(self, holder, flag: bool, make) -> dict:
        key = (id(holder), flag)
        made = self._made.get(key)
        if made is None or made[0] is not holder:
            made = self._made[key] = (holder, prune(make()))
        return made[1]

    def of(self, contract: Contract, pays: bool) -> list[dict]:
        return [
            self._party(contract.department, pays, lambda: buyer_party(contract, pays=pays)),
            self._party(contract.organization, pays, lambda: supplier_party(contract, paid=pays)),
        ]


class _Shared:
    """The parts of one contract's releases that do not change from one release to the next, made once."""

    def __init__(self, contract: Contract, *, as_signed: dict, base_url: str, parties: _Parties) -> None:
        self.contract = contract
        self.ocid = ocid(contract)
        self.buyer = buyer_reference(contract)
        self.supplier = supplier_reference(contract)
        # Keys in release order; empty parts are left out, as prune() would.
        self.sections = prune(
            {
                "buyer": self.buyer,
                "planning": planning(contract),
                "tender": tender(contract, base_url=base_url),
                "awards": [
                    {
                        "id": contract.number,
                        "title": contract.title,
                        "status": "active",
                        "date": day_start(contract.signed_on),
                        "value": money(as_signed["amount"]),
                        "suppliers": [self.supplier],
                        "contractPeriod": period(as_signed["start_on"], as_signed["end_on"]),
                    }
                ],
                "relatedProcesses": related_processes(contract, base_url=base_url),
            }
        )
        self.documents = prune(contract_documents(contract, base_url))
        self._all_parties = parties
        self._parties: dict[bool, list[dict]] = {}

    def parties(self, pays: bool) -> list[dict]:
        if pays not in self._parties:
            self._parties[pays] = self._all_parties.of(self.contract, pays)
        return self._parties[pays]

    def release(self, *, release_id: str, date: str, tag: str, pays: bool, section: dict) -> dict:
        """A release with the contract `section`, whose nested parts (documents, amendments, implementation) are
        already pruned."""
        release = {
            "ocid": self.ocid,
            "id": release_id,
            "date": date,
            "tag": [tag],
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": self.parties(pays),
            **self.sections,
        }
        contract = {key: value for key, value in section.items() if value not in (None, "", [], {})}
        if contract:
            release["contracts"] = [contract]
        return release


def contract_releases(contract: Contract, *, base_url: str, today: datetime.date | None = None) -> list[dict]:
    """Every release of a signed (or later) contract, oldest first. A draft has none."""
    return releases_of_contracts([contract], base_url=base_url, today=today)[0][1]


def releases_of_contracts(
    contracts: Iterable[Contract], *, base_url: str, today: datetime.date | None = None
) -> list[tuple[Contract, list[dict]]]:
    """(contract, contract_releases(contract)) for each of `contracts`, in their order (a draft with no release):
    the time zone and today read once, and the parties of a department or organization made once."""
    with zone_fixed(), routes_fixed():
        today = today or timezone.localdate()
        parties = _Parties()
        return [
            (
                contract,
                _releases(contract, base_url=base_url, today=today, parties=parties)
                if contract.is_public and contract.signed_on is not None
                else [],
            )
            for contract in contracts
        ]


def _releases(contract: Contract, *, base_url: str, today: datetime.date, parties: _Parties) -> list[dict]:
    groups = amendment_groups(contract)
    as_signed = state_as_signed(contract, groups)
    shared = _Shared(contract, as_signed=as_signed, base_url=base_url, parties=parties)
    process = shared.ocid
    documents = shared.documents
    releases = []

    signed_id = f"{process}-contract"
    section = contract_section(contract, as_signed, status="active", base_url=base_url, documents=documents)
    signed_progress = implementation(contract, today, as_signed=True)
    section["implementation"] = signed_progress
    releases.append(
        shared.release(
            release_id=signed_id, date=day_start(contract.signed_on), tag="contract", pays=False, section=section
        )
    )

    state = as_signed
    previous_id = signed_id
    amendments: list[dict] = []
    for group in groups:
        state = apply_amendments(state, group)
        release_id = f"{process}-amendment-{group[0].pk}"
        amendments.append(
            prune(
                {
                    "id": str(group[0].pk),
                    "date": day_start(group[0].amended_on),
                    "rationale": group[0].reason,
                    "description": amendment_description(group),
                    "amendsReleaseID": previous_id,
                    "releaseID": release_id,
                }
            )
        )
        section = contract_section(contract, state, status="active", base_url=base_url, documents=documents)
        section["amendments"] = list(amendments)
        releases.append(
            shared.release(
                release_id=release_id,
                date=day_start(group[0].amended_on),
                tag="contractAmendment",
                pays=False,
                section=section,
            )
        )
        previous_id = release_id

    current = {"amount": contract.amount, "start_on": contract.start_on, "end_on": contract.end_on}
    pays = bool(rows(contract, "payments"))
    events = implementation_events(contract, today)
    closed_on = contract.completed_on or contract.terminated_on
    closed = contract.status in CLOSED_STATUSES and closed_on is not None
    progress = (
        implementation(
            contract,
            today,
            base_url=base_url,
            payer=shared.buyer,
            payee=shared.supplier,
            scheduled=signed_progress.get("milestones", []),
        )
        if events or closed
        else None
    )
    if events:
        last = max(events)
        section = contract_section(contract, current, status="active", base_url=base_url, documents=documents)
        if amendments:
            section["amendments"] = list(amendments)
        section["implementation"] = progress
        releases.append(
            shared.release(
                release_id=f"{process}-implementation-{last.isoformat()}",
                date=day_start(last),
                tag="implementation",
                pays=pays,
                section=section,
            )
        )

    if closed:
        section = contract_section(
            contract, current, status=CONTRACT_STATUS[contract.status], base_url=base_url, documents=documents
        )
        if contract.termination_reason:
            section["description"] = f"{contract.description}\n{contract.termination_reason}".strip()
        if amendments:
            section["amendments"] = list(amendments)
        section["implementation"] = progress
        releases.append(
            shared.release(
                release_id=f"{process}-termination",
                date=day_start(closed_on),
                tag="contractTermination",
                pays=pays,
                section=section,
            )
        )
    return releases
