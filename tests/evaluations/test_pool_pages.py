"""The evaluator pool pages: officials (registrars and purchasers) enter evaluators, edit their affiliation and take
them out of the pool or back in; an evaluator edits their own specialties and contact data only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations.models import EvaluatorProfile
from evaluations.selectors import assignable_evaluators
from tests.factories import (
    EvaluatorFactory,
    EvaluatorProfileFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    RegistrarFactory,
)

pytestmark = pytest.mark.django_db

POOL = reverse("evaluations:evaluator-pool")
CREATE = reverse("evaluations:evaluator-profile-create")


def edit_url(profile) -> str:
    return reverse("evaluations:evaluator-profile-edit", args=[profile.pk])


def active_url(profile) -> str:
    return reverse("evaluations:evaluator-profile-active", args=[profile.pk])


def test_pool_pages_are_for_officials(client, purchaser, organization):
    profile = EvaluatorProfileFactory()
    assert client.get(POOL).status_code == 302  # to the login page
    for user, expected in (
        (OrganizationMemberFactory(organization=organization), 403),
        (profile.user, 403),
        (purchaser, 200),
        (RegistrarFactory(), 200),
    ):
        client.force_login(user)
        assert client.get(POOL).status_code == expected
        assert client.get(CREATE).status_code == expected
        assert client.get(active_url(profile)).status_code == expected
    response = client.get(POOL)
    assert str(profile.user) in response.content.decode()
    assert profile.affiliation in response.content.decode()


def test_reachable_from_the_manage_list_and_the_indicator_sets(client, purchaser):
    client.force_login(purchaser)
    for page in ("evaluations:evaluation-manage", "evaluations:indicator-set-list"):
        assert f'href="{POOL}"' in client.get(reverse(page)).content.decode()


def test_an_official_enters_an_evaluator_with_a_registered_affiliation(client, purchaser, evaluation):
    user = EvaluatorFactory()
    EvaluatorProfileFactory()  # already in the pool: not offered again
    organization = evaluation.contract.organization
    client.force_login(purchaser)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["user"].queryset) == [user]

    response = client.post(CREATE, {"user": user.pk, "affiliation_uscc": "51150100MJ0000000X"})
    assert "没有统一社会信用代码为 51150100MJ0000000X 的社会组织。" in response.content.decode()
    assert not EvaluatorProfile.objects.filter(user=user).exists()

    response = client.post(
        CREATE,
        {
            "user": user.pk,
            "specialties": "社区治理",
            "affiliation_uscc": organization.uscc.lower(),
            "contact_phone": "0471-6900001",
            "contact_email": "pool@example.cn",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == POOL
    profile = EvaluatorProfile.objects.get(user=user)
    assert profile.affiliation_organization == organization
    assert profile.specialties == "社区治理"
    assert profile.is_active
    assert profile.history.first().history_user == purchaser
    # Affiliated with the evaluated organization: never offered for its contract.
    assert profile not in assignable_evaluators(evaluation)


def test_a_user_without_the_evaluator_role_cannot_be_entered(client, purchaser):
    client.force_login(purchaser)
    response = client.post(CREATE, {"user": purchaser.pk})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not EvaluatorProfile.objects.exists()


def test_an_official_edits_every_field(client, purchaser):
    profile = EvaluatorProfileFactory()
    third_party = OrganizationFactory(name="内蒙古社会组织评估中心")
    client.force_login(purchaser)
    response = client.get(edit_url(profile))
    assert set(response.context["form"].fields) == {
        "specialties",
        "affiliation_uscc",
        "affiliation",
        "contact_phone",
        "contact_email",
    }
    response = client.post(
        edit_url(profile),
        {"specialties": "绩效管理", "affiliation_uscc": third_party.uscc, "affiliation": "", "contact_phone": "1"},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.specialties, profile.affiliation_organization, profile.affiliation) == ("绩效管理", third_party, "")
    # Clearing the code removes the registered affiliation.
    client.post(edit_url(profile), {"specialties": "绩效管理", "affiliation_uscc": ""})
    profile.refresh_from_db()
    assert profile.affiliation_organization is None


def test_an_evaluator_edits_only_their_own_specialties_and_contact(client, purchaser):
    profile = EvaluatorProfileFactory(affiliation="内蒙古大学")
    other = EvaluatorProfileFactory()
    client.force_login(profile.user)
    task_list = client.get(reverse("evaluations:task-list")).content.decode()
    assert f'href="{edit_url(profile)}"' in task_list
    fields = client.get(edit_url(profile)).context["form"].fields
    assert set(fields) == {"specialties", "contact_phone", "contact_email"}
    response = client.post(
        edit_url(profile),
        {"specialties": "儿童福利", "contact_email": "me@example.cn", "affiliation": "别处", "affiliation_uscc": "x"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:task-list")
    profile.refresh_from_db()
    assert profile.specialties == "儿童福利"
    assert profile.contact_email == "me@example.cn"
    assert profile.affiliation == "内蒙古大学"
    assert client.get(edit_url(other)).status_code == 404
    assert client.post(active_url(profile)).status_code == 403
    profile.refresh_from_db()
    assert profile.is_active


def test_an_official_takes_an_evaluator_out_of_the_pool_and_back(client, purchaser, evaluation):
    profile = EvaluatorProfileFactory()
    assert profile in assignable_evaluators(evaluation)
    client.force_login(purchaser)
    assert "停用后该专家不再出现在邀请名单中" in client.get(active_url(profile)).content.decode()
    assert client.post(active_url(profile)).status_code == 302
    profile.refresh_from_db()
    assert not profile.is_active
    assert profile not in assignable_evaluators(evaluation)
    assert "已停用" in client.get(POOL).content.decode()
    client.post(active_url(profile))
    profile.refresh_from_db()
    assert profile.is_active
