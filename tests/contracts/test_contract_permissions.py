"""Who may do what: every predicate against anonymous users, members of another organization, purchasers of another
department (of the same region, above it, below it, elsewhere), registrars, and the right users. A purchaser acts for
their own department only."""

import pytest
from django.contrib.auth.models import AnonymousUser

from contracts import permissions, services
from tests.factories import (
    ContractDocumentFactory,
    EvaluatorFactory,
    PurchaseListFactory,
    PurchaserFactory,
    RegistrarFactory,
    SuperuserFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(purchaser, chifeng_purchaser, member, other_member):
    return {
        "anonymous": AnonymousUser(),
        "member": member,
        "other_member": other_member,
        "purchaser": purchaser,
        "provincial_purchaser": PurchaserFactory(department__region=region("150000")),
        "county_purchaser": PurchaserFactory(department__region=region("150102")),
        # Another department of the same city (民政局 beside 卫健委): never acts for this one.
        "colleague_purchaser": PurchaserFactory(department__region=region("150100")),
        "chifeng_purchaser": chifeng_purchaser,
        "registrar": RegistrarFactory(department__region=region("150100")),
        "evaluator": EvaluatorFactory(),
        "superuser": SuperuserFactory(),
        "inactive_purchaser": PurchaserFactory(department=purchaser.department, is_active=False),
    }


def allowed(predicate, users, obj) -> set[str]:
    return {name for name, user in users.items() if predicate(user, obj)}


MANAGERS = {"purchaser", "superuser"}
INSIDERS = MANAGERS | {"member"}


class TestPurchaseLists:
    def test_writers(self, users, department):
        draft = PurchaseListFactory(department=department)
        assert allowed(permissions.can_create_purchase_list, users, department) == MANAGERS
        assert allowed(permissions.can_edit_purchase_list, users, draft) == MANAGERS

    def test_drafts_are_seen_by_writers_only(self, users, department):
        draft = PurchaseListFactory(department=department)
        assert allowed(permissions.can_view_purchase_list, users, draft) == MANAGERS

    def test_published_and_withdrawn_lists_are_public(self, users, department):
        for status in ("published", "withdrawn"):
            public = PurchaseListFactory(
                department=department,
                status=status,
                published_on="2026-01-15",
                withdrawn_on="2026-03-01" if status == "withdrawn" else None,
                withdrawal_reason="调整" if status == "withdrawn" else "",
            )
            assert allowed(permissions.can_view_purchase_list, users, public) == set(users)


class TestContracts:
    def test_drafts_are_seen_by_managers_only(self, users, draft_contract):
        assert allowed(permissions.can_view_contract, users, draft_contract) == MANAGERS
        assert allowed(permissions.can_manage_contract, users, draft_contract) == MANAGERS
        assert allowed(permissions.can_create_contract, users, draft_contract.department) == MANAGERS

    def test_signed_contracts_are_public(self, users, signed_contract):
        assert allowed(permissions.can_view_contract, users, signed_contract) == set(users)

    def test_writes_on_a_signed_contract(self, users, signed_contract):
        for predicate in (
            permissions.can_manage_contract,
            permissions.can_record_payment,
            permissions.can_amend_contract,
        ):
            assert allowed(predicate, users, signed_contract) == MANAGERS

    def test_evidence_is_for_insiders(self, users, signed_contract):
        assert allowed(permissions.can_view_contract_evidence, users, signed_contract) == INSIDERS

    def test_submitting_is_for_the_organization(self, users, signed_contract):
        deliverable = signed_contract.deliverables.first()
        assert allowed(permissions.can_submit_deliverable, users, deliverable) == {"member"}

    def test_deciding_is_for_managers(self, users, member, signed_contract):
        deliverable = signed_contract.deliverables.first()
        submission = services.submission_create(
            actor=member, deliverable=deliverable, report="报告", files=[make_upload()]
        )
        assert allowed(permissions.can_decide_submission, users, submission) == MANAGERS

    def test_django_permission_api_answers_the_same(self, users, signed_contract):
        assert users["purchaser"].has_perm("contracts.can_manage_contract", signed_contract)
        assert not users["chifeng_purchaser"].has_perm("contracts.can_manage_contract", signed_contract)
        assert users["member"].has_perm("contracts.can_view_contract_evidence", signed_contract)


class TestFiles:
    def test_private_document_of_a_signed_contract(self, users, signed_contract):
        document = ContractDocumentFactory(contract=signed_contract, is_public=False)
        assert allowed(permissions.can_download_document, users, document) == INSIDERS

    def test_public_document_of_a_signed_contract(self, users, signed_contract):
        document = ContractDocumentFactory(contract=signed_contract, is_public=True)
        assert allowed(permissions.can_download_document, users, document) == set(users)

    def test_public_flag_on_a_draft_does_not_publish(self, users, draft_contract):
        document = ContractDocumentFactory(contract=draft_contract, is_public=True)
        assert allowed(permissions.can_download_document, users, document) == INSIDERS

    def test_submission_files_are_never_public(self, users, member, signed_contract):
        deliverable = signed_contract.deliverables.first()
        submission = services.submission_create(
            actor=member, deliverable=deliverable, report="报告", files=[make_upload("png", "照片.png")]
        )
        stored = submission.files.get()
        assert allowed(permissions.can_download_submission_file, users, stored) == INSIDERS

    def test_registered_evidence_check_admits_more_users(self, users, signed_contract, monkeypatch):
        monkeypatch.setattr(permissions, "_evidence_viewer_checks", [])
        evaluator = users["evaluator"]

        def assigned_evaluator(user, contract):
            return user == evaluator and contract.pk == signed_contract.pk

        permissions.register_evidence_viewer(assigned_evaluator)
        permissions.register_evidence_viewer(assigned_evaluator)
        assert permissions._evidence_viewer_checks == [assigned_evaluator]
        document = ContractDocumentFactory(contract=signed_contract, is_public=False)
        assert allowed(permissions.can_download_document, users, document) == INSIDERS | {"evaluator"}
        assert allowed(permissions.can_view_contract_evidence, users, signed_contract) == INSIDERS | {"evaluator"}
