"""Former names (曾用名): a change of name recorded by the registrar keeps the old name with its date, on the
organization's page, in the search document (directory and /search/), in the API detail, through the import; the
service's refusals and the rename page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from registry import services
from registry.imports import organizations_import
from registry.models import FormerName, Organization
from tests.errors import codes
from tests.factories import OrganizationFactory, OrganizationMemberFactory, SuperuserFactory, region
from tests.registry.conftest import registrar_in, today, tomorrow
from tests.registry.test_import import org_row, write_file

pytestmark = pytest.mark.django_db

OLD = "呼和浩特市新城区夕照养老服务站"
NEW = "呼和浩特市新城区晚霞养老服务中心"
CHANGED_ON = datetime.date(2024, 5, 20)


@pytest.fixture
def registrar():
    return registrar_in("150100")


@pytest.fixture
def organization():
    return OrganizationFactory(name=OLD, region=region("150102"), established_on=datetime.date(2015, 6, 1))


def rename(registrar, organization, name=NEW, changed_on=CHANGED_ON):
    return services.organization_rename(actor=registrar, organization=organization, name=name, changed_on=changed_on)


def test_a_change_of_name_keeps_the_old_name_with_its_date_and_history(registrar, organization):
    rename(registrar, organization)

    organization.refresh_from_db()
    assert organization.name == NEW
    assert [(former.name, former.changed_on) for former in organization.former_names.all()] == [(OLD, CHANGED_ON)]
    assert organization.former_name_list == [OLD]
    latest = organization.history.latest()
    assert (latest.name, latest.history_user, latest.history_change_reason) == (
        NEW,
        registrar,
        f"名称变更：{OLD} → {NEW}",
    )
    assert FormerName.history.get().history_user == registrar


def test_a_second_change_keeps_both_names_newest_first(registrar, organization):
    rename(registrar, organization)
    rename(registrar, organization, name="呼和浩特市新城区晚霞社会工作服务中心", changed_on=datetime.date(2025, 1, 2))

    organization.refresh_from_db()
    assert organization.former_name_list == [NEW, OLD]
    assert [former.name for former in organization.former_names.all()] == [NEW, OLD]


def test_the_former_name_is_searched_with_its_pinyin(registrar, organization):
    rename(registrar, organization)

    organization.refresh_from_db()
    assert "夕照养老服务站" in organization.search_document
    for query in ("夕照", "夕照 养老服务站", "xizhao", "xzylfwz"):
        assert list(Organization.objects.filter(pk=organization.pk).filter(_condition(query))) == [organization], query
    # a plain save (another change of registration data) keeps the former name searchable
    services.organization_update(actor=registrar, organization=organization, domicile="呼和浩特市新城区北垣街1号")
    organization.refresh_from_db()
    assert "夕照养老服务站" in organization.search_document


def test_refresh_search_keeps_the_former_names_in_the_document(registrar, organization):
    from django.core.management import call_command

    rename(registrar, organization)
    Organization.objects.filter(pk=organization.pk).update(search_document="", search_tokens="")

    call_command("refresh_search", stdout=open("/dev/null", "w"))

    organization.refresh_from_db()
    assert "夕照养老服务站" in organization.search_document and "xzylfwz" in organization.search_document


def _condition(query):
    from core.search import search_condition, search_words

    return search_condition(search_words(query), tokens_field="search_tokens")


def test_the_directory_and_the_site_search_find_an_organization_by_its_former_name(client, registrar, organization):
    rename(registrar, organization)

    directory = client.get(reverse("registry:organization-list"), {"q": "夕照养老"})
    assert [row.record.name for row in directory.context["table"].paginated_rows] == [NEW]
    found = client.get(reverse("portal:search"), {"q": "夕照养老"})
    assert [hit.title for group in found.context["results"].groups for hit in group.hits] == [NEW]


def test_the_organization_page_shows_the_former_names(client, registrar, organization):
    page = client.get(reverse("registry:organization-detail", args=[organization.uscc])).content.decode()
    assert 'data-testid="former-names"' not in page

    rename(registrar, organization)

    page = client.get(reverse("registry:organization-detail", args=[organization.uscc])).content.decode()
    assert 'data-testid="former-names"' in page
    assert OLD in page and "2024-05-20 变更" in page


def test_the_api_detail_exports_the_former_names(registrar, organization):
    rename(registrar, organization)

    data = APIClient().get(f"/api/v1/organizations/{organization.uscc}/").json()
    assert data["name"] == NEW
    assert data["former_names"] == [{"name": OLD, "changed_on": "2024-05-20"}]


@pytest.mark.parametrize(
    ("name", "changed_on", "expected"),
    [
        (OLD, CHANGED_ON, {"name": ["name_unchanged"]}),
        ("  ", CHANGED_ON, {"name": ["name_empty"]}),
        (NEW, None, {"changed_on": ["required"]}),
        (NEW, "tomorrow", {"changed_on": ["date_in_future"]}),
        (NEW, datetime.date(2014, 1, 1), {"changed_on": ["before_establishment"]}),
    ],
)
def test_refusals(registrar, organization, name, changed_on, expected):
    if changed_on == "tomorrow":  # the day after the day the test runs
        changed_on = tomorrow()
    with pytest.raises(ValidationError) as caught:
        rename(registrar, organization, name=name, changed_on=changed_on)
    assert codes(caught.value) == expected
    assert not FormerName.objects.exists()
    organization.refresh_from_db()
    assert organization.name == OLD


def test_a_change_dated_before_the_previous_one_is_refused(registrar, organization):
    rename(registrar, organization)
    with pytest.raises(ValidationError) as caught:
        rename(registrar, organization, name="另一个名称服务中心", changed_on=CHANGED_ON - datetime.timedelta(days=1))
    assert codes(caught.value) == {"changed_on": ["before_previous"]}
    assert FormerName.objects.count() == 1


def test_only_the_registrars_of_the_region_rename(organization):
    for actor in (registrar_in("150200"), OrganizationMemberFactory(organization=organization)):
        with pytest.raises(PermissionDenied):
            rename(actor, organization)
    assert not FormerName.objects.exists()


def test_the_rename_page(client, registrar, organization):
    url = reverse("registry:organization-rename", args=[organization.uscc])
    client.force_login(registrar)
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"]["changed_on"].value() == today()

    refused = client.post(url, {"name": OLD, "changed_on": "2024-05-20"})
    assert refused.status_code == 200
    assert "新名称与现用名称相同，无需变更" in refused.content.decode()

    response = client.post(url, {"name": NEW, "changed_on": "2024-05-20"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == NEW and organization.former_name_list == [OLD]


def test_an_import_that_changes_a_name_keeps_the_former_name(tmp_path, bureaus):
    superuser = SuperuserFactory()
    rows = [org_row(n) for n in range(1, 3)]
    organizations_import(actor=None, source=write_file(tmp_path / "v1.csv", rows))
    old = rows[0]["名称"]
    rows[0]["名称"] = "呼和浩特市新城区曙光社会工作服务中心"

    result = organizations_import(actor=superuser, source=write_file(tmp_path / "v2.csv", rows))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    renamed = Organization.objects.get(uscc=rows[0]["统一社会信用代码"])
    assert renamed.name == "呼和浩特市新城区曙光社会工作服务中心"
    assert renamed.former_name_list == [old]
    former = renamed.former_names.get()
    assert (former.name, former.changed_on) == (old, today())
    assert FormerName.history.get().history_user == superuser
    assert "第1社会工作服务中心" in renamed.search_document
