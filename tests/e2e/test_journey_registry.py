"""A registrar imports the sample file in the admin (preview, then confirm) and finds an organization in the public
directory."""

import csv
from pathlib import Path

from playwright.sync_api import expect

from registry import demo as registry_demo
from registry.models import Organization
from tests.factories import RegistrarFactory

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "organizations_sample.xlsx"
SAMPLE_CSV = SAMPLE.with_suffix(".csv")


def first_sample_row() -> dict:
    with SAMPLE_CSV.open(encoding="utf-8-sig") as handle:
        return next(csv.DictReader(handle))


def test_registrar_imports_the_sample_in_the_admin_and_finds_it_in_the_directory(live_server, page, regions, login):
    departments = registry_demo.seed_departments()
    registrar = RegistrarFactory(department=departments["NMMZ"], is_staff=True, display_name="乌云其其格")
    login(page, registrar)

    page.click("[data-testid=work-menu]")
    page.click("[data-nav=work] >> text=批量导入社会组织")
    page.set_input_files("input[name=import_file]", str(SAMPLE))
    page.select_option("select[name=format]", label="xlsx")
    page.click("input[type=submit][value=提交]")
    # The preview lists the rows; nothing is written before the confirmation.
    expect(page.locator("input[type=submit][value=确认导入]")).to_be_visible()
    assert Organization.objects.count() == 0
    page.click("input[type=submit][value=确认导入]")
    page.wait_for_load_state()
    rows = sum(1 for _ in csv.DictReader(SAMPLE_CSV.open(encoding="utf-8-sig")))
    assert Organization.objects.count() == rows

    expect(page.locator(".messagelist")).to_contain_text(str(rows))

    sample = first_sample_row()
    page.goto(f"{live_server.url}/")
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/organizations/")
    page.fill("input[name=q]", sample["统一社会信用代码"][-8:].lower())
    page.click("button:has-text('查询')")
    expect(page.locator("table")).to_contain_text(sample["名称"])
    page.click(f"text={sample['名称']}")
    expect(page.locator("h1")).to_contain_text(sample["名称"])
    expect(page.locator("body")).to_contain_text(sample["统一社会信用代码"])
