"""The model contract text: every save is a new version (the earlier ones stay as they were, a signed contract keeps
the version it was signed on). A text naming a placeholder Qiyue does not know is refused, naming it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from contracts.contract_text import PLACEHOLDERS, unknown_placeholders
from contracts.models import ContractTemplate
from contracts.permissions import can_edit_contract_template
from core.services import Refusals, require, save


@transaction.atomic
def contract_template_save(*, actor, title: str, body: str, note: str = "") -> ContractTemplate:
    """Save the model contract text as its next version."""
    require(can_edit_contract_template(actor), _("只有财政部门或省级民政部门的工作人员可以修订合同示范文本。"))
    refusals = Refusals()
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    if not title:
        refusals.add("title", _("请填写标题。"), code="required")
    if not body:
        refusals.add("body", _("请填写合同文本。"), code="required")
    unknown = unknown_placeholders(body)
    if unknown:
        refusals.add(
            "body",
            _("合同文本中有未知的占位符：%(names)s。可用的占位符：%(known)s。"),
            code="unknown_placeholder",
            names="、".join("{{%s}}" % name for name in unknown),
            known="、".join(PLACEHOLDERS),
        )
    refusals.raise_if_any()
    # Versions are taken one at a time: the table is locked for the rest of the transaction.
    list(ContractTemplate.objects.select_for_update().values_list("pk", flat=True))
    latest = ContractTemplate.objects.aggregate(latest=Max("version"))["latest"] or 0
    template = ContractTemplate(version=latest + 1, title=title, body=body, note=(note or "").strip(), created_by=actor)
    save(template, actor=actor)
    return template
