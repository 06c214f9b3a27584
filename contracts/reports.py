"""Contract PDFs (pure functions returning bytes), built with the shared toolkit core/pdf.py.

- The purchase list (购买服务目录): the list's data and a table of its items whose header row repeats on every page.
- The contract summary (合同摘要): parties, amount, term, method, deliverables with their shares and status, payments
  and amendments. Only what the public record holds: no submission reports, no files.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import selectors
from contracts.models import Contract, PurchaseItem, PurchaseList
from core import formatting
from core.pdf import Report, format_date
from verification.models import IssuedDocument
from verification.services import issue_pdf


def _period(start, end) -> str:
    return _("%(start)s 至 %(end)s") % {"start": format_date(start), "end": format_date(end)}


def _list_status(purchase_list: PurchaseList) -> str:
    text = str(purchase_list.get_status_display())
    if purchase_list.status == PurchaseList.Status.WITHDRAWN:
        text += _("（%(day)s 撤回：%(reason)s）") % {
            "day": format_date(purchase_list.withdrawn_on),
            "reason": purchase_list.withdrawal_reason,
        }
    return text


def purchase_list_pdf(purchase_list: PurchaseList, *, base_url: str | None = None) -> bytes:
    """The purchase list with every item, as PDF bytes on landscape pages (its eight columns), issued in the name of
    the publishing department with a seal area."""
    purchase_list = PurchaseList.objects.select_related("department", "region", "revision_of").get(pk=purchase_list.pk)
    items = list(PurchaseItem.objects.filter(purchase_list=purchase_list).order_by("code"))
    total = sum((item.budget for item in items), Decimal("0.00"))

    report = Report(
        purchase_list.title, generated_on=timezone.localdate(), subject=_("政府购买服务目录"), landscape=True
    )
    report.key_values(
        [
            (_("发布部门"), purchase_list.department),
            (_("所属区划"), purchase_list.region.full_name),
            (_("年度"), purchase_list.year),
            (_("状态"), _list_status(purchase_list)),
            (_("发布日期"), format_date(purchase_list.published_on)),
            (_("修订自"), purchase_list.revision_of.title if purchase_list.revision_of else "—"),
            (_("项目数"), len(items)),
            (_("预算合计"), formatting.yuan(total)),
        ]
    )
    if purchase_list.description:
        report.heading(_("说明"))
        report.paragraph(purchase_list.description)

    report.heading(_("购买项目"))
    report.table(
        [
            _("项目编号"),
            _("目录"),
            _("服务名称与内容"),
            _("承接主体要求"),
            _("数量"),
            _("预算金额(元)"),
            _("服务期限"),
            _("绩效目标"),
        ],
        [
            [
                item.code,
                "\n".join(part for part in (str(item.get_category_display()), item.subcategory) if part),
                "\n".join(part for part in (item.service_name, item.description) if part),
                item.provider_requirements or "—",
                f"{item.quantity:,.2f} {item.unit}",
                f"{item.budget:,.2f}",
                _("%(start)s 至 %(end)s")
                % {"start": format_date(item.service_start_on), "end": format_date(item.service_end_on)},
                item.performance_targets or "—",
            ]
            for item in items
        ],
        col_widths=(1.3, 1.5, 3.4, 2, 1.4, 1.5, 1.3, 2),
        empty=_("目录中没有购买项目。"),
        whole_words=(0, 4, 5, 6),
    )
    return issue_pdf(
        report,
        kind=IssuedDocument.Kind.PURCHASE_LIST,
        subject=str(purchase_list.pk),
        office=purchase_list.department.name,
        facts=[
            (_("标题"), purchase_list.title),
            (_("年度"), purchase_list.year),
            (_("状态"), _list_status(purchase_list)),
            (_("发布日期"), format_date(purchase_list.published_on)),
            (_("项目数"), len(items)),
            (_("预算合计"), formatting.yuan(total)),
        ],
        page_url=reverse("contracts:purchase-list-detail", args=[purchase_list.pk]),
        is_public=purchase_list.is_public,
        seal=True,
        base_url=base_url,
    ).content


def _contract_status(contract: Contract) -> str:
    text = str(contract.get_status_display())
    if contract.status == Contract.Status.COMPLETED:
        text += _("（%(day)s 完成）") % {"day": format_date(contract.completed_on)}
    elif contract.status == Contract.Status.TERMINATED:
        text += _("（%(day)s 终止：%(reason)s）") % {
            "day": format_date(contract.terminated_on),
            "reason": contract.termination_reason,
        }
    return text


def contract_summary_pdf(contract: Contract, *, base_url: str | None = None) -> bytes:
    """The public summary of one contract, as PDF bytes issued in the purchasing department's name."""
    contract = (
        Contract.objects.select_related("department__region", "organization", "purchase_item__purchase_list")
        .prefetch_related("deliverables", "payments__deliverable", "amendments")
        .get(pk=contract.pk)
    )
    deliverables = list(contract.deliverables.all())
    payments = list(contract.payments.all())
    paid = sum((payment.amount for payment in payments), selectors.ZERO)
    today = timezone.localdate()

    report = Report(_("购买服务合同摘要"), generated_on=today, subject=contract.title)
    report.paragraph(_("合同编号：%(number)s") % {"number": contract.number})
    report.paragraph(_("合同名称：%(title)s") % {"title": contract.title})

    report.heading(_("一、合同概况"))
    item = contract.purchase_item
    report.key_values(
        [
            (_("购买主体"), contract.department),
            (_("承接主体"), f"{contract.organization.name}（{contract.organization.uscc}）"),
            (_("合同金额"), formatting.yuan(contract.amount)),
            (_("采购方式"), contract.get_method_display()),
            (_("签订日期"), format_date(contract.signed_on)),
            (_("履行期限"), _period(contract.start_on, contract.end_on)),
            (_("期限超过一年的理由"), contract.term_justification or "—"),
            (_("状态"), _contract_status(contract)),
            (
                _("购买项目"),
                f"{item.purchase_list.title} · {item.code} {item.service_name}" if item else _("不属于购买服务目录"),
            ),
            (_("已付款"), formatting.yuan(paid)),
            (_("未付款"), formatting.yuan(contract.amount - paid)),
        ]
    )
    if contract.description:
        report.heading(_("服务内容"))
        report.paragraph(contract.description)

    report.heading(_("二、履约事项"))
    report.table(
        [_("名称"), _("截止日期"), _("付款比例"), _("验收标准"), _("状态")],
        [
            [
                deliverable.title,
                format_date(deliverable.due_on),
                f"{deliverable.payment_share}%",
                deliverable.acceptance_criteria or "—",
                str(deliverable.get_status_display()) + (_("（已逾期）") if deliverable.is_overdue else ""),
            ]
            for deliverable in deliverables
        ],
        col_widths=(3, 1.5, 1.2, 3.5, 1.5),
        empty=_("尚未设定履约事项。"),
    )

    report.heading(_("三、付款记录"))
    report.table(
        [_("期次"), _("付款日期"), _("金额(元)"), _("对应履约事项"), _("备注")],
        [
            [
                payment.instalment,
                format_date(payment.paid_on),
                f"{payment.amount:,.2f}",
                payment.deliverable.title if payment.deliverable else "—",
                payment.note or "—",
            ]
            for payment in payments
        ],
        col_widths=(0.8, 1.5, 1.6, 3, 3),
        empty=_("尚无付款记录。"),
    )

    report.heading(_("四、合同变更"))
    report.table(
        [_("变更日期"), _("变更内容"), _("变更前"), _("变更后"), _("变更原因")],
        [
            [
                format_date(amendment.amended_on),
                amendment.get_kind_display(),
                amendment.old_value or "—",
                amendment.new_value or "—",
                amendment.reason,
            ]
            for amendment in contract.amendments.all()
        ],
        col_widths=(1.5, 1.3, 2.2, 2.2, 3),
        empty=_("无合同变更。"),
    )
    report.paragraph(_("本摘要依据契约平台的公开记录生成，不含履约报告和证明材料。"), small=True)
    return issue_pdf(
        report,
        kind=IssuedDocument.Kind.CONTRACT_SUMMARY,
        subject=contract.number,
        office=contract.department.name,
        facts=contract_facts(contract),
        page_url=reverse("contracts:contract-detail", args=[contract.number]),
        is_public=contract.is_public,
        base_url=base_url,
    ).content


def contract_facts(contract: Contract) -> list[tuple[object, object]]:
    """The key facts of a contract shown on the verification page of its documents."""
    return [
        (_("合同编号"), contract.number),
        (_("合同名称"), contract.title),
        (_("购买主体"), contract.department.name),
        (_("承接主体"), f"{contract.organization.name}（{contract.organization.uscc}）"),
        (_("合同金额"), formatting.yuan(contract.amount)),
        (_("履行期限"), _period(contract.start_on, contract.end_on)),
        (_("状态"), _contract_status(contract)),
    ]
