"""Contracts as Open Contracting Data Standard 1.1 releases: pure functions from Qiyue's records to OCDS JSON.

One contracting process per signed contract, ocid = settings.OCDS_OCID_PREFIX + "-" + contract number. Its releases:

- `contract` (dated the signing day): the buyer (the purchasing department) and the supplier (the organization), both
  identified by their unified social credit code under org-id.guide's scheme "CN-USCI"; the tender as the purchase-list
  item the contract came from (its budget, catalogue classification, quantity and unit, service period), the budget
  it is paid from, the award and the contract as signed, with the deliverables as scheduled delivery milestones;
- `contractAmendment`, one per recorded change (the amendments written by one contract_amend call share a day and a
  reason): the contract after the change and every amendment so far;
- `implementation` (dated the latest event), once anything happened: milestones met (accepted deliverables), not met
  (due date passed without acceptance, or the contract closed without it), and one transaction per payment;
- `contractTermination` when the contract was completed or terminated (OCDS "terminated" covers both).

A contract under a revised purchase-list item names the original item's list as its planning process
(`relatedProcesses`). Empty fields, arrays and objects are left out (OCDS forbids empty arrays).

Release ids are unique within the ocid and stable: the same records always give the same releases. Dates without a
time become the start of that day (end of day for end dates and due dates) in the site's time zone. Texts are in
Chinese (`language` "zh"). Money is in yuan (CNY). Nothing here queries the database beyond the relations the caller
prefetched (api.selectors.ocds_contract_list).
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from itertools import groupby
from pathlib import Path
from urllib.parse import urlsplit

import ocdsmerge
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from contracts.models import Amendment, Contract, ContractDocument, Deliverable, Payment, PurchaseItem
from evaluations.models import Evaluation

OCDS_VERSION = "1.1"
CURRENCY = "CNY"
LANGUAGE = "zh"
# org-id.guide's scheme for the unified social credit code (统一社会信用代码, GB 32100-2015).
USCC_SCHEME = "CN-USCI"
# The purchase catalogue's first-level categories (政府购买服务指导性目录) as an item classification scheme.
CLASSIFICATION_SCHEME = "CN-GMFWML"

# Qiyue contract status -> OCDS contractStatus (closed codelist: pending, active, cancelled, terminated).
CONTRACT_STATUS = {
    Contract.Status.DRAFT: "pending",
    Contract.Status.SIGNED: "active",
    Contract.Status.PERFORMING: "active",
    Contract.Status.COMPLETED: "terminated",
    Contract.Status.TERMINATED: "terminated",
}

# Purchase method -> OCDS method (closed codelist: open, selective, limited, direct); the Chinese name goes to
# procurementMethodDetails.
PROCUREMENT_METHOD = {
    Contract.Method.PUBLIC_TENDER: "open",
    Contract.Method.INVITED_TENDER: "selective",
    Contract.Method.COMPETITIVE_NEGOTIATION: "limited",
    Contract.Method.COMPETITIVE_CONSULTATION: "limited",
    Contract.Method.INQUIRY: "limited",
    Contract.Method.SINGLE_SOURCE: "direct",
    # 其他 (e.g. entrustment after a comparison of candidates): the department chose whom to ask.
    Contract.Method.OTHER: "limited",
}

DOCUMENT_TYPE = {
    ContractDocument.Kind.CONTRACT_TEXT: "contractSigned",
    ContractDocument.Kind.ATTACHMENT: "contractAnnexe",
}

CLOSED_STATUSES = (Contract.Status.COMPLETED, Contract.Status.TERMINATED)

# Evaluation kind -> the Qiyue extension's PerformanceEvaluation.type.
EVALUATION_TYPE = {
    Evaluation.Kind.MID_TERM: "midTerm",
    Evaluation.Kind.FINAL: "final",
    Evaluation.Kind.ANNUAL: "annual",
}

# The Qiyue extension (performance evaluations, file fingerprints): its files live in the repository and are served
# by the site (api:ocds-extension); every package lists it.
EXTENSION_DIR = Path(__file__).resolve().parent / "ocds_extension"


# --- values ---------------------------------------------------------------------------------------------------------


def ocid(contract: Contract) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{contract.number}"


def day_start(day: datetime.date) -> str:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)).isoformat()


def day_end(day: datetime.date) -> str:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59))).isoformat()


def moment(value: datetime.datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def money(amount: Decimal) -> dict:
    return {"amount": float(amount), "currency": CURRENCY}


def period(start_on: datetime.date, end_on: datetime.date) -> dict:
    return {"startDate": day_start(start_on), "endDate": day_end(end_on)}


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


# --- parties --------------------------------------------------------------------------------------------------------


def buyer_id(contract: Contract) -> str:
    department = contract.department
    return f"{USCC_SCHEME}-{department.uscc}" if department.uscc else f"department-{department.code}"


def supplier_id(contract: Contract) -> str:
    return f"{USCC_SCHEME}-{contract.organization.uscc}"


def buyer_party(contract: Contract, *, pays: bool) -> dict:
    department = contract.department
    party = {
        "id": buyer_id(contract),
        "name": department.name,
        "address": {"region": department.region.full_name, "countryName": "中国"},
        "roles": ["buyer", "payer"] if pays else ["buyer"],
    }
    if department.uscc:
        party["identifier"] = {"scheme": USCC_SCHEME, "id": department.uscc, "legalName": department.name}
    # The department's public contact (an organization's contact data is not public, so suppliers have none).
    contact = {
        "name": department.contact_name,
        "telephone": department.contact_phone,
        "email": department.contact_email,
    }
    if any(contact.values()):
        party["contactPoint"] = {key: value for key, value in contact.items() if value}
    return party


def supplier_party(contract: Contract, *, paid: bool) -> dict:
    organization = contract.organization
    return {
        "id": supplier_id(contract),
        "name": organization.name,
        "identifier": {"scheme": USCC_SCHEME, "id": organization.uscc, "legalName": organization.name},
        "address": {
            "streetAddress": organization.domicile,
            "region": organization.region.full_name,
            "countryName": "中国",
        },
        "roles": ["supplier", "payee"] if paid else ["supplier"],
    }


def buyer_reference(contract: Contract) -> dict:
    return {"id": buyer_id(contract), "name": contract.department.name}


def supplier_reference(contract: Contract) -> dict:
    return {"id": supplier_id(contract), "name": contract.organization.name}


# --- the contract's history -----------------------------------------------------------------------------------------


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None


def _period_from_text(text: str) -> tuple[datetime.date, datetime.date] | None:
    """'2026-01-01 至 2026-12-31' (as contract_amend records a term) -> the two dates."""
    parts = [part.strip() for part in (text or "").split("至")]
    if len(parts) != 2:
        return None
    try:
        return datetime.date.fromisoformat(parts[0]), datetime.date.fromisoformat(parts[1])
    except ValueError:
        return None


def amendment_groups(contract: Contract) -> list[list[Amendment]]:
    """The contract's amendments, one group per contract_amend call (same day and reason), oldest first."""
    amendments = sorted(contract.amendments.all(), key=lambda amendment: (amendment.amended_on, amendment.pk))
    return [list(group) for _, group in groupby(amendments, key=lambda item: (item.amended_on, item.reason))]


def _state_as_signed(contract: Contract, groups: Sequence[Sequence[Amendment]]) -> dict:
    """Amount and term when signed: the first amendment of each kind remembers the value it replaced."""
    state = {"amount": contract.amount, "start_on": contract.start_on, "end_on": contract.end_on}
    seen: set[str] = set()
    for amendment in (item for group in groups for item in group):
        if amendment.kind in seen:
            continue
        seen.add(amendment.kind)
        if amendment.kind == Amendment.Kind.AMOUNT:
            amount = _decimal(amendment.old_value)
            if amount is not None:
                state["amount"] = amount
        elif amendment.kind == Amendment.Kind.DATES:
            dates = _period_from_text(amendment.old_value)
            if dates is not None:
                state["start_on"], state["end_on"] = dates
    return state


def _apply(state: dict, group: Iterable[Amendment]) -> dict:
    state = dict(state)
    for amendment in group:
        if amendment.kind == Amendment.Kind.AMOUNT:
            amount = _decimal(amendment.new_value)
            if amount is not None:
                state["amount"] = amount
        elif amendment.kind == Amendment.Kind.DATES:
            dates = _period_from_text(amendment.new_value)
            if dates is not None:
                state["start_on"], state["end_on"] = dates
    return state


def _amendment_description(group: Iterable[Amendment]) -> str:
    return "；".join(
        f"{_zh(amendment.get_kind_display())}：{amendment.old_value or '—'} → {amendment.new_value or '—'}"
        for amendment in group
    )


# --- implementation -------------------------------------------------------------------------------------------------


def milestone_status(deliverable: Deliverable, contract: Contract, today: datetime.date) -> str:
    if deliverable.status == Deliverable.Status.ACCEPTED:
        return "met"
    if contract.status in CLOSED_STATUSES or deliverable.due_on < today:
        return "notMet"
    return "scheduled"


def milestone(deliverable: Deliverable, status: str) -> dict:
    data = {
        "id": str(deliverable.pk),
        "title": deliverable.title,
        "type": "delivery",
        "description": deliverable.description or None,
        "dueDate": day_end(deliverable.due_on),
        "status": status,
    }
    if status == "met" and deliverable.accepted_at is not None:
        data["dateMet"] = moment(deliverable.accepted_at)
    return {key: value for key, value in data.items() if value is not None}


def payment_transaction(payment: Payment, contract: Contract) -> dict:
    return {
        "id": str(payment.instalment),
        "date": day_start(payment.paid_on),
        "value": money(payment.amount),
        "payer": buyer_reference(contract),
        "payee": supplier_reference(contract),
    }


def implementation_events(contract: Contract, today: datetime.date) -> list[datetime.date]:
    """The days on which the implementation changed: payments, acceptances, deliverables falling overdue."""
    days = [payment.paid_on for payment in contract.payments.all()]
    days += [timezone.localtime(evaluation.finalized_at).date() for evaluation in finalized_evaluations(contract)]
    for deliverable in contract.deliverables.all():
        if deliverable.status == Deliverable.Status.ACCEPTED and deliverable.accepted_at is not None:
            days.append(timezone.localtime(deliverable.accepted_at).date())
        elif contract.is_active and deliverable.due_on < today:
            days.append(deliverable.due_on + datetime.timedelta(days=1))
    return days


def finalized_evaluations(contract: Contract) -> list[Evaluation]:
    """The contract's finalized (public) evaluations, oldest first (prefetched by api.selectors)."""
    return [evaluation for evaluation in contract.evaluations.all() if evaluation.is_finalized]


def evaluation_document(evaluation: Evaluation, base_url: str) -> dict:
    return {
        "id": f"evaluation-{evaluation.pk}",
        "documentType": "physicalProgressReport",
        "title": f"绩效评价报告（{_zh(evaluation.get_kind_display())}）",
        "url": base_url.rstrip("/") + reverse("evaluations:evaluation-report", args=[evaluation.pk]),
        "datePublished": moment(evaluation.finalized_at),
        "format": "application/pdf",
        "language": LANGUAGE,
    }


def performance_evaluation(evaluation: Evaluation) -> dict:
    """The result as the Qiyue extension's PerformanceEvaluation (api/ocds_extension)."""
    return {
        "id": str(evaluation.pk),
        "type": EVALUATION_TYPE[evaluation.kind],
        "typeDetails": _zh(evaluation.get_kind_display()),
        "period": period(evaluation.period_start_on, evaluation.period_end_on),
        "date": moment(evaluation.finalized_at),
        "score": float(evaluation.score),
        "grade": evaluation.grade,
        "gradeDetails": _zh(evaluation.get_grade_display()),
        "evaluatorCount": evaluation.evaluator_count,
        "reportDocumentID": f"evaluation-{evaluation.pk}",
    }


def implementation(contract: Contract, today: datetime.date, *, as_signed: bool = False, base_url: str = "") -> dict:
    deliverables = list(contract.deliverables.all())
    if as_signed:
        return {"milestones": [milestone(deliverable, "scheduled") for deliverable in deliverables]}
    evaluations = finalized_evaluations(contract)
    return {
        "milestones": [milestone(item, milestone_status(item, contract, today)) for item in deliverables],
        "transactions": [payment_transaction(payment, contract) for payment in contract.payments.all()],
        "documents": [evaluation_document(evaluation, base_url) for evaluation in evaluations],
        "performanceEvaluations": [performance_evaluation(evaluation) for evaluation in evaluations],
    }


# --- releases -------------------------------------------------------------------------------------------------------


def document_path(doc: ContractDocument) -> str:
    """The contract page's download address of a document (the view checks who may download it)."""
    return reverse("contracts:document-download", args=[doc.contract.number, doc.pk])


def document(doc: ContractDocument, base_url: str) -> dict:
    return {
        "id": str(doc.pk),
        "documentType": DOCUMENT_TYPE.get(doc.kind, "contractAnnexe"),
        "title": doc.title,
        "url": base_url.rstrip("/") + document_path(doc),
        "datePublished": moment(doc.uploaded_at),
        "format": doc.content_type or None,
        "language": LANGUAGE,
        "sha256": doc.sha256 or None,
    }


def _contract_section(contract: Contract, state: dict, *, status: str, base_url: str) -> dict:
    section = {
        "id": contract.number,
        "awardID": contract.number,
        "title": contract.title,
        "description": contract.description or None,
        "status": status,
        "period": period(state["start_on"], state["end_on"]),
        "value": money(state["amount"]),
        "dateSigned": day_start(contract.signed_on) if contract.signed_on else None,
        "documents": [
            *contract_text_documents(contract, base_url),
            *(document(doc, base_url) for doc in contract.documents.all() if doc.is_public and contract.is_public),
        ],
    }
    return {key: value for key, value in section.items() if value not in (None, [])}


def contract_text_documents(contract: Contract, base_url: str) -> list[dict]:
    """The contract text Qiyue generates from the model-contract version the contract was signed on."""
    if contract.text_version is None or contract.signed_on is None:
        return []
    return [
        {
            "id": "contract-text",
            "documentType": "contractSigned",
            "title": f"合同文本（依据示范文本第 {contract.text_version.version} 版生成）",
            "url": base_url.rstrip("/") + reverse("contracts:contract-pdf", args=[contract.number]),
            "datePublished": day_start(contract.signed_on),
            "format": "application/pdf",
            "language": LANGUAGE,
        }
    ]


def purchase_list_path(purchase_list_id: int) -> str:
    return reverse("contracts:purchase-list-detail", args=[purchase_list_id])


def _item(item: PurchaseItem) -> dict:
    """The purchase-list item as an OCDS item: catalogue classification, quantity and unit (with the unit price)."""
    description = item.service_name
    if item.subcategory:
        description = f"{item.service_name}（{item.subcategory}）"
    return {
        "id": item.code,
        "description": description,
        "classification": {
            "scheme": CLASSIFICATION_SCHEME,
            "id": item.category,
            "description": _zh(item.get_category_display()),
        },
        "quantity": float(item.quantity),
        "unit": {"name": item.unit, "value": money((item.budget / item.quantity).quantize(Decimal("0.01")))},
    }


def tender(contract: Contract, *, base_url: str) -> dict:
    """The tender: the purchase-list item the contract was bought under (a contract without one: the contract)."""
    section = {
        "id": contract.number,
        "title": contract.title,
        "status": "complete",
        "mainProcurementCategory": "services",
        "procurementMethod": PROCUREMENT_METHOD[contract.method],
        "procurementMethodDetails": _zh(contract.get_method_display()),
    }
    item = contract.purchase_item
    if item is None:
        return section
    purchase_list = item.purchase_list
    section.update(
        {
            "id": f"{purchase_list.pk}-{item.code}",
            "title": item.service_name,
            "description": item.description,
            "value": money(item.budget),
            "items": [_item(item)],
            "contractPeriod": period(item.service_start_on, item.service_end_on),
            "eligibilityCriteria": item.provider_requirements,
        }
    )
    if purchase_list.published_on is not None:
        section["documents"] = [
            {
                "id": f"purchase-list-{purchase_list.pk}",
                "documentType": "procurementPlan",
                "title": purchase_list.title,
                "url": base_url.rstrip("/") + reverse("contracts:purchase-list-pdf", args=[purchase_list.pk]),
                "datePublished": day_start(purchase_list.published_on),
                "format": "application/pdf",
                "language": LANGUAGE,
            }
        ]
    return section


def planning(contract: Contract) -> dict | None:
    """The budget the contract is paid from: the item's budget within the department's budget of the list's year."""
    item = contract.purchase_item
    if item is None:
        return None
    purchase_list = item.purchase_list
    return {
        "budget": {
            "id": str(item.pk),
            "description": (
                f"资金来源：{contract.department.name} {purchase_list.year} 年度部门预算"
                f"（{purchase_list.title}：{item.code} {item.service_name}）"
            ),
            "amount": money(item.budget),
            "project": item.service_name,
            "projectID": item.code,
        }
    }


def related_processes(contract: Contract, *, base_url: str) -> list[dict]:
    """A contract under a revised item names the original item's purchase list as its planning process."""
    item = contract.purchase_item
    if item is None or item.origin_id is None or item.origin is None:
        return []
    origin = item.origin
    return [
        {
            "id": f"purchase-item-{origin.pk}",
            "relationship": ["planning"],
            "title": f"修订前的购买项目：{origin.purchase_list.title} {origin.code} {origin.service_name}",
            "uri": base_url.rstrip("/") + purchase_list_path(origin.purchase_list_id),
        }
    ]


def prune(value):
    """The value without None, empty strings, empty arrays and empty objects, at every depth."""
    if isinstance(value, dict):
        pruned = {key: prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        pruned = [prune(item) for item in value]
        return [item for item in pruned if item not in (None, "", [], {})]
    return value


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
    as_signed = _state_as_signed(contract, groups)
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
    section = _contract_section(contract, as_signed, status="active", base_url=base_url)
    section["implementation"] = implementation(contract, today, as_signed=True)
    release["contracts"] = [section]
    releases.append(release)

    state = as_signed
    previous_id = signed_id
    amendments: list[dict] = []
    for group in groups:
        state = _apply(state, group)
        release_id = f"{process}-amendment-{group[0].pk}"
        amendments.append(
            {
                "id": str(group[0].pk),
                "date": day_start(group[0].amended_on),
                "rationale": group[0].reason,
                "description": _amendment_description(group),
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
        section = _contract_section(contract, state, status="active", base_url=base_url)
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
        section = _contract_section(contract, current, status="active", base_url=base_url)
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
        section = _contract_section(contract, current, status=CONTRACT_STATUS[contract.status], base_url=base_url)
        if contract.termination_reason:
            section["description"] = f"{contract.description}\n{contract.termination_reason}".strip()
        if amendments:
            section["amendments"] = list(amendments)
        section["implementation"] = implementation(contract, today, base_url=base_url)
        release["contracts"] = [section]
        releases.append(release)
    return [prune(release) for release in releases]


def extension_url(base_url: str) -> str:
    return base_url.rstrip("/") + reverse("api:ocds-extension", args=["extension.json"])


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}/"


def _package_metadata(uri: str, published: str) -> dict:
    metadata = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [extension_url(_origin(uri))],
        "publishedDate": published,
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.OCDS_PUBLISHER_URI},
        "license": settings.OCDS_LICENSE,
        "publicationPolicy": settings.OCDS_PUBLICATION_POLICY,
    }
    return prune(metadata)


def _latest(releases: list[dict]) -> str:
    return max(releases, key=lambda release: datetime.datetime.fromisoformat(release["date"]))["date"]


def release_package(releases: list[dict], *, uri: str, published_date: datetime.datetime | None = None) -> dict:
    """An OCDS 1.1 release package. publishedDate: the latest release's date (now when there is none).

    Paging information never goes inside the package (OCDS defines no field for it): the API sends it as HTTP
    `Link` headers."""
    if published_date is not None:
        published = moment(published_date)
    elif releases:
        published = _latest(releases)
    else:
        published = moment(timezone.now())
    package = _package_metadata(uri, published)
    package["releases"] = releases
    return package


# --- records --------------------------------------------------------------------------------------------------------

# The official release schema (1.1.5, unchanged) that gives ocdsmerge its merge rules without a download.
RELEASE_SCHEMA_PATH = Path(__file__).resolve().parent / "ocds_schema" / "release-schema-1.1.5.json"


@functools.cache
def merger() -> ocdsmerge.Merger:
    with RELEASE_SCHEMA_PATH.open(encoding="utf-8") as handle:
        return ocdsmerge.Merger(schema=json.load(handle))


def record(releases: list[dict], *, package_url: str) -> dict:
    """One contracting process's record: its releases linked (by the package that holds them) and compiled by
    ocdsmerge into the current state (`compiledRelease`)."""
    compiled = merger().create_compiled_release(releases)
    return {
        "ocid": releases[0]["ocid"],
        "releases": [
            {"url": f"{package_url}#{release['id']}", "date": release["date"], "tag": release["tag"]}
            for release in releases
        ],
        "compiledRelease": compiled,
    }


def record_package(records: list[dict], *, uri: str, packages: list[str] | None = None) -> dict:
    """An OCDS 1.1 record package (publishedDate: the latest compiled release's date)."""
    published = _latest([item["compiledRelease"] for item in records]) if records else moment(timezone.now())
    package = _package_metadata(uri, published)
    if packages:
        package["packages"] = packages
    package["records"] = records
    return package


def local_extension_folders(base_url: str) -> dict[str, Path]:
    """URL prefix -> repository folder of every extension Qiyue publishes (for validating without a download)."""
    return {extension_url(base_url).rsplit("/", 1)[0] + "/": EXTENSION_DIR}
