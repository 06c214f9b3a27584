"""The registry admin: organization import (preview, confirm, all or nothing, region scoping) and export, and the
admins of inspections, ratings and credit listings."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
import tablib
from django.urls import reverse
from openpyxl import load_workbook

from fixtures import make_samples
from registry import imports
from registry.models import AnnualInspection, CreditListing, Organization, Rating
from registry.resources import OrganizationResource
from registry.uscc import make_uscc
from tests.factories import (
    AnnualInspectionFactory,
    CreditListingFactory,
    OrganizationFactory,
    PurchaserFactory,
    RatingFactory,
    RegistrarFactory,
    SuperuserFactory,
    region,
)
from tests.registry.test_import import HEADERS, org_row, write_file

pytestmark = pytest.mark.django_db

FIXTURES = Path(make_samples.__file__).resolve().parent
IMPORT_URL = reverse("admin:registry_organization_import")
PROCESS_URL = reverse("admin:registry_organization_process_import")
EXPORT_URL = reverse("admin:registry_organization_export")
CHANGELIST_URL = reverse("admin:registry_organization_changelist")
XLSX, CSV = "0", "1"  # positions in OrganizationAdmin.import_formats / export_formats


@pytest.fixture
def superuser_client(client):
    client.force_login(SuperuserFactory())
    return client


def staff_registrar(department):
    return RegistrarFactory(department=department, is_staff=True)


def upload(client, path: Path, file_format: str = XLSX):
    with path.open("rb") as handle:
        return client.post(IMPORT_URL, {"resource": "0", "format": file_format, "import_file": handle})


def confirm(client, preview):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(PROCESS_URL, data)


def invalid_rows(response) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in response.context["result"].invalid_rows}


def test_superuser_imports_the_sample_with_preview_and_confirm(superuser_client, bureaus):
    preview = upload(superuser_client, FIXTURES / "organizations_sample.xlsx")

    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == result.total_rows >= 300
    assert preview.context["confirm_form"] is not None
    assert (Organization.objects.count(), Rating.objects.count()) == (0, 0)  # the preview is rolled back

    response = confirm(superuser_client, preview)

    assert response.status_code == 302 and response.url == CHANGELIST_URL
    assert Organization.objects.count() == result.total_rows
    user = response.wsgi_request.user
    records = Organization.history.all()
    assert records.count() == result.total_rows
    assert set(records.values_list("history_user", flat=True)) == {user.pk}
    assert set(records.values_list("history_change_reason", flat=True)) == {"批量导入：organizations_sample.xlsx"}
    messages = [str(message) for message in response.wsgi_request._messages]
    assert f"导入完成：新增 {result.total_rows}，更新 0，未变 0" in messages
    ratings = Rating.objects.count()
    assert 0.3 * result.total_rows <= ratings <= 0.5 * result.total_rows
    assert Rating.history.count() == ratings
    assert set(Rating.history.values_list("history_user", flat=True)) == {user.pk}
    for rating in Rating.objects.select_related("organization"):
        assert rating.awarding_authority_id == rating.organization.registration_authority_id
        assert rating.valid_until == Rating.validity_end(rating.awarded_on)

    # The same data as CSV: every row unchanged, no history written, no rating added.
    preview = upload(superuser_client, FIXTURES / "organizations_sample.csv", CSV)
    assert preview.context["result"].totals["skip"] == result.total_rows
    confirm(superuser_client, preview)
    assert Organization.history.count() == result.total_rows
    assert (Rating.objects.count(), Rating.history.count()) == (ratings, ratings)


def test_provincial_registrar_imports_the_sample(client, bureaus):
    registrar = staff_registrar(bureaus["NMMZ"])
    client.force_login(registrar)
    changelist = client.get(CHANGELIST_URL)
    assert changelist.status_code == 200
    assert IMPORT_URL.encode() in changelist.content

    preview = upload(client, FIXTURES / "organizations_sample.csv", CSV)
    assert not preview.context["result"].has_validation_errors()
    confirm(client, preview)

    assert Organization.objects.count() == preview.context["result"].total_rows
    assert set(Organization.history.values_list("history_user", flat=True)) == {registrar.pk}


def test_registrar_outside_the_region_is_refused_row_by_row(client, bureaus, tmp_path):
    client.force_login(staff_registrar(bureaus["XCMZ"]))
    rows = [
        org_row(1, 登记管理机关="XCMZ", 统一社会信用代码=make_uscc("2", "150102", "MJ000001")),
        org_row(2, 所属区划="150105"),
        org_row(3, 所属区划="内蒙古自治区包头市昆都仑区", 登记管理机关="包头市民政局"),
    ]
    preview = upload(client, write_file(tmp_path / "orgs.xlsx", rows))

    errors = invalid_rows(preview)
    assert sorted(errors) == [3, 4]
    assert errors[3]["所属区划"] == [
        "“150105”：不在您所在部门（呼和浩特市新城区民政局）的辖区内，您不能导入内蒙古自治区呼和浩特市赛罕区的社会组织"
    ]
    assert "内蒙古自治区包头市昆都仑区的社会组织" in errors[4]["所属区划"][0]
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert Organization.objects.count() == 0


def test_invalid_file_shows_every_error_with_spreadsheet_rows_and_writes_nothing(superuser_client, bureaus):
    preview = upload(superuser_client, FIXTURES / "organizations_errors.xlsx")

    errors = invalid_rows(preview)
    assert sorted(errors) == list(range(3, 16))
    assert errors[6] == {"所属区划": [errors[6]["所属区划"][0]]}
    assert errors[6]["所属区划"][0].startswith("“内蒙古自治区包头市幸福区”：不是已知的行政区划")
    assert list(errors[13]) == ["名称"] and errors[13]["名称"] == ["必须填写"]
    assert errors[14]["统一社会信用代码"][0].endswith("与第2行的统一社会信用代码重复（第2行、第14行）")
    assert errors[15] == {"评估等级": ["“6A”：不是有效的评估等级，应为1A、2A、3A、4A或5A"]}
    assert preview.context.get("confirm_form") is None
    content = preview.content.decode()
    assert "第18位校验码应为" in content and "不是有效的登记状态" in content
    assert Organization.objects.count() == 0


def test_gb18030_csv_from_chinese_excel_imports(superuser_client, bureaus, tmp_path):
    path = write_file(tmp_path / "orgs.csv", [org_row(1), org_row(2)], encoding="gb18030")
    preview = upload(superuser_client, path, CSV)
    assert preview.context["result"].totals["new"] == 2
    confirm(superuser_client, preview)
    assert Organization.objects.filter(name="呼和浩特市新城区第2社会工作服务中心").exists()


@pytest.mark.parametrize("missing", ["类型", "统一社会信用代码"])
def test_missing_columns_are_a_form_error(superuser_client, bureaus, tmp_path, missing):
    path = write_file(tmp_path / "orgs.csv", [org_row(1)], headers=[h for h in HEADERS if h != missing])
    preview = upload(superuser_client, path, CSV)
    assert preview.status_code == 200
    assert preview.context["result"] is None
    assert f"缺少必需的列：{missing}" in preview.context["form"].errors["import_file"][0]
    assert "Traceback" not in preview.content.decode()


def test_resource_reports_a_file_without_the_columns_once(bureaus):
    dataset = tablib.Dataset(headers=["名称", "备注"])
    dataset.append(["呼和浩特市老年协会", ""])
    result = OrganizationResource().import_data(dataset, dry_run=True)
    assert [str(error.error) for error in result.base_errors] == [
        "缺少必需的列：统一社会信用代码、类型、登记管理机关、业务主管单位、法定代表人、注册资金、成立日期、住所、"
        "业务范围、所属区划、状态（第1行应为列名：统一社会信用代码、名称、类型、登记管理机关、业务主管单位、法定代表人、"
        "注册资金、成立日期、住所、业务范围、所属区划、状态）"
    ]
    assert result.rows == [] and result.invalid_rows == []


def test_blank_rows_keep_the_spreadsheet_numbering(superuser_client, bureaus, tmp_path):
    path = write_file(tmp_path / "orgs.xlsx", [org_row(1), {}, org_row(2, 成立日期="2015年2月30日")])
    preview = upload(superuser_client, path)
    assert invalid_rows(preview) == {4: {"成立日期": ["“2015年2月30日”：不是有效的日期"]}}
    assert preview.context["result"].totals["new"] == 1


def test_admin_import_checks_the_rating_columns_like_the_command(superuser_client, bureaus, tmp_path):
    headers = [*HEADERS, "评估等级", "评估得分", "评定日期"]
    rows = [
        org_row(1, 评估等级="3A", 评估得分="", 评定日期=""),
        org_row(2, 评估等级="", 评估得分="", 评定日期="2022-01-01"),
    ]
    preview = upload(superuser_client, write_file(tmp_path / "bad.xlsx", rows, headers=headers))
    assert invalid_rows(preview) == {
        2: {"评定日期": ["填写了评估等级时必须填写评定日期"]},
        3: {"评估等级": ["填写了评估得分或评定日期时必须填写评估等级"]},
    }

    rows = [org_row(1, 评估等级="3A", 评估得分="712", 评定日期="2022-01-01"), org_row(2)]
    path = write_file(tmp_path / "good.xlsx", rows, headers=headers)
    preview = upload(superuser_client, path)
    assert not preview.context["result"].has_validation_errors()
    assert Rating.objects.count() == 0
    confirm(superuser_client, preview)
    rating = Rating.objects.get()
    assert (rating.organization.uscc, rating.grade, rating.score, rating.valid_until) == (
        rows[0]["统一社会信用代码"],
        "3A",
        712,
        datetime.date(2027, 1, 1),
    )
    confirm(superuser_client, upload(superuser_client, path))
    assert (Rating.objects.count(), Rating.history.count()) == (1, 1)


def test_resource_import_is_all_or_nothing(bureaus):
    """Even without the preview (e.g. a file changed between preview and confirm), one bad row writes nothing."""
    dataset = tablib.Dataset(headers=HEADERS)
    for row in (org_row(1), org_row(2), org_row(3, 状态="停业")):
        dataset.append([row[header] for header in HEADERS])
    result = OrganizationResource().import_data(dataset, dry_run=False, user=SuperuserFactory())
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [4]
    assert Organization.objects.count() == 0


def test_reimport_in_the_admin_updates_only_changed_rows(superuser_client, bureaus, tmp_path):
    rows = [org_row(n) for n in range(1, 4)]
    confirm(superuser_client, upload(superuser_client, write_file(tmp_path / "v1.xlsx", rows)))
    rows[2]["状态"] = "注销"

    preview = upload(superuser_client, write_file(tmp_path / "v2.xlsx", rows))
    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 1, 2)
    confirm(superuser_client, preview)

    deregistered = Organization.objects.get(uscc=rows[2]["统一社会信用代码"])
    assert deregistered.status == Organization.Status.DEREGISTERED
    assert deregistered.status_reason == "通过批量导入变更登记状态"
    assert list(Organization.history.filter(history_type="~").values_list("uscc", flat=True)) == [deregistered.uscc]


def test_export_writes_the_import_headers_and_reimports_unchanged(superuser_client, bureaus, tmp_path):
    confirm(superuser_client, upload(superuser_client, FIXTURES / "organizations_sample.xlsx"))
    total = Organization.objects.count()
    data = {"resource": "0", "format": XLSX}
    data.update({f"organizationresource_{column.field}": "on" for column in imports.COLUMNS})

    response = superuser_client.post(EXPORT_URL, data)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == total + 1
    by_code = {row[0]: row for row in rows[1:]}
    organization = Organization.objects.select_related("region", "registration_authority").first()
    exported = by_code[organization.uscc]
    assert exported[2] == imports.TYPE_LABELS[organization.org_type]
    assert exported[3] == organization.registration_authority.name
    assert exported[10].startswith("内蒙古自治区")
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    result = imports.organizations_import(actor=None, source=path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, total)


def test_registrar_export_is_scoped_to_their_region(client, bureaus):
    mine = OrganizationFactory(region=region("150102"), registration_authority=bureaus["XCMZ"])
    OrganizationFactory(region=region("150203"), registration_authority=bureaus["BTMZ"])
    client.force_login(staff_registrar(bureaus["HHMZ"]))
    data = {"resource": "0", "format": CSV}
    data.update({f"organizationresource_{column.field}": "on" for column in imports.COLUMNS})

    response = client.post(EXPORT_URL, data)

    assert response.content.startswith("\ufeff".encode())  # so that Excel reads the CSV as UTF-8
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].split(",")[:3] == ["统一社会信用代码", "名称", "类型"]
    assert len(lines) == 2 and lines[1].startswith(mine.uscc)


def test_only_registrars_and_superusers_import(client, bureaus):
    purchaser = PurchaserFactory(is_staff=True)
    client.force_login(purchaser)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(CHANGELIST_URL).status_code == 403
    client.force_login(staff_registrar(bureaus["HHMZ"]))
    assert client.get(IMPORT_URL).status_code == 200


def test_registrar_sees_only_organizations_in_their_region(client, bureaus):
    mine = OrganizationFactory(region=region("150102"), registration_authority=bureaus["XCMZ"])
    other = OrganizationFactory(region=region("150203"), registration_authority=bureaus["BTMZ"])
    client.force_login(staff_registrar(bureaus["HHMZ"]))
    page = client.get(CHANGELIST_URL)
    assert mine.name in page.content.decode() and other.name not in page.content.decode()
    assert client.get(reverse("admin:registry_organization_change", args=[other.pk])).status_code == 302
    assert client.get(reverse("admin:registry_organization_change", args=[mine.pk])).status_code == 200


def test_records_admins_with_history(superuser_client):
    inspection = AnnualInspectionFactory()
    rating = RatingFactory(organization=inspection.organization)
    listing = CreditListingFactory(organization=inspection.organization)
    for model, obj in ((AnnualInspection, inspection), (Rating, rating), (CreditListing, listing)):
        name = model._meta.model_name
        assert superuser_client.get(reverse(f"admin:registry_{name}_changelist")).status_code == 200
        assert superuser_client.get(reverse(f"admin:registry_{name}_change", args=[obj.pk])).status_code == 200
        assert superuser_client.get(reverse(f"admin:registry_{name}_history", args=[obj.pk])).status_code == 200
    organization = inspection.organization
    assert (
        superuser_client.get(reverse("admin:registry_organization_history", args=[organization.pk])).status_code == 200
    )
    page = superuser_client.get(reverse("admin:registry_organization_change", args=[organization.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    for prefix in ("former_names", "inspections", "ratings", "credit_listings"):
        assert f'name="{prefix}-TOTAL_FORMS"' in content


def admin_organization_data(bureau, **overrides) -> dict:
    """The admin's add form for a 社会服务机构 in 新城区, with empty inline formsets."""
    data = {
        "name": "呼和浩特市新城区春晖社会工作服务中心",
        "uscc": make_uscc("2", "150100", "MJ007123"),
        "org_type": Organization.Type.SERVICE,
        "registration_authority": bureau.pk,
        "supervisory_unit": "",
        "legal_representative": "其其格",
        "registered_funds": "30000.00",
        "established_on": "2018-03-01",
        "domicile": "呼和浩特市新城区海拉尔东路",
        "region": region("150102").pk,
        "business_scope": "社会工作服务",
        "contact_phone": "",
        "contact_email": "",
        "certificate_valid_until": "",
        "status": Organization.Status.NORMAL,
        "status_changed_on": "",
        "status_reason": "",
    }
    for prefix in ("former_names", "inspections", "ratings", "credit_listings"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**data, **overrides}


def test_admin_organization_form_checks_the_code_like_every_other_entry_point(superuser_client, bureaus):
    add_url = reverse("admin:registry_organization_add")
    good = make_uscc("2", "150100", "MJ007123")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")

    response = superuser_client.post(add_url, admin_organization_data(bureaus["HHMZ"], uscc=wrong_check))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["uscc"] == [f"第18位校验码应为{good[17]}，当前为{wrong_check[17]}"]

    association = make_uscc("1", "150100", "MJ007123")
    response = superuser_client.post(add_url, admin_organization_data(bureaus["HHMZ"], uscc=association))
    assert response.context["adminform"].form.errors["uscc"] == [
        "第2位机构类别代码1表示“社会团体”，与所填类型“社会服务机构(民办非企业单位)”不一致"
    ]
    assert not Organization.objects.exists()

    typed = " ".join([good[:6], good[6:12], good[12:]]).lower()
    response = superuser_client.post(add_url, admin_organization_data(bureaus["HHMZ"], uscc=typed))
    assert response.status_code == 302
    assert Organization.objects.get().uscc == good


def test_admin_rating_validity_is_five_years_from_the_award_whatever_is_typed(superuser_client):
    organization = OrganizationFactory()
    authority = organization.registration_authority
    response = superuser_client.post(
        reverse("admin:registry_rating_add"),
        {
            "organization": organization.pk,
            "grade": Rating.Grade.A4,
            "score": "88.50",
            "awarded_on": "2024-02-29",
            "valid_until": "2040-01-01",
            "awarding_authority": authority.pk,
        },
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert rating.valid_until == datetime.date(2029, 2, 28)

    change_url = reverse("admin:registry_rating_change", args=[rating.pk])
    page = superuser_client.get(change_url)
    assert page.context["adminform"].form.fields["valid_until"].disabled

    data = {
        "organization": organization.pk,
        "grade": Rating.Grade.A4,
        "score": "88.50",
        "awarded_on": "2025-06-01",
        "awarding_authority": authority.pk,
    }
    assert superuser_client.post(change_url, data).status_code == 302
    rating.refresh_from_db()
    assert rating.valid_until == datetime.date(2030, 6, 1)


def test_admin_rating_inline_computes_the_validity(superuser_client, bureaus):
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureaus["HHMZ"])
    data = admin_organization_data(
        bureaus["HHMZ"],
        name=organization.name,
        uscc=organization.uscc,
        legal_representative=organization.legal_representative,
        domicile=organization.domicile,
        established_on=organization.established_on.isoformat(),
    )
    data.update(
        {
            "ratings-TOTAL_FORMS": "1",
            "ratings-0-grade": Rating.Grade.A3,
            "ratings-0-score": "",
            "ratings-0-awarded_on": "2023-09-10",
            "ratings-0-valid_until": "2023-09-11",
            "ratings-0-awarding_authority": bureaus["HHMZ"].pk,
        }
    )
    response = superuser_client.post(reverse("admin:registry_organization_change", args=[organization.pk]), data)
    assert response.status_code == 302
    assert organization.ratings.get().valid_until == datetime.date(2028, 9, 10)


def test_admin_refuses_a_second_open_listing_with_the_services_message(superuser_client):
    listing = CreditListingFactory(reason="未按规定报送年度工作报告", listed_on=datetime.date(2026, 1, 5))
    data = {
        "organization": listing.organization.pk,
        "list_kind": listing.list_kind,
        "reason": "未按规定报送年度工作报告",
        "listed_on": "2026-02-01",
        "deciding_authority": listing.deciding_authority.pk,
    }
    add_url = reverse("admin:registry_creditlisting_add")

    response = superuser_client.post(add_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["list_kind"] == [
        "该社会组织已于2026-01-05列入活动异常名录（未按规定报送年度工作报告），尚未移出，不能重复列入"
    ]
    assert CreditListing.objects.count() == 1

    # The open listing itself stays editable.
    change_url = reverse("admin:registry_creditlisting_change", args=[listing.pk])
    edit = {**data, "listed_on": "2026-01-05", "reason": "未按规定报送2025年度工作报告"}
    assert superuser_client.post(change_url, edit).status_code == 302

    # Once removed, the organization may be listed again.
    listing.removed_on, listing.removal_reason = datetime.date(2026, 1, 20), "已补报"
    listing.save()
    assert superuser_client.post(add_url, data).status_code == 302
    assert CreditListing.objects.filter(removed_on__isnull=True).count() == 1


def test_admin_shows_the_registration_status_read_only(superuser_client, bureaus):
    """The status changes through organization_change_status only: the admin cannot set it."""
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureaus["HHMZ"])
    change_url = reverse("admin:registry_organization_change", args=[organization.pk])
    form = superuser_client.get(change_url).context["adminform"].form
    assert not {"status", "status_changed_on", "status_reason"} & set(form.fields)
    data = admin_organization_data(
        bureaus["HHMZ"],
        name=organization.name,
        uscc=organization.uscc,
        legal_representative="巴特尔",
        domicile=organization.domicile,
        established_on=organization.established_on.isoformat(),
        status=Organization.Status.REVOKED,
        status_changed_on="2026-01-01",
        status_reason="管理后台改不了",
    )
    assert superuser_client.post(change_url, data).status_code == 302
    organization.refresh_from_db()
    assert organization.legal_representative == "巴特尔"
    assert (organization.status, organization.status_changed_on, organization.status_reason) == (
        Organization.Status.NORMAL,
        None,
        "",
    )


def test_admin_shows_a_listing_removal_read_only(superuser_client):
    """A removal is credit_listing_remove's decision: the listing's admin and the organization's inline show it."""
    listing = CreditListingFactory(reason="未按规定报送年度工作报告", listed_on=datetime.date(2026, 1, 5))
    change_url = reverse("admin:registry_creditlisting_change", args=[listing.pk])
    form = superuser_client.get(change_url).context["adminform"].form
    assert not {"removed_on", "removal_reason", "removed_by"} & set(form.fields)
    data = {
        "organization": listing.organization.pk,
        "list_kind": listing.list_kind,
        "reason": listing.reason,
        "listed_on": "2026-01-05",
        "deciding_authority": listing.deciding_authority.pk,
        "removed_on": "2026-02-01",
        "removal_reason": "管理后台改不了",
    }
    assert superuser_client.post(change_url, data).status_code == 302
    listing.refresh_from_db()
    assert listing.is_open and listing.removal_reason == ""
    page = superuser_client.get(reverse("admin:registry_organization_change", args=[listing.organization.pk]))
    inline_fields = set(page.context["inline_admin_formsets"][2].formset.forms[0].fields)
    assert "list_kind" in inline_fields and not {"removed_on", "removal_reason", "removed_by"} & inline_fields


def test_the_admin_form_normalizes_names_and_refuses_reversed_ones(db):
    from registry.admin import OrganizationAdminForm

    form = OrganizationAdminForm(data={"name": "阳光\u202e中心", "legal_representative": "其其格\u200b"})
    form.is_valid()
    assert any("U+202E" in message for message in form.errors["name"])
    assert form.cleaned_data["legal_representative"] == "其其格"
    form = OrganizationAdminForm(data={"name": "\u200b\u200d"})
    form.is_valid()
    assert "name" in form.errors


FORMULA_ATTACKS = ['==HYPERLINK("http://e.vil/","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]


@pytest.mark.parametrize("attack", FORMULA_ATTACKS)
def test_admin_xlsx_export_never_holds_a_formula(superuser_client, bureaus, attack):
    organization = OrganizationFactory(
        region=region("150102"), registration_authority=bureaus["XCMZ"], contact_phone=attack
    )
    data = {"resource": "0", "format": XLSX}
    data.update({f"organizationresource_{column.field}": "on" for column in imports.COLUMNS})

    response = superuser_client.post(EXPORT_URL, data)

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == attack]
    assert cells, f"{attack!r} of {organization.uscc} is not in the export"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


@pytest.mark.parametrize("attack", FORMULA_ATTACKS)
def test_admin_csv_export_escapes_every_formula_prefix(superuser_client, bureaus, attack):
    OrganizationFactory(region=region("150102"), registration_authority=bureaus["XCMZ"], contact_phone=attack)
    data = {"resource": "0", "format": CSV}
    data.update({f"organizationresource_{column.field}": "on" for column in imports.COLUMNS})

    response = superuser_client.post(EXPORT_URL, data)

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row if attack in cell]
    assert cells == ["'" + attack]


def test_every_admin_with_import_export_uses_the_formula_safe_formats():
    from django.contrib import admin
    from import_export.mixins import BaseImportExportMixin

    from core import spreadsheets

    safe = {spreadsheets.XLSXFormat, spreadsheets.CSVFormat}
    exporting = [
        model_admin for model_admin in admin.site._registry.values() if isinstance(model_admin, BaseImportExportMixin)
    ]
    assert exporting
    for model_admin in exporting:
        assert set(model_admin.get_export_formats()) <= safe, type(model_admin).__name__


def test_a_code_from_another_region_is_a_warning_in_the_admin_preview_and_result(superuser_client, bureaus, tmp_path):
    moved = org_row(1, 统一社会信用代码=make_uscc("2", "150200", "MJ000001"))
    path = write_file(tmp_path / "moved.xlsx", [moved])
    preview = upload(superuser_client, path)
    shown = [str(message) for message in preview.context["messages"]]
    assert any("第2行" in text and "150200（内蒙古自治区包头市）" in text for text in shown)
    done = confirm(superuser_client, preview)
    assert Organization.objects.count() == 1
    followed = superuser_client.get(done["Location"])
    assert any("150200" in str(message) for message in followed.context["messages"])


def test_penalty_and_annual_report_admins(superuser_client):
    from registry.models import Penalty
    from tests.factories import PenaltyFactory

    penalty = PenaltyFactory()
    for name in ("penalty", "annualreport", "annualinspection"):
        assert superuser_client.get(reverse(f"admin:registry_{name}_changelist")).status_code == 200
    change = reverse("admin:registry_penalty_change", args=[penalty.pk])
    assert superuser_client.get(change).status_code == 200
    data = {
        "organization": penalty.organization.pk,
        "decision_number": penalty.decision_number,
        "decided_on": "2026-03-10",
        "authority": penalty.authority.pk,
        "kind": "fine",
        "amount": "",
        "facts": "f",
        "legal_basis": "b",
    }
    refused = superuser_client.post(change, data)
    assert refused.status_code == 200 and "罚款必须填写罚款金额" in refused.content.decode()
    assert Penalty.objects.get().kind == "warning"
