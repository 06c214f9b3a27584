"""supervision.access: one call fetches a record and checks the user's right to it. A user without the helper's role
gets 403; a record outside the user's reach gets 404, the same answer as a missing one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from supervision import access, services
from tests.factories import EvaluatorFactory, SuperuserFactory, make_upload, region
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def inspection(registrar, organization):
    return services.inspection_plan(
        actor=registrar, organization=organization, kind="document", planned_on=datetime.date(2026, 9, 1)
    )


@pytest.fixture
def order(registrar, organization):
    return services.order_issue(
        actor=registrar, organization=organization, requirements="补报材料", deadline=DEADLINE, issued_on=ISSUED_ON
    )


@pytest.fixture
def complaint(organization):
    return services.complaint_file(
        organization=organization, subject="未按约定上门", text="三次预约均未到岗。", attachment=make_upload("pdf")
    )


def refused(helper, user, *args):
    try:
        helper(user, *args)
    except PermissionDenied:
        return 403
    except Http404:
        return 404
    return 200


def test_inspections(inspection, registrar, purchaser, baotou_registrar, member):
    view, manage = access.access_inspection_for_view, access.access_inspection_for_manage
    assert view(registrar, inspection.pk) == inspection == manage(purchaser, inspection.pk)
    assert refused(view, EvaluatorFactory(), inspection.pk) == 403
    assert refused(view, baotou_registrar, inspection.pk) == 404
    assert refused(view, registrar, MISSING) == 404
    # A planned inspection is not announced to the organization; its members never manage one.
    assert refused(view, member, inspection.pk) == 404
    assert refused(manage, member, inspection.pk) == 403
    assert refused(manage, SuperuserFactory(), inspection.pk) == 403
    assert refused(manage, baotou_registrar, inspection.pk) == 404
    services.inspection_complete(
        actor=registrar,
        inspection=inspection,
        inspected_on=datetime.date(2026, 9, 2),
        conclusion="no_problem",
        inspectors=[registrar],
    )
    assert view(member, inspection.pk) == inspection


def test_inspection_attachments(inspection, registrar, baotou_registrar, member):
    attachment = services.inspection_attachment_add(actor=registrar, inspection=inspection, file=make_upload("pdf"))
    assert access.access_inspection_attachment(registrar, inspection.pk, attachment.pk) == attachment
    for user, pk in ((baotou_registrar, inspection.pk), (member, inspection.pk), (None, inspection.pk)):
        assert refused(access.access_inspection_attachment, user, pk, attachment.pk) == 404
    assert refused(access.access_inspection_attachment, registrar, MISSING, attachment.pk) == 404


def test_orders(order, registrar, purchaser, baotou_registrar, member, other_member):
    view, manage, answer = access.access_order_for_view, access.access_order_for_manage, access.access_order_for_answer
    for user in (registrar, purchaser, member, SuperuserFactory()):
        assert view(user, order.pk) == order
    assert manage(purchaser, order.pk) == order and answer(member, order.pk) == order
    assert refused(view, EvaluatorFactory(), order.pk) == 403
    assert refused(view, None, order.pk) == 403
    for user in (baotou_registrar, other_member):
        assert refused(view, user, order.pk) == 404
    assert refused(manage, member, order.pk) == 403
    assert refused(manage, baotou_registrar, order.pk) == 404
    assert refused(answer, registrar, order.pk) == 403
    assert refused(answer, other_member, order.pk) == 404
    assert refused(answer, member, MISSING) == 404


def test_order_files(order, registrar, member, other_member, baotou_registrar):
    response = services.order_answer(
        actor=member, order=order, text="已补报", files=[make_upload("pdf")], now=at(2026, 10, 5)
    )
    stored = response.files.get()
    for user in (member, registrar):
        assert access.access_order_file(user, order.pk, stored.pk) == stored
    for user in (other_member, baotou_registrar, None):
        assert refused(access.access_order_file, user, order.pk, stored.pk) == 404


def test_complaints(complaint, registrar, purchaser, baotou_registrar, member):
    view, handle = access.access_complaint_for_view, access.access_complaint_for_handler
    superuser = SuperuserFactory()
    assert view(superuser, complaint.pk) == complaint == handle(purchaser, complaint.pk)
    assert refused(view, member, complaint.pk) == 403
    assert refused(view, baotou_registrar, complaint.pk) == 404
    assert refused(handle, superuser, complaint.pk) == 403
    assert refused(handle, baotou_registrar, complaint.pk) == 404
    assert access.access_complaint_attachment(registrar, complaint.pk) == complaint
    for user in (member, baotou_registrar, None):
        assert refused(access.access_complaint_attachment, user, complaint.pk) == 404


def test_draws(registrar, purchaser, county_registrar, member, organization):
    draw = services.sample_draw_create(actor=registrar, region=region("150100"), year=2026, now=at(2026, 11, 20))
    view, manage = access.access_draw_for_view, access.access_draw_for_manage
    assert view(purchaser, draw.pk) == draw == manage(registrar, draw.pk)
    assert view(SuperuserFactory(), draw.pk) == draw
    assert refused(view, member, draw.pk) == 403
    assert refused(view, county_registrar, draw.pk) == 404
    assert refused(manage, SuperuserFactory(), draw.pk) == 403
