"""accounts.backends: the signed-in user of a request comes with their department and its region."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganizationMemberFactory, RegistrarFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def request_of(client):
    request = client.get("/").wsgi_request
    request.session = client.session
    return request


def test_an_officials_department_and_region_come_with_the_user(client):
    registrar = RegistrarFactory()
    client.force_login(registrar)
    request = request_of(client)
    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        assert user == registrar
        assert user.department.region.path == registrar.department.region.path
    users = [query["sql"] for query in queries.captured_queries if "django_session" not in query["sql"]]
    assert len(users) == 1  # the user, joined to the department and its region


def test_a_user_without_a_department_and_an_inactive_user(client, password):
    member = OrganizationMemberFactory()
    client.force_login(member)
    assert get_user(request_of(client)) == member

    superuser = SuperuserFactory()
    client.force_login(superuser)
    request = request_of(client)
    type(superuser).objects.filter(pk=superuser.pk).update(is_active=False)
    assert not get_user(request).is_authenticated
    assert request.session[SESSION_KEY] == str(superuser.pk)


def test_signing_in_with_a_password_records_this_backend(client, password):
    registrar = RegistrarFactory()
    response = client.post("/accounts/login/", {"username": registrar.username, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.UserBackend"
