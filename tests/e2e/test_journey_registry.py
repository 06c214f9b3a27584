"""A registrar imports the sample file on the site's import page (dry run, then confirm) and finds an organization in
the public directory."""

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


def test_registrar_imports_the_sample_and_finds_it_in_the_directory(live_server, page, regions, login):
    departments = registry_demo.seed_departments()
    registrar = RegistrarFactory(department=departments["NMMZ"], display_name="乌云其其格")
    login(page, registrar)

    page.click("[data-testid=work-menu]")
    page.click("[data-nav=work] >> text=批量导入社会组织")
    expect(page.locator("h1")).to_contain_text("批量导入社会组织")
    page.set_input_files("input[name=file]", str(SAMPLE))
    page.click("[data-testid=import-preview-submit]")
    # The dry run counts the rows; nothing is written before the confirmation.
    rows = sum(1 for _ in csv.DictReader(SAMPLE_CSV.open(encoding="utf-8-sig")))
    expect(page.locator("[data-testid=import-preview]")).to_contain_text(f"将新增 {rows} 个社会组织")
    assert Organization.objects.count() == 0
    page.click("[data-testid=import-confirm]")
    page.wait_for_load_state()
    assert Organization.objects.count() == rows
    expect(page.locator(".alert-success")).to_contain_text(str(rows))

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
