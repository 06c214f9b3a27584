"""The evaluations admin: workflow and score fields are read-only, the indicator-set actions and the Excel import go
through the services."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from evaluations import imports
from evaluations.models import Evaluation, IndicatorSet
from tests.evaluations.conftest import make_set, start_scoring
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(SuperuserFactory())
    return client


def test_evaluations_and_assignments_are_read_only(admin_client, purchaser, evaluation, pool):
    assignment = start_scoring(purchaser, evaluation, pool[:3])[0]
    url = reverse("admin:evaluations_evaluation_change", args=[evaluation.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode() and 'name="score"' not in page.content.decode()
    admin_client.post(url, {"status": "finalized", "score": "99", "grade": "excellent"})
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.score, evaluation.grade) == (Evaluation.Status.SCORING, None, None)
    page = admin_client.get(reverse("admin:evaluations_assignment_change", args=[assignment.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    assert admin_client.get(reverse("admin:evaluations_evaluation_add")).status_code == 403


def test_indicator_set_status_and_version_are_read_only(admin_client):
    draft = make_set(status=IndicatorSet.Status.DRAFT)
    page = admin_client.get(reverse("admin:evaluations_indicatorset_change", args=[draft.pk])).content.decode()
    assert 'name="name"' in page
    assert 'name="status"' not in page and 'name="version"' not in page


def test_admin_actions_and_import_go_through_the_services(admin_client):
    draft = make_set(status=IndicatorSet.Status.DRAFT)
    changelist = reverse("admin:evaluations_indicatorset_changelist")
    admin_client.post(changelist, {"action": "activate", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == IndicatorSet.Status.ACTIVE
    response = admin_client.post(changelist, {"action": "activate", "_selected_action": [draft.pk]}, follow=True)
    assert "不能启用" in response.content.decode()

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(imports.HEADERS))
    sheet.append(["A", "", "产出", 1, 100, "", ""])
    buffer = BytesIO()
    workbook.save(buffer)
    response = admin_client.post(
        reverse("admin:evaluations_indicatorset_import"),
        {"name": "后台导入", "description": "", "file": SimpleUploadedFile("a.xlsx", buffer.getvalue())},
    )
    imported = IndicatorSet.objects.get(name="后台导入")
    assert response["Location"] == reverse("admin:evaluations_indicatorset_change", args=[imported.pk])
    assert imported.indicators.count() == 1 and imported.is_draft
