"""The anonymous public pages' cache (core.pagecache): each cached kind of page shows a change on the very next
request, a signed-in user is never served nor fills a cached page, every visitor gets their own CSRF token, and
each language has its own copy."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from core import pagecache
from registry.models import Organization
from tests.factories import (
    OrganizationFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600


def fetch(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.fixture
def contract():
    year = timezone.localdate().year
    return SignedContractFactory(
        department=PurchasingDepartmentFactory(region=region("150100")),
        organization=OrganizationFactory(name="草原社会工作服务中心"),
        title="居家养老上门服务项目合同",
        year=year,
        signed_on=datetime.date(year, 1, 5),
        start_on=datetime.date(year, 1, 10),
        end_on=datetime.date(year, 12, 31),
    )


def organization_renamed(contract):
    Organization.objects.filter(pk=contract.organization_id).update(name="草原社会工作发展中心")


def contract_retitled(contract):
    contract.title = "社区儿童关爱服务项目合同"
    contract.save()


@pytest.mark.parametrize(
    ("url_of", "before", "change", "after"),
    [
        (
            lambda c: reverse("registry:organization-list"),
            "草原社会工作服务中心",
            organization_renamed,
            "草原社会工作发展中心",
        ),
        (
            lambda c: reverse("registry:organization-detail", args=[c.organization.uscc]),
            "草原社会工作服务中心",
            organization_renamed,
            "草原社会工作发展中心",
        ),
        (
            lambda c: reverse("contracts:contract-list"),
            "居家养老上门服务项目合同",
            contract_retitled,
            "社区儿童关爱服务项目合同",
        ),
        (
            lambda c: reverse("contracts:contract-detail", args=[c.number]),
            "居家养老上门服务项目合同",
            contract_retitled,
            "社区儿童关爱服务项目合同",
        ),
    ],
    ids=["directory", "organization", "contracts", "contract"],
)
def test_a_change_is_visible_on_the_next_request(client, committed, contract, url_of, before, change, after):
    url = url_of(contract)
    first, text = fetch(client, url)
    assert first["X-Page-Cache"] == "miss" and before in text
    second, text = fetch(client, url)
    assert second["X-Page-Cache"] == "hit" and before in text

    with committed():
        change(contract)

    third, text = fetch(client, url)
    assert third["X-Page-Cache"] == "miss"
    assert after in text and before not in text
    assert fetch(client, url)[0]["X-Page-Cache"] == "hit"


def test_the_home_figures_change_on_the_next_request(client, committed):
    url = reverse("portal:home")
    first, _text = fetch(client, url)
    assert first["X-Page-Cache"] == "miss"
    assert first.context["dashboard"].province.active_organizations == 0
    assert fetch(client, url)[0]["X-Page-Cache"] == "hit"

    with committed():
        OrganizationFactory(region=region("150200"))

    response, _text = fetch(client, url)
    assert response["X-Page-Cache"] == "miss"
    assert response.context["dashboard"].province.active_organizations == 1


def test_a_write_that_is_rolled_back_keeps_the_pages(client, contract):
    url = reverse("contracts:contract-detail", args=[contract.number])
    fetch(client, url)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(title="不会保存的标题")
        raise RuntimeError
    # Nothing committed, nothing to throw away (the callback left with the savepoint).
    assert fetch(client, url)[0]["X-Page-Cache"] == "hit"


def test_a_write_outside_a_transaction_starts_a_new_generation_at_once(contract):
    from django.core.cache import cache

    cache.set(pagecache.GENERATION_KEY, "old", None)

    class Autocommit:  # a connection outside any transaction
        alias = "default"
        in_atomic_block = False

    sql = 'UPDATE "contracts_contract" SET title = %s'
    pagecache._write_watcher(lambda *args: None, sql, ["x"], False, {"connection": Autocommit()})
    assert cache.get(pagecache.GENERATION_KEY) != "old"


def test_signed_in_users_are_never_served_a_cached_page(client, contract):
    url = reverse("contracts:contract-detail", args=[contract.number])
    fetch(Client(), url)
    assert fetch(Client(), url)[0]["X-Page-Cache"] == "hit"

    registrar = RegistrarFactory(department__region=region("150100"))
    client.force_login(registrar)
    response, text = fetch(client, url)
    assert "X-Page-Cache" not in response
    assert 'data-testid="user-menu"' in text and 'data-testid="login-link"' not in text


def test_signed_in_pages_are_never_kept_for_anonymous_visitors(client, contract):
    url = reverse("contracts:contract-detail", args=[contract.number])
    registrar = RegistrarFactory(department__region=region("150100"))
    client.force_login(registrar)
    fetch(client, url)
    fetch(client, url)

    response, text = fetch(Client(), url)
    assert response["X-Page-Cache"] == "miss"
    assert 'data-testid="user-menu"' not in text and 'data-testid="login-link"' in text


def test_a_visitor_with_messages_waiting_gets_a_fresh_page(contract):
    url = reverse("contracts:contract-detail", args=[contract.number])
    fetch(Client(), url)
    visitor = Client()
    visitor.cookies["messages"] = "pending"
    assert "X-Page-Cache" not in fetch(visitor, url)[0]


def tokens(text: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', text)) | set(
        re.findall(r'"X-CSRFToken": "([A-Za-z0-9]{64})"', text)
    )


def test_each_visitor_gets_their_own_csrf_token(contract):
    url = reverse("contracts:contract-detail", args=[contract.number])
    first = Client(enforce_csrf_checks=True)
    fetch(first, url)
    second = Client(enforce_csrf_checks=True)
    response, text = fetch(second, url)
    assert response["X-Page-Cache"] == "hit"

    secret = second.cookies["csrftoken"].value
    assert secret != first.cookies["csrftoken"].value
    found = tokens(text)
    assert found and all(_unmask_cipher_token(token) == secret for token in found)
    assert pagecache.TOKEN_PLACEHOLDER not in text

    # The token works: the language form posts.
    switched = second.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": found.pop()})
    assert switched.status_code == 302


def test_each_language_has_its_own_copy(contract):
    url = reverse("contracts:contract-detail", args=[contract.number])
    chinese = Client()
    fetch(chinese, url)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    response, text = fetch(english, url)
    assert response["X-Page-Cache"] == "miss"
    assert 'lang="en"' in text
    response, text = fetch(Client(HTTP_ACCEPT_LANGUAGE="en"), url)
    assert response["X-Page-Cache"] == "hit" and 'lang="en"' in text
    response, text = fetch(Client(), url)
    assert response["X-Page-Cache"] == "hit" and 'lang="zh-Hans"' in text


def test_each_query_string_has_its_own_copy(contract):
    url = reverse("registry:organization-list")
    fetch(Client(), url)
    response, text = fetch(Client(), url + "?q=不存在的名称")
    assert response["X-Page-Cache"] == "miss" and "草原社会工作服务中心" not in text


def test_pages_not_named_are_not_cached(contract):
    url = reverse("contracts:purchase-list-list")
    fetch(Client(), url)
    assert "X-Page-Cache" not in fetch(Client(), url)[0]


def test_the_cache_is_off_at_zero(settings, contract):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = reverse("contracts:contract-detail", args=[contract.number])
    fetch(Client(), url)
    assert "X-Page-Cache" not in fetch(Client(), url)[0]


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "registry_organization"."id" FROM "registry_organization"', False),
        ('(SELECT "year" FROM "contracts_contract") UNION (SELECT "year" FROM "contracts_purchaselist")', False),
        ("SAVEPOINT s1", False),
        ('UPDATE "registry_organization" SET "name" = %s', True),
        ('INSERT INTO "contracts_contract" ("number") VALUES (%s)', True),
        ('DELETE FROM "contracts_deliverable" WHERE id = %s', True),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('DELETE FROM "qiyue_cache" WHERE cache_key = %s', False),
        ("TRUNCATE registry_organization", True),
        ("WITH moved AS (UPDATE contracts_contract SET status = 'signed') SELECT 1", True),
        ("WITH RECURSIVE present (id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM present) SELECT 1 FROM present", False),
    ],
)
def test_which_statements_throw_the_pages_away(sql, writes):
    assert pagecache.writes_public_data(sql) is writes


def organizations_figure(text: str) -> int:
    return int(re.search(r'data-testid="stat-organizations".*?fs-3 fw-semibold">(\d+)<', text, re.DOTALL).group(1))


def test_the_home_figures_are_kept_for_signed_in_users_until_a_write_commits(client, committed):
    client.force_login(RegistrarFactory(department__region=region("150100")))
    connection.run_on_commit.clear()  # the sign-in's own write has committed
    response, text = fetch(client, reverse("portal:home"))
    assert "X-Page-Cache" not in response and 'data-testid="user-menu"' in text
    assert organizations_figure(text) == 0

    OrganizationFactory(region=region("150200"))  # written, not committed: the kept figures stand
    assert organizations_figure(fetch(client, reverse("portal:home"))[1]) == 0

    with committed():
        OrganizationFactory(region=region("150200"))
    assert organizations_figure(fetch(client, reverse("portal:home"))[1]) == 2


def test_a_write_before_the_cache_table_exists_does_not_fail(settings):
    """`migrate` on an empty database writes before it has made the database cache's table: the write's
    invalidation finds no table and there is nothing cached to throw away, so the write goes through."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "qiyue_cache_not_made_yet"}
    }
    pagecache.invalidate()
    organization = OrganizationFactory()
    organization.name = "改名后的社会组织"
    organization.save()
    assert Organization.objects.get(pk=organization.pk).name == "改名后的社会组织"


def test_a_list_count_is_read_once_until_a_write_commits(committed):
    """A signed-in official is never served a cached page, but the list's exact count is kept until a write."""
    OrganizationFactory.create_batch(3, region=region("150102"))
    client = Client()
    client.force_login(RegistrarFactory(department=PurchasingDepartmentFactory(region=region("150000"))))
    connection.run_on_commit.clear()  # the fixtures and the sign-in have committed
    _, page = fetch(client, reverse("registry:organization-list"))
    assert "共 3 个社会组织" in page

    with CaptureQueriesContext(connection) as queries:
        _, page = fetch(client, reverse("registry:organization-list"))
    assert "共 3 个社会组织" in page
    assert not [q["sql"] for q in queries if 'COUNT(*) AS "__count" FROM "registry_organization"' in q["sql"]]

    with committed():
        OrganizationFactory(region=region("150102"))
    _, page = fetch(client, reverse("registry:organization-list"))
    assert "共 4 个社会组织" in page


def test_a_count_read_after_a_write_not_yet_committed_is_not_kept():
    OrganizationFactory()
    connection.run_on_commit.clear()
    pending = OrganizationFactory()  # written in a transaction that has not committed
    assert pagecache.count(Organization.objects.all()) == 2

    pending.delete()  # the transaction rolls back: no generation is started
    connection.run_on_commit.clear()
    assert pagecache.count(Organization.objects.all()) == 1
    assert pagecache.count(Organization.objects.none()) == 0


def test_a_count_is_kept_per_rows_counted_not_per_joins_shown_or_order():
    OrganizationFactory(region=region("150102"), name="甲")
    OrganizationFactory(region=region("150202"), name="乙")
    connection.run_on_commit.clear()
    plain = Organization.objects.all()
    assert pagecache.count(plain) == 2
    with CaptureQueriesContext(connection) as queries:
        assert pagecache.count(plain.select_related("region").order_by("-name")) == 2
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]  # the same key: read back
    assert pagecache.count(plain.filter(region__code="150102")) == 1  # other rows: another key
    assert pagecache.count(plain.order_by("name")[:1]) == 1  # a slice: counted as sliced
