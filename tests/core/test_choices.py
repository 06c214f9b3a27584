"""core.choices: a choice's label looked up once gives what `get_FOO_display()` gives."""

import pytest
from django.utils import translation

from contracts.models import Contract
from core import choices
from registry.models import Organization


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_label_is_get_foo_display(language):
    with translation.override(language):
        for status in [*Contract.Status.values, "no-such-status", ""]:
            contract = Contract(status=status)
            assert choices.display(contract, "status") == contract.get_status_display()
        for org_type in Organization.Type.values:
            organization = Organization(org_type=org_type)
            assert choices.display(organization, "org_type") == organization.get_org_type_display()


def test_a_model_with_its_own_display_and_a_field_without_choices():
    class Own(Organization):
        class Meta:
            proxy = True
            app_label = "registry"

        def get_status_display(self):
            return "own"

    assert choices.label_of(Own, "status") is None
    assert choices.display(Own(status=Organization.Status.NORMAL), "status") == "own"
    assert choices.label_of(Organization, "name") is None
    assert choices.label_of(Organization, "no_such_field") is None
    with translation.override("en"):
        english = choices.display(Organization(status=Organization.Status.NORMAL), "status")
    with translation.override("zh-hans"):
        assert choices.display(Organization(status=Organization.Status.NORMAL), "status") != english
