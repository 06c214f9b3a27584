"""The release data read as records (api.selectors.ocds_contracts_with_ids: tuples, no model instances) gives the same
releases, byte for byte, as the same contracts read as model instances with their related sets prefetched — on
generated data (every state, amendments, payments, documents, evaluations, revised items) and on the API fixtures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Prefetch

from api import ocds
from api.ocds.values import zh_display
from api.renderers import FastJSONRenderer
from api.selectors import RELEASE_SETS, ocds_contract_get, ocds_contract_ids, ocds_contracts_with_ids
from contracts import services as contract_services
from contracts.models import Amendment, Contract, ContractDocument, Payment
from evaluations.models import Evaluation
from portal.generator import generate
from tests.api.conftest import finalized_evaluation
from tests.factories import DeliverableFactory, PurchaseItemFactory, SignedContractFactory, make_upload

pytestmark = pytest.mark.django_db

BASE = "https://qiyue.example.cn/"
TODAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def open_data_settings(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"


def as_models(ids: list[int]) -> list[Contract]:
    """The contracts as model instances, every relation the releases follow read by the ORM."""
    return list(
        Contract.objects.filter(pk__in=ids)
        .select_related(
            "department__region",
            "organization__region",
            "purchase_item__purchase_list",
            "purchase_item__origin__purchase_list",
            "text_version",
        )
        .prefetch_related(*(Prefetch(name, queryset=related()) for name, related in RELEASE_SETS.items()))
        .order_by("signed_on", "number")
    )


def body(contracts, today=TODAY) -> bytes:
    releases = [
        release for contract in contracts for release in ocds.contract_releases(contract, base_url=BASE, today=today)
    ]
    package = ocds.release_package(releases, uri=f"{BASE}api/v1/ocds/releases/", published_date=None)
    return FastJSONRenderer().render(package)


def assert_same_releases(ids: list[int], today=TODAY) -> None:
    records = ocds_contracts_with_ids(ids)
    models = as_models(ids)
    assert [record.pk for record in records] == [model.pk for model in models] == ids
    for record, model in zip(records, models, strict=True):
        assert ocds.contract_releases(record, base_url=BASE, today=today) == ocds.contract_releases(
            model, base_url=BASE, today=today
        ), model.number
    assert body(records, today) == body(models, today)


def test_generated_data_gives_the_same_bytes():
    generate(profile="tiny", seed=7, today=TODAY, batch_size=500)
    ids = ocds_contract_ids()
    contracts = Contract.objects.filter(pk__in=ids)
    # The generated data holds every part a release shows, so the comparison covers each of them.
    assert contracts.exclude(status=Contract.Status.DRAFT).values("status").distinct().count() >= 3
    assert Payment.objects.filter(contract__in=contracts).exists()
    assert Evaluation.objects.filter(contract__in=contracts, status=Evaluation.Status.FINALIZED).exists()
    assert contracts.filter(purchase_item__isnull=False).exists()
    assert len(ids) > 20
    assert_same_releases(ids)


def test_amendments_documents_evaluations_and_revised_items_give_the_same_bytes(
    users, signed_contract, submitted_deliverable, department, organization, item
):
    purchaser = users["purchaser"]
    contract_services.deliverable_accept(actor=purchaser, submission=submitted_deliverable.submissions.get())
    contract_services.payment_record(
        actor=purchaser, contract=signed_contract, amount=Decimal("30000.00"), paid_on=datetime.date(2026, 6, 10),
        deliverable=submitted_deliverable,
    )  # fmt: skip
    contract_services.contract_amend(
        actor=purchaser, contract=signed_contract, reason="服务对象增加", amended_on=datetime.date(2026, 4, 1),
        amount=Decimal("120000.00"), end_on=datetime.date(2027, 2, 27),
    )  # fmt: skip
    contract_services.contract_document_add(
        actor=purchaser, contract=signed_contract, file=make_upload("pdf"), title="合同正本", is_public=True
    )
    contract_services.contract_document_add(
        actor=purchaser, contract=signed_contract, file=make_upload("pdf"), title="内部审批单", kind="attachment"
    )
    finalized_evaluation(signed_contract)
    revised = PurchaseItemFactory(purchase_list=item.purchase_list, origin=item, code="X-2")
    terminated = SignedContractFactory(department=department, organization=organization, purchase_item=revised)
    DeliverableFactory(contract=terminated, payment_share=100)
    contract_services.contract_terminate(
        actor=purchaser, contract=terminated, reason="协商解除", terminated_on=datetime.date(2026, 5, 1)
    )
    assert Amendment.objects.filter(contract=signed_contract).count() >= 2
    assert ContractDocument.objects.filter(contract=signed_contract, is_public=True).exists()
    ids = ocds_contract_ids()
    assert set(ids) == {signed_contract.pk, terminated.pk}
    assert_same_releases(ids, today=datetime.date(2026, 11, 1))
    assert ocds.contract_releases(ocds_contract_get(number=terminated.number), base_url=BASE) == (
        ocds.contract_releases(as_models([terminated.pk])[0], base_url=BASE)
    )


def test_records_are_shared_within_a_read_and_know_their_labels(signed_contract, department, organization):
    other = SignedContractFactory(department=department, organization=organization)
    first, second = ocds_contracts_with_ids(ocds_contract_ids())
    assert first.department is second.department
    assert first.organization is second.organization
    assert first.department.region.full_name == department.region.full_name
    assert {first.pk, second.pk} == {signed_contract.pk, other.pk}
    assert first.is_public and first.is_active
    assert ocds.contract_releases(first, base_url=BASE)[0]["tender"]["procurementMethodDetails"] == (
        zh_display(signed_contract, "method")
    )
