"""Every import stops at the caps (unpacked size, rows, characters of a cell), says which cap, and never echoes a
whole cell: the organization import (command and admin), purchase items and indicator sets."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import imports as item_imports
from core.spreadsheets import ImportFileError, RowError
from evaluations.imports import indicator_set_import
from registry.imports import organizations_import
from tests.contracts.test_item_import import GOOD_ROWS as ITEM_ROWS
from tests.contracts.test_item_import import xlsx as item_xlsx
from tests.evaluations.test_imports import GOOD_ROWS as INDICATOR_ROWS
from tests.evaluations.test_imports import xlsx as indicator_xlsx
from tests.factories import (
    PurchaseListFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SuperuserFactory,
    region,
)
from tests.registry.test_import import org_row, write_file

pytestmark = pytest.mark.django_db

LONG = "长" * 5000


def padded(content: bytes, megabytes: int) -> bytes:
    """The workbook with an extra part of zeros: tiny compressed, `megabytes` unpacked."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (megabytes * 1024 * 1024))
    return buffer.getvalue()


# --- organizations (the command's service and the admin) ---------------------------------------------------------


def test_organization_import_refuses_too_many_rows(settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 3
    for suffix in ("xlsx", "csv"):
        path = write_file(tmp_path / f"orgs.{suffix}", [org_row(n) for n in range(4)])
        with pytest.raises(ImportFileError, match="文件超过 3 行的导入上限"):
            organizations_import(actor=None, source=path)


def test_organization_import_refuses_a_long_cell_showing_only_its_start(settings, tmp_path):
    settings.IMPORT_MAX_CELL_CHARS = 200
    path = write_file(tmp_path / "orgs.csv", [org_row(1, 名称=LONG)])
    with pytest.raises(ImportFileError) as error:
        organizations_import(actor=None, source=path)
    message = str(error.value)
    assert "第2行 名称 有 5000 字，超过单元格上限 200 字" in message
    assert len(message) < 200


def test_organization_import_refuses_an_archive_unpacking_past_the_cap(settings, tmp_path):
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    path = write_file(tmp_path / "orgs.xlsx", [org_row(1)])
    path.write_bytes(padded(path.read_bytes(), 3))
    assert path.stat().st_size < 100_000
    with pytest.raises(ImportFileError, match="超过导入上限 1 MB"):
        organizations_import(actor=None, source=path)


def test_admin_import_names_the_cap_and_echoes_no_whole_cell(settings, client, tmp_path):
    settings.IMPORT_MAX_CELL_CHARS = 200
    client.force_login(SuperuserFactory())
    path = write_file(tmp_path / "orgs.xlsx", [org_row(1, 名称=LONG)])
    with path.open("rb") as handle:
        response = client.post(
            reverse("admin:registry_organization_import"), {"resource": "0", "format": "0", "import_file": handle}
        )
    text = response.content.decode()
    assert response.status_code == 200
    assert "超过单元格上限 200 字" in text
    assert LONG[:100] not in text


def test_admin_import_refuses_too_many_rows(settings, client, tmp_path):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(SuperuserFactory())
    path = write_file(tmp_path / "orgs.csv", [org_row(n) for n in range(3)])
    with path.open("rb") as handle:
        response = client.post(
            reverse("admin:registry_organization_import"), {"resource": "0", "format": "1", "import_file": handle}
        )
    assert "文件超过 2 行的导入上限" in response.content.decode()


def test_row_errors_show_only_the_start_of_a_value():
    error = RowError(row=7, column="名称", value=LONG, reason="太长")
    assert len(str(error)) < 100 and str(error).startswith("第7行 名称“长")


# --- purchase items ----------------------------------------------------------------------------------------------


@pytest.fixture
def draft_list():
    department = PurchasingDepartmentFactory(region=region("150100"), code="HHCAP")
    return PurchaseListFactory(department=department, year=2027, title="2027 年购买目录"), PurchaserFactory(
        department=department
    )


def test_item_import_caps(settings, draft_list):
    purchase_list, purchaser = draft_list
    settings.IMPORT_MAX_ROWS = 1
    with pytest.raises(ImportFileError, match="文件超过 1 行的导入上限"):
        item_imports.purchase_items_import(
            actor=purchaser, purchase_list=purchase_list, content=item_xlsx(ITEM_ROWS[:1] * 2)
        )
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    with pytest.raises(ImportFileError, match="超过导入上限 1 MB"):
        item_imports.purchase_items_import(
            actor=purchaser, purchase_list=purchase_list, content=padded(item_xlsx(ITEM_ROWS), 2)
        )


# --- indicator sets ----------------------------------------------------------------------------------------------


def test_indicator_import_caps_in_both_languages(settings):
    official = RegistrarFactory()
    settings.IMPORT_MAX_CELL_CHARS = 100
    rows = [INDICATOR_ROWS[0][:2] + (LONG,) + INDICATOR_ROWS[0][3:]] + list(INDICATOR_ROWS[1:])
    with pytest.raises(ValidationError) as error:
        indicator_set_import(actor=official, file=indicator_xlsx(rows), name="超长指标")
    assert error.value.error_list[0].code == "file_too_large"
    assert "超过单元格上限 100 字" in error.value.messages[0]
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    content = padded(indicator_xlsx(INDICATOR_ROWS).read(), 2)
    with pytest.raises(ValidationError, match="超过导入上限 1 MB"):
        indicator_set_import(actor=official, file=SimpleUploadedFile("big.xlsx", content), name="解压过大")
