"""The registrars' import page: a dry run with the counts or every row error, then the confirmation; the template
workbook's headers and example row import as they are."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from registry.imports.columns import ALL_COLUMNS
from registry.models import Organization
from tests.factories import DepartmentFactory, OrganizationMemberFactory, RegistrarFactory, region

pytestmark = pytest.mark.django_db

URL = reverse("registry:organization-import")


@pytest.fixture
def registrar():
    bureau = DepartmentFactory(name="呼和浩特市民政局", region=region("150100"))
    return RegistrarFactory(department=bureau)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_template_imports_as_it_is_after_a_dry_run(registrar):
    client = client_for(registrar)
    response = client.get(reverse("registry:organization-import-template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [column.header for column in ALL_COLUMNS]
    assert len(rows) == 2

    upload = SimpleUploadedFile("模板.xlsx", response.content)
    preview = client.post(URL, {"step": "preview", "file": upload})
    assert preview.status_code == 200
    assert b'data-testid="import-preview"' in preview.content, preview.content.decode()[-3000:]
    assert Organization.objects.count() == 0

    done = client.post(URL, {"step": "confirm"})
    assert done.status_code == 302
    organization = Organization.objects.get()
    assert organization.name == rows[1][1] and organization.registration_authority == registrar.department


def test_row_errors_are_listed_and_nothing_is_written(registrar):
    client = client_for(registrar)
    workbook = load_workbook(io.BytesIO(client.get(reverse("registry:organization-import-template")).content))
    sheet = workbook.active
    sheet.cell(row=2, column=1, value="91150100ABC")  # not a code
    sheet.append([cell.value for cell in sheet[2]])  # a second row, the same bad code again
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(URL, {"step": "preview", "file": SimpleUploadedFile("坏.xlsx", buffer.getvalue())})
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert {error.row for error in errors} >= {2, 3}
    assert all(error.column == "统一社会信用代码" for error in errors if error.row == 2)
    assert b'data-testid="import-errors"' in response.content and "第2行" in response.content.decode()
    assert Organization.objects.count() == 0
    assert client.post(URL, {"step": "confirm"}).status_code == 302  # nothing pending: back to the upload
    assert Organization.objects.count() == 0


def test_only_registrars_and_superusers(registrar):
    member = OrganizationMemberFactory()
    assert client_for(member).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302
    assert client_for(registrar).get(URL).status_code == 200
