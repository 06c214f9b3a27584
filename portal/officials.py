"""The officials' dashboard beside their 待办: this year's figures of the region they cover (a purchaser: of their own
department), each a link to the filtered list behind it.

Scope: a purchaser who is not also a registrar sees their department's contracts, deliverables and payments; a
registrar (or a superuser: the home province) their region's. Orders, complaints and evaluation grades are the
region's for everyone, as the supervision pages and the public results list show them.
A fixed number of queries (eight for a region, seven for a department), whatever the size of the region. An
official's region is scoped as their pages scope it (`accounts.permissions.in_official_region`): a province that
holds every department and organization is no condition at all, not a join of every row to its region.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import in_official_region, is_official, is_purchaser, is_registrar, is_superuser
from contracts.models import Contract, Deliverable, Payment
from contracts.selectors import overdue_condition
from evaluations.models import Evaluation
from registry.models import Department, Region
from supervision.models import Complaint, RectificationOrder
from supervision.selectors import overdue_order_condition


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    url: str
    tone: str = ""  # "danger" for what needs attention


@dataclass
class OfficialDashboard:
    scope_label: str
    year: int
    contracts_by_status: list[Figure] = field(default_factory=list)
    money: list[Figure] = field(default_factory=list)
    delivery: list[Figure] = field(default_factory=list)
    on_time_rate: Decimal | None = None
    supervision: list[Figure] = field(default_factory=list)
    grades: list[Figure] = field(default_factory=list)


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Scope:
    label: str
    region: Region
    contract_lookup: str | None  # a lookup on Contract selecting the scope's contracts (None: every contract)
    contract_value: object
    list_params: dict  # the same scope as filters of the contract list pages
    official: object = None  # the official whose own region this is (None: the home province of a superuser)

    def contracts(self, prefix: str = "") -> Q:
        if self.contract_lookup is None:
            return Q()
        return Q(**{f"{prefix}{self.contract_lookup}": self.contract_value})

    def region_contracts(self, model, prefix: str) -> Q:
        """Rows of `model` whose contract (`prefix`) belongs to a department of the scope's region: the scope's own
        contracts for a region, the region's (not the department's) for a department."""
        if self.contract_lookup != "department_id":
            return self.contracts(prefix)
        return self.in_region(model, f"{prefix}department__region")

    def in_region(self, model, region_field: str) -> Q:
        """Rows of `model` whose `region_field` lies in the scope's region."""
        if self.official is not None:
            return in_official_region(self.official, model, region_field)
        return Q(**{f"{region_field}__path__startswith": self.region.path})


def _scope(user) -> Scope:
    if is_purchaser(user) and not is_registrar(user) and not is_superuser(user):
        department = user.department
        return Scope(
            department.name, department.region, "department_id", department.pk, {"department": department.pk}, user
        )
    official = user if is_official(user) and not is_superuser(user) else None
    if official is not None:
        region = user.department.region
        if not in_official_region(user, Contract, "department__region"):  # the region holds every department
            return Scope(region.name, region, None, None, {"region": region.code}, official)
    else:
        region = Region.objects.get(code=getattr(settings, "HOME_PROVINCE_CODE", "150000"))
    # The region's departments named by their keys: PostgreSQL then knows how many contracts the region holds (a
    # province: nearly all) and joins them by hash, where `department__region__path__startswith` made it expect a
    # few and probe each contract's deliverables and payments one by one.
    departments = list(Department.objects.filter(region__path__startswith=region.path).values_list("pk", flat=True))
    return Scope(region.name, region, "department_id__in", departments, {"region": region.code}, official)


def official_dashboard(user, *, on: datetime.date) -> OfficialDashboard | None:
    """The dashboard of a registrar, purchaser or superuser; None for everyone else."""
    if not (is_official(user) or is_superuser(user)):
        return None
    scope = _scope(user)
    params = scope.list_params
    in_region = scope.in_region(Complaint, "organization__region")
    year = on.year
    manage = is_purchaser(user) or is_superuser(user)
    list_name = "contracts:contract-manage" if manage else "contracts:contract-list"
    dashboard = OfficialDashboard(scope_label=scope.label, year=year)

    contracts = Contract.objects.filter(scope.contracts())
    if not manage:
        contracts = contracts.exclude(status=Contract.Status.DRAFT)
    by_status = dict(contracts.order_by().values_list("status").annotate(n=Count("pk")))
    dashboard.contracts_by_status = [
        Figure(status.label, by_status.get(status.value, 0), _url(list_name, status=status.value, **params))
        for status in Contract.Status
        if manage or status != Contract.Status.DRAFT
    ]

    signed = contracts.filter(year=year).exclude(status=Contract.Status.DRAFT).aggregate(total=Sum("amount"))
    paid = Payment.objects.filter(scope.contracts("contract__"), paid_on__year=year).aggregate(total=Sum("amount"))
    year_url = _url(list_name, year=year, **params)
    dashboard.money = [
        Figure(_("本年签订金额(元)"), signed["total"] or Decimal("0"), year_url),
        Figure(_("本年付款金额(元)"), paid["total"] or Decimal("0"), year_url),
    ]

    # On time: submitted (first or only time) by the due day, counted in local days; the first submission's time is
    # kept on the deliverable's row by the database (Deliverable.first_submitted_at).
    due = Deliverable.objects.filter(
        scope.contracts("contract__"),
        due_on__year=year,
        due_on__lt=on,
        contract__status__in=(*Contract.ACTIVE_STATUSES, Contract.Status.COMPLETED),
    )
    counts = due.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(first_submitted_at__date__lte=F("due_on"))),
        overdue=Count("pk", filter=overdue_condition(on)),
    )
    late = counts["total"] - counts["on_time"]
    if counts["total"]:
        dashboard.on_time_rate = (Decimal(counts["on_time"]) * 100 / counts["total"]).quantize(Decimal("0.1"))
    overdue_url = _url(list_name, overdue="true", **params)
    dashboard.delivery = [
        Figure(_("本年已到期履约事项"), counts["total"], year_url),
        Figure(_("按期提交"), counts["on_time"], year_url),
        Figure(_("迟交或未交"), late, overdue_url, "danger" if late else ""),
        Figure(_("目前逾期未验收"), counts["overdue"], overdue_url, "danger" if counts["overdue"] else ""),
    ]

    orders = RectificationOrder.objects.filter(in_region).exclude(status=RectificationOrder.Status.VERIFIED)
    order_counts = orders.aggregate(open=Count("pk"), overdue=Count("pk", filter=overdue_order_condition(on)))
    complaints = Complaint.objects.filter(in_region).aggregate(
        received=Count("pk", filter=Q(status=Complaint.Status.RECEIVED)),
        reviewing=Count("pk", filter=Q(status=Complaint.Status.UNDER_REVIEW)),
    )
    dashboard.supervision = [
        Figure(_("未办结的整改通知"), order_counts["open"], _url("supervision:order-list")),
        Figure(
            _("逾期的整改通知"),
            order_counts["overdue"],
            _url("supervision:order-list", overdue="true"),
            "danger" if order_counts["overdue"] else "",
        ),
        Figure(
            _("待受理的投诉举报"),
            complaints["received"],
            _url("supervision:complaint-queue", status=Complaint.Status.RECEIVED),
        ),
        Figure(
            _("核实中的投诉举报"),
            complaints["reviewing"],
            _url("supervision:complaint-queue", status=Complaint.Status.UNDER_REVIEW),
        ),
    ]

    grades = dict(
        Evaluation.objects.filter(scope.region_contracts(Evaluation, "contract__"), status=Evaluation.Status.FINALIZED)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("pk"))
    )
    dashboard.grades = [
        Figure(
            grade.label,
            grades.get(grade.value, 0),
            _url("evaluations:evaluation-list", grade=grade.value, region=scope.region.code),
            "danger" if grade == Evaluation.Grade.POOR and grades.get(grade.value) else "",
        )
        for grade in Evaluation.Grade
    ]
    return dashboard
