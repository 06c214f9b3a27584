"""What the checks of an import need from the database, loaded once: regions (by code and by every tail of their full
name) and departments (by code and by name). The cell parsers ask these instead of querying row by row.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import cell_text
from registry.models import Department, Region
from registry.services.rules import authority_kind_refusal

# A file names the same few regions and departments over and over: up to this many cells' answers are remembered.
ANSWERS_KEPT = 10_000


def compact(value: Any) -> str:
    """NFKC-normalized text without any spaces, for matching codes and names."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


class Lookups:
    """Regions and departments, loaded once per import, answering the cell parsers without further queries."""

    def __init__(self, regions: Sequence[Region], departments: Sequence[Department], today: datetime.date):
        self.today = today
        self.regions_by_code: dict[str, Region] = {region.code: region for region in regions}
        self.regions_by_id: dict[int, Region] = {region.pk: region for region in regions}
        self.region_codes = frozenset(self.regions_by_code)
        self.full_names: dict[str, str] = {}
        by_name: dict[str, set[str]] = defaultdict(set)
        for region in regions:
            chain = [
                self.regions_by_code[code].name
                for code in region.path.strip("/").split("/")
                if code in self.regions_by_code and self.regions_by_code[code].level != Region.Level.NATIONAL
            ] or [region.name]
            self.full_names[region.code] = "".join(chain)
            # Every tail of the chain names the region: 新城区, 呼和浩特市新城区, 内蒙古自治区呼和浩特市新城区.
            for start in range(len(chain)):
                by_name[compact("".join(chain[start:]))].add(region.code)
        self.region_codes_by_name = {name: sorted(codes) for name, codes in by_name.items()}
        self.departments_by_code: dict[str, Department] = {}
        departments_by_name: dict[str, list[Department]] = defaultdict(list)
        for department in departments:
            self.departments_by_code[compact(department.code).upper()] = department
            departments_by_name[compact(department.name)].append(department)
        self.departments_by_name = dict(departments_by_name)
        # A file names the same few regions and departments over and over: remember each cell's answer.
        self._answers: dict[tuple[str, str], Region | Department | str] = {}

    @classmethod
    def load(cls) -> Lookups:
        regions = list(Region.objects.only("id", "code", "name", "level", "path", "parent_id"))
        departments = list(Department.objects.select_related("region"))
        return cls(regions, departments, timezone.localdate())

    def full_name(self, region: Region) -> str:
        return self.full_names.get(region.code, region.name)

    def _remembered(self, kind: str, value: Any, find: Callable[[str], Any]) -> Any:
        text = cell_text(value)
        answer = self._answers.get((kind, text))
        if answer is None:
            try:
                answer = find(text)
            except ValueError as exc:
                answer = str(exc)
            if len(self._answers) < ANSWERS_KEPT:
                self._answers[kind, text] = answer
        if isinstance(answer, str):
            raise ValueError(answer)
        return answer

    def region(self, value: Any) -> Region:
        """The region a cell names: a 6-digit code, or a name that only one region has."""
        return self._remembered("region", value, self._find_region)

    def department(self, value: Any) -> Department:
        """The civil-affairs department a cell names: its code or its (unique) name."""
        return self._remembered("department", value, self._find_department)

    def _find_region(self, text: str) -> Region:
        if not text:
            raise ValueError(_("必须填写（6位行政区划代码或完整名称）"))
        key = compact(text)
        if key.isdigit():
            region = self.regions_by_code.get(key)
            if region is None:
                raise ValueError(_("不是已知的行政区划代码"))
            return region
        codes = self.region_codes_by_name.get(key, ())
        if not codes:
            raise ValueError(_("不是已知的行政区划，请填写6位区划代码或完整名称，如“内蒙古自治区呼和浩特市新城区”"))
        if len(codes) > 1:
            shown = "、".join(f"{self.full_names[code]}（{code}）" for code in codes[:5])
            raise ValueError(
                _("对应多个行政区划：%(regions)s；请填写区划代码或完整名称，如“%(example)s”")
                % {"regions": shown, "example": self.full_names[codes[0]]}
            )
        return self.regions_by_code[codes[0]]

    def _find_department(self, text: str) -> Department:
        if not text:
            raise ValueError(_("必须填写（部门名称或部门代码）"))
        key = compact(text)
        department = self.departments_by_code.get(key.upper())
        if department is None:
            matches = self.departments_by_name.get(key, [])
            if not matches:
                raise ValueError(_("不是已知的部门，请填写登记管理机关的名称（如“呼和浩特市民政局”）或部门代码"))
            if len(matches) > 1:
                raise ValueError(
                    _("有多个同名部门，请改填部门代码：%(codes)s")
                    % {"codes": "、".join(f"{d.code}（{d.region.name}）" for d in matches)}
                )
            department = matches[0]
        refusal = authority_kind_refusal(department)
        if refusal is not None:
            raise ValueError(refusal.messages[0])
        return department
