"""Importing purchase items from Excel (all or nothing, every error named), the preview page, and the export."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import imports
from contracts.models import PurchaseItem
from contracts.resources import HEADERS
from tests.errors import all_codes
from tests.factories import PurchaseItemFactory, PurchaseListFactory

pytestmark = pytest.mark.django_db

HEADER_ROW = list(HEADERS.values())
GOOD_ROWS = [
    [
        "A001",
        "基本公共服务",
        "养老服务",
        "居家养老上门服务",
        "助餐、助洁、助浴",
        "依法登记满两年",
        12000,
        "人次",
        300000,
        datetime.date(2027, 1, 1),
        datetime.date(2027, 12, 31),
        "满意度不低于 90%",
    ],
    [
        "A002",
        "社会管理性服务",
        "",
        "社区议事协商能力建设",
        "",
        "",
        "20",
        "场",
        "80,000.50",
        "2027/3/1",
        "2027年11月30日",
        "",
    ],
]


def xlsx(rows, header=HEADER_ROW) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def draft_list(department):
    return PurchaseListFactory(department=department, year=2027, title="2027 年购买目录")


def run(purchaser, draft_list, rows, **kwargs):
    return imports.purchase_items_import(actor=purchaser, purchase_list=draft_list, content=xlsx(rows), **kwargs)


class TestImport:
    def test_dry_run_writes_nothing(self, purchaser, draft_list):
        result = run(purchaser, draft_list, GOOD_ROWS, dry_run=True)
        assert result.ok and not result.written
        assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
        assert [(row.row, row.code, row.action_label) for row in result.rows] == [
            (2, "A001", "新增"),
            (3, "A002", "新增"),
        ]
        assert not draft_list.items.exists()

    def test_good_file(self, purchaser, draft_list):
        result = run(purchaser, draft_list, GOOD_ROWS)
        assert result.written
        first, second = draft_list.items.order_by("code")
        assert first.category == PurchaseItem.Category.BASIC_PUBLIC
        assert first.budget == Decimal("300000.00") and first.quantity == Decimal("12000.00")
        assert first.service_start_on == datetime.date(2027, 1, 1)
        assert second.category == PurchaseItem.Category.SOCIAL_MANAGEMENT
        assert second.budget == Decimal("80000.50")
        assert second.service_start_on == datetime.date(2027, 3, 1)
        assert second.service_end_on == datetime.date(2027, 11, 30)
        assert first.history.get().history_user == purchaser

    def test_bad_file_writes_nothing_and_names_every_error(self, purchaser, draft_list):
        rows = [
            GOOD_ROWS[0],
            ["A002", "文化服务", "", "", "", "", "0", "场", "-5", "2027-13-01", "2027-12-31", ""],
            ["A003", "技术性服务", "", "评估", "", "", "1.234", "次", "1000", "2027-06-01", "2027-01-01", ""],
            ["A001", "技术性服务", "", "重复编号", "", "", "1", "次", "1000", "2027-01-01", "2027-02-01", ""],
        ]
        result = run(purchaser, draft_list, rows)
        assert not result.ok and not result.written
        assert not draft_list.items.exists()
        found = {(error.row, error.column, error.value) for error in result.errors}
        assert found == {
            (3, "一级目录", "文化服务"),
            (3, "服务名称", ""),
            (3, "数量", "0"),
            (3, "预算金额", "-5"),
            (3, "服务期限起", "2027-13-01"),
            (4, "数量", "1.234"),
            (4, "服务期限止", "2027-01-01"),
            (5, "项目编号", "A001"),
        }
        reasons = {(error.row, error.column): error.reason for error in result.errors}
        assert "不是有效的一级目录" in reasons[(3, "一级目录")]
        assert reasons[(3, "服务名称")] == "必须填写"
        assert "预算金额须大于零" in reasons[(3, "预算金额")]
        assert "最多保留两位小数" in reasons[(4, "数量")]
        assert "早于服务期限起" in reasons[(4, "服务期限止")]
        assert "与第2行的项目编号重复" in reasons[(5, "项目编号")]
        assert str(result.errors[0]).startswith("第3行 一级目录“文化服务”：")

    def test_reimport_updates_and_leaves_identical_rows_alone(self, purchaser, draft_list):
        run(purchaser, draft_list, GOOD_ROWS)
        again = run(purchaser, draft_list, GOOD_ROWS)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
        item = draft_list.items.get(code="A001")
        assert item.history.count() == 1

        changed = [list(GOOD_ROWS[0]), GOOD_ROWS[1]]
        changed[0][8] = 350000
        result = run(purchaser, draft_list, changed)
        assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
        item.refresh_from_db()
        assert item.budget == Decimal("350000.00")
        assert item.history.count() == 2
        assert draft_list.items.count() == 2

    def test_blank_rows_are_skipped_and_row_numbers_kept(self, purchaser, draft_list):
        bad = list(GOOD_ROWS[1])
        bad[1] = "其他"
        result = run(purchaser, draft_list, [GOOD_ROWS[0], [None] * 12, bad])
        assert [(error.row, error.column) for error in result.errors] == [(4, "一级目录")]

    def test_headers_may_come_in_any_order_with_spaces(self, purchaser, draft_list):
        header = [f" {name} " for name in reversed(HEADER_ROW)]
        content = xlsx([list(reversed(GOOD_ROWS[0]))], header=header)
        result = imports.purchase_items_import(actor=purchaser, purchase_list=draft_list, content=content)
        assert result.written and draft_list.items.get().code == "A001"

    def test_missing_columns(self, purchaser, draft_list):
        content = xlsx([GOOD_ROWS[0][:10]], header=HEADER_ROW[:10])
        with pytest.raises(imports.ImportFileError, match="缺少必需的列：服务期限止、绩效目标"):
            imports.purchase_items_import(actor=purchaser, purchase_list=draft_list, content=content)

    def test_unreadable_and_empty_files(self, purchaser, draft_list):
        with pytest.raises(imports.ImportFileError, match="无法读取Excel文件"):
            imports.purchase_items_import(actor=purchaser, purchase_list=draft_list, content=b"not a workbook")
        with pytest.raises(imports.ImportFileError, match="没有数据行"):
            run(purchaser, draft_list, [])

    def test_only_the_lists_purchasers_on_a_draft(self, purchaser, chifeng_purchaser, draft_list, item):
        with pytest.raises(PermissionDenied):
            run(chifeng_purchaser, draft_list, GOOD_ROWS)
        with pytest.raises(ValidationError) as excinfo:
            run(purchaser, item.purchase_list, GOOD_ROWS)
        assert all_codes(excinfo.value) == {"wrong_state"}
        assert excinfo.value.messages == ["当前状态为“已发布”，不能从 Excel 导入。"]


class TestPages:
    def upload(self, client, draft_list, content, name="购买项目.xlsx"):
        url = reverse("contracts:purchase-item-import", args=[draft_list.pk])
        return client.post(url, {"step": "preview", "file": SimpleUploadedFile(name, content)})

    def test_preview_then_confirm(self, client, purchaser, draft_list):
        client.force_login(purchaser)
        response = self.upload(client, draft_list, xlsx(GOOD_ROWS))
        assert response.status_code == 200
        text = response.content.decode()
        assert "确认后将新增 2 项" in text and 'data-testid="import-confirm"' in text
        assert not draft_list.items.exists()

        url = reverse("contracts:purchase-item-import", args=[draft_list.pk])
        response = client.post(url, {"step": "confirm"})
        assert response.status_code == 302
        assert response.url == reverse("contracts:purchase-list-detail", args=[draft_list.pk])
        assert sorted(draft_list.items.values_list("code", flat=True)) == ["A001", "A002"]
        assert client.post(url, {"step": "confirm"}).status_code == 302  # nothing pending any more
        assert draft_list.items.count() == 2

    def test_errors_are_listed_and_cannot_be_confirmed(self, client, purchaser, draft_list):
        client.force_login(purchaser)
        bad = list(GOOD_ROWS[1])
        bad[8] = "八万"
        response = self.upload(client, draft_list, xlsx([GOOD_ROWS[0], bad]))
        text = response.content.decode()
        assert "文件有 1 处错误，未导入任何项目" in text
        assert "第3行" in text and "八万" in text and "应为数字" in text
        assert 'data-testid="import-confirm"' not in text
        url = reverse("contracts:purchase-item-import", args=[draft_list.pk])
        client.post(url, {"step": "confirm"})
        assert not draft_list.items.exists()

    def test_wrong_file_types(self, client, purchaser, draft_list):
        client.force_login(purchaser)
        response = self.upload(client, draft_list, b"%PDF-1.4 fake", name="目录.pdf")
        assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
        response = self.upload(client, draft_list, b"code,name", name="目录.xlsx")
        assert "内容与扩展名 .xlsx 不符" in response.content.decode()
        response = self.upload(client, draft_list, xlsx([GOOD_ROWS[0]], header=["项目编号"]))
        assert "缺少必需的列" in response.content.decode()


class TestExport:
    def test_export_uses_the_import_headers_and_round_trips(self, client, purchaser, draft_list, department):
        PurchaseItemFactory(purchase_list=draft_list, code="X01", service_name='=HYPERLINK("http://x")')
        PurchaseItemFactory(purchase_list=draft_list, code="X02", category="technical")
        client.force_login(purchaser)
        response = client.get(reverse("contracts:purchase-item-export", args=[draft_list.pk]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == HEADER_ROW
        assert rows[1][0] == "X01" and rows[1][1] == "基本公共服务"
        assert rows[2][1] == "技术性服务"
        formula = sheet["D2"]
        assert formula.data_type == "s" and formula.quotePrefix
        assert formula.value == '=HYPERLINK("http://x")'

        result = imports.purchase_items_import(actor=purchaser, purchase_list=draft_list, content=response.content)
        assert result.ok
        assert (result.created, result.updated, result.unchanged) == (0, 0, 2)

    def test_anyone_may_export_a_published_list(self, client, item):
        response = client.get(reverse("contracts:purchase-item-export", args=[item.purchase_list.pk]))
        assert response.status_code == 200

    def test_a_draft_is_not_exported_to_outsiders(self, client, draft_list):
        assert client.get(reverse("contracts:purchase-item-export", args=[draft_list.pk])).status_code == 404
