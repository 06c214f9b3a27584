"""Inspections: planned by officials covering the organization, completed with inspectors, findings and conclusion;
on-site checks need two inspectors; members see only completed ones."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision import services
from supervision.models import Inspection
from supervision.selectors import inspection_get, inspection_list
from tests.errors import all_codes, codes
from tests.factories import make_upload

pytestmark = pytest.mark.django_db

PLANNED = datetime.date(2026, 9, 10)


def plan(actor, organization, **kwargs):
    values = dict(actor=actor, organization=organization, kind="on_site", planned_on=PLANNED)
    values.update(kwargs)
    return services.inspection_plan(**values)


def test_on_site_inspection_with_two_inspectors(registrar, second_registrar, organization, contract):
    inspection = plan(registrar, organization, inspectors=[registrar, second_registrar], contract=contract)
    assert inspection.is_planned and inspection.department == registrar.department
    services.inspection_complete(
        actor=registrar,
        inspection=inspection,
        inspected_on=datetime.date(2026, 9, 11),
        conclusion="no_problem",
    )
    inspection.refresh_from_db()
    assert inspection.is_completed and inspection.completed_by == registrar
    assert set(inspection.inspectors.all()) == {registrar, second_registrar}
    latest = inspection.history.first()
    assert latest.status == "completed" and latest.history_user == registrar
    assert {row.status for row in inspection.history.all()} == {"planned", "completed"}


def test_on_site_needs_two_inspectors(registrar, organization):
    with pytest.raises(ValidationError) as error:
        plan(registrar, organization, inspectors=[registrar])
    assert codes(error.value) == {"inspectors": ["too_few_inspectors"]}
    assert error.value.message_dict["inspectors"] == ["实地检查须由至少 2 名检查人员进行。"]
    inspection = plan(registrar, organization)
    with pytest.raises(ValidationError) as error:
        services.inspection_complete(
            actor=registrar,
            inspection=inspection,
            inspected_on=datetime.date(2026, 9, 11),
            conclusion="no_problem",
            inspectors=[registrar],
        )
    assert codes(error.value) == {"inspectors": ["too_few_inspectors"]}
    with pytest.raises(ValidationError) as error:
        services.inspection_complete(
            actor=registrar, inspection=inspection, inspected_on=datetime.date(2026, 9, 11), conclusion="no_problem"
        )
    assert codes(error.value) == {"inspectors": ["required"]}


def test_inspectors_must_cover_the_organization(registrar, baotou_registrar, member, organization):
    for stranger in (baotou_registrar, member):
        with pytest.raises(ValidationError) as error:
            plan(registrar, organization, kind="document", inspectors=[stranger])
        assert codes(error.value) == {"inspectors": ["inspector_not_covering"]}


def test_completion_rules(registrar, organization):
    inspection = plan(registrar, organization, kind="document", inspectors=[registrar])
    with pytest.raises(ValidationError) as error:
        services.inspection_complete(
            actor=registrar, inspection=inspection, inspected_on=datetime.date(2099, 1, 1), conclusion="problems_found"
        )
    assert codes(error.value) == {"inspected_on": ["date_in_future"], "findings": ["findings_required"]}
    assert error.value.message_dict["inspected_on"] == ["检查日期 2099-01-01 晚于今天，不能登记将来的日期。"]
    with pytest.raises(ValidationError) as error:
        services.inspection_complete(actor=registrar, inspection=inspection, inspected_on=None, conclusion="maybe")
    assert codes(error.value) == {"inspected_on": ["required"], "conclusion": ["invalid_choice"]}
    services.inspection_complete(
        actor=registrar,
        inspection=inspection,
        inspected_on=datetime.date(2026, 9, 12),
        conclusion="problems_found",
        findings="未按规定公开年度报告",
    )
    with pytest.raises(ValidationError) as error:
        services.inspection_complete(
            actor=registrar, inspection=inspection, inspected_on=datetime.date(2026, 9, 12), conclusion="no_problem"
        )
    assert all_codes(error.value) == {"wrong_state"}
    assert error.value.messages == ["当前状态为“已完成”，不能登记检查结果。"]
    with pytest.raises(ValidationError) as error:
        services.inspection_update(actor=registrar, inspection=inspection, planned_on=datetime.date(2026, 9, 20))
    assert all_codes(error.value) == {"wrong_state"}


def test_random_kind_only_through_a_draw(registrar, organization):
    with pytest.raises(ValidationError) as error:
        plan(registrar, organization, kind="random")
    assert codes(error.value) == {"kind": ["random_needs_draw"]}
    inspection = plan(registrar, organization, kind="targeted")
    with pytest.raises(ValidationError) as error:
        services.inspection_update(actor=registrar, inspection=inspection, kind="random")
    assert codes(error.value) == {"kind": ["random_kind_fixed"]}
    with pytest.raises(ValidationError) as error:
        services.inspection_update(actor=registrar, inspection=inspection, kind="unknown", planned_on=None)
    assert codes(error.value) == {"kind": ["invalid_choice"], "planned_on": ["required"]}


def test_update_planned(registrar, second_registrar, organization):
    inspection = plan(registrar, organization, kind="document")
    services.inspection_update(
        actor=registrar,
        inspection=inspection,
        kind="on_site",
        planned_on=datetime.date(2026, 9, 30),
        inspectors=[registrar, second_registrar],
    )
    inspection.refresh_from_db()
    assert inspection.kind == "on_site" and inspection.planned_on == datetime.date(2026, 9, 30)
    assert inspection.inspectors.count() == 2
    with pytest.raises(TypeError):
        services.inspection_update(actor=registrar, inspection=inspection, status="completed")


def test_who_plans_and_records(registrar, purchaser, county_registrar, other_county_registrar, member, organization):
    plan(purchaser, organization, kind="targeted")
    plan(county_registrar, organization, kind="targeted")
    for actor in (other_county_registrar, member, None):
        with pytest.raises(PermissionDenied):
            plan(actor, organization, kind="targeted")
    inspection = plan(registrar, organization, kind="document")
    with pytest.raises(PermissionDenied):
        services.inspection_complete(
            actor=other_county_registrar, inspection=inspection, inspected_on=PLANNED, conclusion="no_problem"
        )


def test_attachments_are_validated(registrar, organization, member):
    inspection = plan(registrar, organization, kind="document")
    attachment = services.inspection_attachment_add(
        actor=registrar, inspection=inspection, file=make_upload("pdf", "检查记录.pdf")
    )
    assert attachment.title == "检查记录.pdf" and attachment.file.name.startswith("supervision/")
    with pytest.raises(ValidationError) as error:
        services.inspection_attachment_add(
            actor=registrar, inspection=inspection, file=make_upload("pdf", "x.exe", b"MZ")
        )
    assert codes(error.value) == {"file": ["upload_type"]}
    with pytest.raises(ValidationError) as error:
        services.inspection_attachment_add(actor=registrar, inspection=inspection, file=None)
    assert codes(error.value) == {"file": ["required"]}
    with pytest.raises(PermissionDenied):
        services.inspection_attachment_add(actor=member, inspection=inspection, file=make_upload("pdf"))


def test_members_see_only_completed_inspections(registrar, organization, member, other_member, baotou_registrar):
    planned = plan(registrar, organization, kind="document", inspectors=[registrar])
    done = plan(registrar, organization, kind="targeted", inspectors=[registrar])
    services.inspection_complete(actor=registrar, inspection=done, inspected_on=PLANNED, conclusion="no_problem")
    assert set(inspection_list(user=registrar)) == {planned, done}
    assert list(inspection_list(user=member)) == [done]
    assert list(inspection_list(user=other_member)) == []
    assert list(inspection_list(user=baotou_registrar)) == []
    assert list(inspection_list(user=None)) == []
    assert inspection_get(pk=done.pk, user=member) == done
    with pytest.raises(Inspection.DoesNotExist):
        inspection_get(pk=planned.pk, user=member)
