"""The evaluator pool pages: every official reads the pool and its record of changes; its keepers (the registrars of
the province) enter evaluators, edit their affiliation and take them out of the pool or back in; an evaluator edits
their own specialties and contact data only."""

from __future__ import annotations

import html

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


def test_pool_pages_are_read_by_officials_and_kept_by_the_province(client, purchaser, pool_keeper, organization):
    profile = EvaluatorProfileFactory()
    assert client.get(POOL).status_code == 302  # to the login page
    for user, read, keep, edit in (
        (OrganizationMemberFactory(organization=organization), 403, 403, 403),
        (profile.user, 403, 403, 200),  # the evaluator's own profile
        (purchaser, 200, 403, 403),
        (RegistrarFactory(), 200, 403, 403),
        (pool_keeper, 200, 200, 200),
    ):
        client.force_login(user)
        response = client.get(POOL)
        assert response.status_code == read
        assert client.get(CREATE).status_code == keep
        assert client.get(active_url(profile)).status_code == keep
        assert client.get(edit_url(profile)).status_code == edit
        if read == 200:
            assert str(profile.user) in response.content.decode()
            assert profile.affiliation in response.content.decode()
            assert ('data-testid="evaluator-profile-create"' in response.content.decode()) is (keep == 200)


def test_every_change_of_the_pool_is_recorded_and_shown(client, pool_keeper, purchaser):
    profile = EvaluatorProfileFactory(affiliation="内蒙古大学")
    client.force_login(pool_keeper)
    client.post(edit_url(profile), {"specialties": "绩效管理", "affiliation_uscc": "", "affiliation": "内蒙古工业大学"})
    client.post(active_url(profile))
    client.force_login(purchaser)
    html = client.get(POOL).content.decode()
    section = html[html.index('data-testid="pool-changes"') :]
    assert "内蒙古大学 → 内蒙古工业大学" in section and "在库 → 已停用" in section
    assert str(pool_keeper) in section
    client.force_login(pool_keeper)
    html = client.get(edit_url(profile)).content.decode()
    assert html.count('data-testid="pool-change"') == 3  # entered, edited, taken out


def test_reachable_from_the_manage_list_and_the_indicator_sets(client, purchaser):
    client.force_login(purchaser)
    for page in ("evaluations:evaluation-manage", "evaluations:indicator-set-list"):
        assert f'href="{POOL}"' in client.get(reverse(page)).content.decode()


def test_a_keeper_enters_an_evaluator_with_a_registered_affiliation(client, pool_keeper, evaluation):
    user = EvaluatorFactory()
    EvaluatorProfileFactory()  # already in the pool: not offered again
    organization = evaluation.contract.organization
    client.force_login(pool_keeper)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["user"].queryset) == [user]

    response = client.post(CREATE, {"user": user.pk, "affiliation_uscc": "51150100MJ0000000X"})
    assert "没有找到“51150100MJ0000000X”" in html.unescape(response.content.decode())
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
    assert profile.history.first().history_user == pool_keeper
    # Affiliated with the evaluated organization: never offered for its contract.
    assert profile not in assignable_evaluators(evaluation)


def test_a_user_without_the_evaluator_role_cannot_be_entered(client, pool_keeper):
    client.force_login(pool_keeper)
    response = client.post(CREATE, {"user": pool_keeper.pk})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not EvaluatorProfile.objects.exists()


def test_a_keeper_edits_every_field(client, pool_keeper):
    profile = EvaluatorProfileFactory()
    third_party = OrganizationFactory(name="内蒙古社会组织评估中心")
    client.force_login(pool_keeper)
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
    # The organization is typed like every organization field: its full name, or a suggestion, finds it too.
    page = client.get(edit_url(profile))
    assert f'value="{third_party.name}（{third_party.uscc}）"' in page.content.decode()
    assert reverse("registry:organization-suggestions") in page.content.decode()
    client.post(edit_url(profile), {"specialties": "绩效管理", "affiliation_uscc": ""})
    client.post(edit_url(profile), {"specialties": "绩效管理", "affiliation_uscc": "内蒙古社会组织评估中心"})
    profile.refresh_from_db()
    assert profile.affiliation_organization == third_party
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


def test_a_keeper_takes_an_evaluator_out_of_the_pool_and_back(client, pool_keeper, evaluation):
    profile = EvaluatorProfileFactory()
    assert profile in assignable_evaluators(evaluation)
    client.force_login(pool_keeper)
    assert "停用后该专家不再出现在邀请名单中" in client.get(active_url(profile)).content.decode()
    assert client.post(active_url(profile)).status_code == 302
    profile.refresh_from_db()
    assert not profile.is_active
    assert profile not in assignable_evaluators(evaluation)
    assert "已停用" in client.get(POOL).content.decode()
    client.post(active_url(profile))
    profile.refresh_from_db()
    assert profile.is_active
