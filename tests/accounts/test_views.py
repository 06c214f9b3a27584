"""Login, logout, password change, language switch, navigation by role, 403/404 pages."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import EvaluatorFactory, PurchaserFactory, RegistrarFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def test_login_and_logout(client, password):
    user = PurchaserFactory()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("portal:workspace")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    response = client.get(reverse("portal:workspace"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_wrong_password_shows_a_message_in_chinese(client):
    user = PurchaserFactory()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_password_change(client, password):
    user = RegistrarFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": password, "new_password1": "Caoyuan-2026-ok", "new_password2": "Caoyuan-2026-ok"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Caoyuan-2026-ok")


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "Home" in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True)
    assert '<html lang="zh-Hans">' in response.content.decode()
    assert "首页" in response.content.decode()


def test_unknown_language_code_is_ignored(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_navigation_follows_roles(client):
    anonymous = client.get("/").content.decode()
    assert reverse("portal:workspace") not in anonymous
    assert reverse("admin:index") not in anonymous
    client.force_login(EvaluatorFactory())
    page = client.get("/").content.decode()
    assert reverse("portal:workspace") in page and reverse("admin:index") not in page
    client.force_login(SuperuserFactory())
    assert reverse("admin:index") in client.get("/").content.decode()


def test_workspace_shows_role_and_region(client):
    user = PurchaserFactory()
    client.force_login(user)
    page = client.get(reverse("portal:workspace")).content.decode()
    assert "购买主体人员" in page
    assert "呼和浩特市" in page


def test_404_page_is_translated(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert "Page not found" in response.content.decode()


def test_403_page_is_translated(rf):
    from django.core.exceptions import PermissionDenied

    from portal.views import permission_denied

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_role_changes_are_historied():
    user = EvaluatorFactory()
    user.is_purchaser = False
    user.is_evaluator = False
    user.save()
    assert [h.is_evaluator for h in user.history.order_by("history_date")] == [True, False]
