"""The contract text made from the model contract (合同示范文本): placeholders, their values for one contract, and the
text as blocks that the PDF (`contract_text_pdf`) and the Word file (`contract_text_docx`) both render.

A template is plain text. A line starting with "# " is a heading; other lines are paragraphs; "{{名称}}" is replaced
by the contract's value under that name (`PLACEHOLDERS`); a line holding only a table placeholder ("{{履约事项表}}")
becomes that table. A template naming any other placeholder is refused when saved, naming it
(contracts.services.templates).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table, TableStyle

from contracts.models import Contract, ContractTemplate
from contracts.reports import contract_facts
from core import formatting
from core.pdf import GRID_COLOR, Report, format_date, paragraph
from verification.models import IssuedDocument
from verification.services import issue_pdf

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")
UNSIGNED_DATE = "　　　　年　　月　　日"

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def rmb_upper(amount: Decimal) -> str:
    """An amount in yuan written the way contracts write it: 壹拾贰万元整, 壹万零伍拾元伍角, 零元整."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < 0:
        return "负" + rmb_upper(-amount)
    yuan = int(amount)
    cents = int((amount - yuan) * 100)
    jiao, fen = divmod(cents, 10)
    text = ""
    if yuan:
        digits = str(yuan)
        groups = []
        while digits:
            groups.insert(0, digits[-4:])
            digits = digits[:-4]
        zero_pending = False
        for index, group in enumerate(groups):
            written = ""
            for position, char in enumerate(group):
                digit = int(char)
                if digit == 0:
                    zero_pending = bool(text or written)
                    continue
                if zero_pending:
                    written += "零"
                    zero_pending = False
                written += _DIGITS[digit] + _UNITS[len(group) - 1 - position]
            if written:
                text += written + _GROUPS[len(groups) - 1 - index]
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text


# --- placeholders -----------------------------------------------------------------------------------------------


def _item(contract: Contract):
    return contract.purchase_item


def _period(contract: Contract) -> str:
    return f"{format_date(contract.start_on)} 至 {format_date(contract.end_on)}"


def _quantity(contract: Contract) -> str:
    item = _item(contract)
    return f"{item.quantity.normalize():f} {item.unit}" if item else "—"


def _standards(contract: Contract) -> str:
    item = _item(contract)
    lines = [item.performance_targets] if item and item.performance_targets else []
    lines += [
        f"{deliverable.title}：{deliverable.acceptance_criteria}"
        for deliverable in contract.deliverables.all()
        if deliverable.acceptance_criteria
    ]
    return "；".join(line.strip().rstrip("。；;.") for line in lines) or "—"


def _payment_schedule(contract: Contract) -> str:
    lines = []
    for number, deliverable in enumerate(contract.deliverables.all(), start=1):
        share = deliverable.payment_share
        lines.append(
            f"第{number}期：“{deliverable.title}”经甲方验收合格后，支付合同金额的 {share.normalize():f}%，"
            f"计人民币 {formatting.amount(contract.amount * share / 100)} 元"
        )
    return "\n".join(lines) or "—"


@dataclass(frozen=True)
class Placeholder:
    description: object
    value: Callable[[Contract], str] | None = None
    table: Callable[[Contract], tuple[list, list, tuple]] | None = None


def _deliverable_table(contract: Contract) -> tuple[list, list, tuple]:
    header = [_("序号"), _("履约事项"), _("截止日期"), _("验收标准"), _("付款比例"), _("付款金额(元)")]
    rows = [
        [
            number,
            deliverable.title,
            format_date(deliverable.due_on),
            deliverable.acceptance_criteria or "—",
            f"{deliverable.payment_share.normalize():f}%",
            formatting.amount(contract.amount * deliverable.payment_share / 100),
        ]
        for number, deliverable in enumerate(contract.deliverables.all(), start=1)
    ]
    return header, rows, (0.6, 2.6, 1.4, 3.2, 1, 1.6)


PLACEHOLDERS: dict[str, Placeholder] = {
    "合同编号": Placeholder(gettext_lazy("合同编号"), lambda c: c.number),
    "合同名称": Placeholder(gettext_lazy("合同名称"), lambda c: c.title),
    "甲方": Placeholder(gettext_lazy("购买主体名称"), lambda c: c.department.name),
    "甲方统一社会信用代码": Placeholder(gettext_lazy("购买主体的统一社会信用代码"), lambda c: c.department.uscc or "—"),
    "甲方联系电话": Placeholder(gettext_lazy("购买主体的对外联系电话"), lambda c: c.department.contact_phone or "—"),
    "乙方": Placeholder(gettext_lazy("承接主体名称"), lambda c: c.organization.name),
    "乙方统一社会信用代码": Placeholder(gettext_lazy("承接主体的统一社会信用代码"), lambda c: c.organization.uscc),
    "乙方住所": Placeholder(gettext_lazy("承接主体住所"), lambda c: c.organization.domicile),
    "乙方法定代表人": Placeholder(gettext_lazy("承接主体的法定代表人"), lambda c: c.organization.legal_representative),
    "购买项目": Placeholder(
        gettext_lazy("购买服务目录中的项目"),
        lambda c: (
            f"{c.purchase_item.purchase_list.title} {c.purchase_item.code} {c.purchase_item.service_name}"
            if c.purchase_item
            else "—"
        ),
    ),
    "服务内容": Placeholder(
        gettext_lazy("合同的服务内容（未填时取购买项目的服务内容）"),
        lambda c: c.description or (c.purchase_item.description if c.purchase_item else "") or c.title,
    ),
    "服务数量": Placeholder(gettext_lazy("购买项目的数量和计量单位"), _quantity),
    "服务标准": Placeholder(gettext_lazy("绩效目标和各履约事项的验收标准"), _standards),
    "采购方式": Placeholder(gettext_lazy("采购方式"), lambda c: str(c.get_method_display())),
    "合同金额": Placeholder(gettext_lazy("合同金额（阿拉伯数字）"), lambda c: formatting.amount(c.amount)),
    "合同金额大写": Placeholder(gettext_lazy("合同金额（中文大写）"), lambda c: rmb_upper(c.amount)),
    "履行期限": Placeholder(gettext_lazy("履行期限（起止日期）"), _period),
    "付款安排": Placeholder(gettext_lazy("按履约事项分期付款的安排"), _payment_schedule),
    "签订日期": Placeholder(
        gettext_lazy("签订日期（未签订时留空待填）"),
        lambda c: format_date(c.signed_on) if c.signed_on else UNSIGNED_DATE,
    ),
    "履约事项表": Placeholder(
        gettext_lazy("履约事项表：事项、截止日期、验收标准、付款比例和金额"), table=_deliverable_table
    ),
}


def placeholders_in(body: str) -> list[str]:
    """The placeholder names the text uses, in order, each once."""
    names: list[str] = []
    for match in PLACEHOLDER.finditer(body or ""):
        if match.group(1) not in names:
            names.append(match.group(1))
    return names


def unknown_placeholders(body: str) -> list[str]:
    return [name for name in placeholders_in(body) if name not in PLACEHOLDERS]


# --- the text as blocks -----------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "table"
    text: str = ""
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    widths: tuple = ()


def current_template() -> ContractTemplate:
    """The latest version of the model contract. A database without any (its rows emptied after the migration that
    writes the first version, or filled by other means) gets that first version back, so the text never goes
    missing."""
    from contracts.model_contract import DEFAULT_BODY, DEFAULT_TITLE

    template = ContractTemplate.objects.order_by("-version").first()
    if template is None:
        template, _created = ContractTemplate.objects.get_or_create(
            version=1, defaults={"title": DEFAULT_TITLE, "body": DEFAULT_BODY, "note": "首版示范文本"}
        )
    return template


def template_for(contract: Contract) -> ContractTemplate:
    """The version the contract was signed on; for a draft, the current version."""
    template = contract.text_version or current_template()
    if template is None:
        raise ContractTemplate.DoesNotExist("no model contract text")
    return template


def blocks(template: ContractTemplate, contract: Contract) -> list[Block]:
    values: dict[str, str] = {}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        placeholder = PLACEHOLDERS.get(name)
        if placeholder is None or placeholder.value is None:
            return match.group(0)
        if name not in values:
            values[name] = str(placeholder.value(contract))
        return values[name]

    result: list[Block] = []
    paragraph_lines: list[str] = []

    def flush() -> None:
        if paragraph_lines:
            result.append(Block("paragraph", "\n".join(paragraph_lines)))
            paragraph_lines.clear()

    for raw in (template.body or "").splitlines():
        line = raw.rstrip()
        alone = PLACEHOLDER.fullmatch(line.strip())
        if alone and PLACEHOLDERS.get(alone.group(1)) and PLACEHOLDERS[alone.group(1)].table:
            flush()
            header, rows, widths = PLACEHOLDERS[alone.group(1)].table(contract)
            result.append(Block("table", header=header, rows=rows, widths=widths))
        elif line.startswith("# "):
            flush()
            result.append(Block("heading", PLACEHOLDER.sub(fill, line[2:].strip())))
        elif not line.strip():
            flush()
        else:
            paragraph_lines.append(PLACEHOLDER.sub(fill, line))
    flush()
    return result


def _signature_rows(contract: Contract) -> list[list[str]]:
    signed = format_date(contract.signed_on) if contract.signed_on else UNSIGNED_DATE
    return [
        [
            _("甲方（盖章）：%(name)s") % {"name": contract.department.name},
            _("乙方（盖章）：%(name)s") % {"name": contract.organization.name},
        ],
        [_("法定代表人或授权代表（签字）："), _("法定代表人或授权代表（签字）：")],
        [_("日期：%(day)s") % {"day": signed}, _("日期：%(day)s") % {"day": signed}],
    ]


def _signature_table(report: Report, contract: Contract) -> Table:
    rows = [[paragraph(text, report.styles.body) for text in row] for row in _signature_rows(contract)]
    table = Table(rows, colWidths=[report.width / 2] * 2, rowHeights=[34 * mm, 16 * mm, 10 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def contract_text_pdf(contract: Contract, *, base_url: str | None = None) -> bytes:
    """The contract text from its model-contract version and its data, as an issued PDF (CJK font embedded)."""
    template = template_for(contract)
    report = Report(template.title, subject=f"{contract.number} {contract.title}")
    report.paragraph(
        _("合同编号：%(number)s　示范文本第 %(version)d 版") % {"number": contract.number, "version": template.version},
        small=True,
    )
    for block in blocks(template, contract):
        if block.kind == "heading":
            report.heading(block.text)
        elif block.kind == "table":
            report.table(block.header, block.rows, col_widths=block.widths, whole_words=(2, 4, 5))
        else:
            report.paragraph(block.text)
    report.add(
        KeepTogether([paragraph(_("签署"), report.styles.heading), _signature_table(report, contract)]),
        content=_signature_rows(contract),
    )
    return issue_pdf(
        report,
        kind=IssuedDocument.Kind.CONTRACT_TEXT,
        subject=contract.number,
        office=contract.department.name,
        facts=[
            *contract_facts(contract),
            (_("合同文本版本"), _("示范文本第 %(version)d 版") % {"version": template.version}),
        ],
        page_url=reverse("contracts:contract-detail", args=[contract.number]),
        is_public=contract.is_public,
        base_url=base_url,
    ).content


def contract_text_docx(contract: Contract) -> bytes:
    """The same text as an editable Word file (python-docx), for a department that edits it before signing."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    template = template_for(contract)
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    document.core_properties.title = template.title
    document.core_properties.subject = f"{contract.number} {contract.title}"
    document.add_heading(template.title, level=0)
    document.add_paragraph(
        _("合同编号：%(number)s　示范文本第 %(version)d 版") % {"number": contract.number, "version": template.version}
    )
    for block in blocks(template, contract):
        if block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "table":
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, label in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = str(label)
            for row in block.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = str(value)
        else:
            document.add_paragraph(block.text)
    document.add_heading(_("签署"), level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for row in _signature_rows(contract):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
