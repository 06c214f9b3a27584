"""contracts.access: a missing and a forbidden record get the same answer (404); a signed-in user without the role
gets 403 before anything is fetched."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from contracts import access, services
from tests.factories import PurchaseListFactory, SuperuserFactory, make_upload

pytestmark = pytest.mark.django_db


def refused(helper, user, *args, **kwargs):
    """The exception class the helper answers with (None: it returned the record)."""
    try:
        helper(user, *args, **kwargs)
    except (Http404, PermissionDenied) as error:
        return type(error)
    return None


class TestContracts:
    def test_view_missing_and_hidden_drafts_are_404(self, purchaser, chifeng_purchaser, member, draft_contract):
        assert access.access_contract_for_view(purchaser, draft_contract.number) == draft_contract
        assert refused(access.access_contract_for_view, purchaser, "NO-SUCH-0001") is Http404
        for outsider in (chifeng_purchaser, member, None):
            assert refused(access.access_contract_for_view, outsider, draft_contract.number) is Http404

    def test_manage_needs_the_role_then_the_region(self, purchaser, chifeng_purchaser, member, signed_contract):
        contract = access.access_contract_for_manage(user=purchaser, number=signed_contract.number)
        assert contract.paid_amount == 0  # annotated as on its page
        assert refused(access.access_contract_for_manage, member, signed_contract.number) is PermissionDenied
        assert refused(access.access_contract_for_manage, member, "NO-SUCH-0001") is PermissionDenied
        assert refused(access.access_contract_for_manage, chifeng_purchaser, signed_contract.number) is Http404
        assert refused(access.access_contract_for_manage, purchaser, "NO-SUCH-0001") is Http404
        assert access.access_contract_for_manage(SuperuserFactory(), signed_contract.number) == signed_contract

    def test_deliverable_for_manage_with_or_without_the_number(self, purchaser, chifeng_purchaser, signed_contract):
        deliverable = signed_contract.deliverables.first()
        assert access.access_deliverable_for_manage(purchaser, deliverable.pk).contract == signed_contract
        found = access.access_deliverable_for_manage(purchaser, deliverable.pk, number=signed_contract.number)
        assert found == deliverable
        assert refused(access.access_deliverable_for_manage, purchaser, deliverable.pk, number="OTHER-1") is Http404
        assert refused(access.access_deliverable_for_manage, chifeng_purchaser, deliverable.pk) is Http404

    def test_deliverable_for_submission(self, purchaser, member, other_member, draft_contract):
        deliverable = draft_contract.deliverables.first()
        # A draft is not visible to the organization's members yet.
        assert refused(access.access_deliverable_for_submission, member, deliverable.pk) is Http404
        services.contract_sign(actor=purchaser, contract=draft_contract, signed_on=draft_contract.start_on)
        found = access.access_deliverable_for_submission(member, deliverable.pk, number=draft_contract.number)
        assert found == deliverable and isinstance(found.is_overdue_now, bool)
        assert refused(access.access_deliverable_for_submission, other_member, deliverable.pk) is Http404
        assert refused(access.access_deliverable_for_submission, purchaser, deliverable.pk) is PermissionDenied

    def test_submission_for_decision(self, purchaser, chifeng_purchaser, member, signed_contract):
        deliverable = signed_contract.deliverables.first()
        submission = services.submission_create(
            actor=member, deliverable=deliverable, report="完成", files=[make_upload()]
        )
        assert access.access_submission_for_decision(purchaser, submission.pk).deliverable == deliverable
        assert refused(access.access_submission_for_decision, chifeng_purchaser, submission.pk) is Http404
        assert refused(access.access_submission_for_decision, member, submission.pk) is PermissionDenied
        stored = submission.files.get()
        assert access.access_submission_file_for_download(member, stored.pk, number=signed_contract.number) == stored
        for outsider in (chifeng_purchaser, None):
            assert refused(access.access_submission_file_for_download, outsider, stored.pk) is Http404

    def test_documents(self, purchaser, chifeng_purchaser, signed_contract):
        document = services.contract_document_add(
            actor=purchaser, contract=signed_contract, file=make_upload(), title="合同正本"
        )
        assert access.access_document_for_manage(purchaser, document.pk, number=signed_contract.number) == document
        assert refused(access.access_document_for_manage, chifeng_purchaser, document.pk) is Http404
        # Not public: only the contract's insiders download it, everyone else gets 404.
        assert refused(access.access_document_for_download, None, document.pk) is Http404
        services.contract_document_set_public(actor=purchaser, document=document, is_public=True)
        assert access.access_document_for_download(None, document.pk) == document


class TestPurchaseLists:
    def test_view_and_manage(self, purchaser, chifeng_purchaser, member, department):
        draft = PurchaseListFactory(department=department)
        assert access.access_purchase_list_for_view(purchaser, draft.pk).item_rows == []
        assert refused(access.access_purchase_list_for_view, chifeng_purchaser, draft.pk) is Http404
        assert access.access_purchase_list_for_manage(purchaser, pk=draft.pk) == draft
        assert refused(access.access_purchase_list_for_manage, member, draft.pk) is PermissionDenied
        assert refused(access.access_purchase_list_for_manage, chifeng_purchaser, draft.pk) is Http404
        assert refused(access.access_purchase_list_for_manage, purchaser, 0) is Http404

    def test_items_of_a_published_list_stay_out_of_other_regions_reach(self, purchaser, chifeng_purchaser, item):
        assert access.access_purchase_item_for_manage(purchaser, item.pk, list_pk=item.purchase_list_id) == item
        assert refused(access.access_purchase_item_for_manage, purchaser, item.pk, list_pk=0) is Http404
        assert refused(access.access_purchase_item_for_manage, chifeng_purchaser, item.pk) is Http404
        assert access.access_purchase_list_for_view(chifeng_purchaser, item.purchase_list_id).is_published
