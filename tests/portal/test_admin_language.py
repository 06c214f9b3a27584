"""Every admin page speaks Chinese: the index, each registered model's list, add and import pages rendered for a
superuser in Chinese show no English label (third-party apps included), the import format selector offers xlsx
first and chosen, and permissions are named in the reader's language."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.admin import permission_label
from tests.factories import OrganizationFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

# An English word: three letters or more, some of them lower case (codes and abbreviations such as LDAP, OCDS or
# NMMZ are upper case). Those a Chinese admin page may show: file formats, keys people press, the name of the language
# English in the language selector, the user's name, axes' record of a request without a path.
LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]*[a-z][A-Za-z]*(?![A-Za-z])")
ALLOWED = {"xlsx", "csv", "Excel", "Control", "Command", "Mac", "English", "unknown"}


# The user page's summary of a password hash shows its first characters, then asterisks ("bdee35****…"): hexadecimal
# digits, not words.
MASKED_HASH = re.compile(r"\b[0-9a-f]+\*+")


def english_words(text: str) -> list[str]:
    return [
        word
        for word in LATIN_WORD.findall(MASKED_HASH.sub(" ", text))
        if len(word) >= 3 and word not in ALLOWED and not re.fullmatch(r"user\d*", word)
    ]


def visible_lines(page: str) -> list[str]:
    page = re.sub(r"<script.*?</script>|<style.*?</style>|<!--.*?-->", " ", page, flags=re.S)
    lines = re.sub(r"<[^>]+>", "\n", page).splitlines()
    return [html.unescape(line).strip() for line in lines if line.strip()]


def english_in(page: str) -> list[str]:
    return [line for line in visible_lines(page) if english_words(line)]


def admin_pages(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:%s_%s_changelist" % info))
        if model_admin.has_add_permission(request):
            pages.append(reverse("admin:%s_%s_add" % info))
        try:
            pages.append(reverse("admin:%s_%s_import" % info))
        except NoReverseMatch:
            pass
    return pages


@pytest.fixture
def superuser_client(client):
    user = SuperuserFactory(language="zh-hans")
    client.force_login(user)
    return client, user


def test_every_admin_page_is_in_chinese(superuser_client):
    client, user = superuser_client
    organization = OrganizationFactory()
    pages = admin_pages(user) + [
        reverse("admin:registry_organization_change", args=[organization.pk]),
        reverse("admin:accounts_user_change", args=[user.pk]),
    ]
    untranslated = {}
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        found = english_in(response.content.decode())
        if found:
            untranslated[url] = sorted(set(found))
    assert untranslated == {}, "\n".join(f"{url}: {lines}" for url, lines in untranslated.items())


def test_every_list_column_and_filter_has_a_chinese_label():
    untranslated = []
    with translation.override("zh-hans"):
        for model, model_admin in admin.site._registry.items():
            for name in model_admin.list_display:
                if name == "__str__" or callable(name):
                    continue
                label = str(label_for_field(name, model, model_admin))
                if english_words(label):
                    untranslated.append(f"{model._meta.label}.{name}: {label}")
            for spec in model_admin.list_filter:
                if isinstance(spec, str) and "__" not in spec:
                    label = str(model._meta.get_field(spec).verbose_name)
                    if english_words(label):
                        untranslated.append(f"{model._meta.label} filter {spec}: {label}")
    assert untranslated == []


def test_the_import_format_selector_offers_xlsx_chosen_and_no_empty_choice(superuser_client):
    client, _user = superuser_client
    response = client.get(reverse("admin:registry_organization_import"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    field = response.context["form"]["format"]
    # The labels are the files' extensions: the admin's script picks the format from the chosen file's name.
    assert list(field.field.choices) == [("0", "xlsx"), ("1", "csv")]
    assert str(field.value()) == "0"
    assert '<option value="0" selected>' in str(field)
    assert "---" not in response.content.decode()


def test_the_export_format_selector_offers_xlsx_chosen(superuser_client):
    client, _user = superuser_client
    response = client.get(reverse("admin:registry_organization_export"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    field = response.context["form"]["format"]
    assert [value for value, _label in field.field.choices] == ["0", "1"]
    assert '<option value="0" selected>' in str(field)


def test_permissions_are_named_in_the_readers_language():
    view = Permission.objects.get(codename="view_organization")
    history = Permission.objects.get(codename="change_historicalorganization")

    with translation.override("zh-hans"):
        assert permission_label(view) == "社会组织登记 | 社会组织 | 查看"
        assert permission_label(history) == "社会组织登记 | 社会组织（历史记录） | 修改"
    with translation.override("en"):
        assert permission_label(view).endswith("| Social organization | View")
