"""What the checks of an import need from the database, loaded once: regions (by code and by every tail of their full
name) and departments (by code and by name). The cell parsers ask these instead of querying row by row.
"""

from __future__ import annotations

import datetime
import difflib
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import cell_text
from registry.authorities import authority_aliases, authority_name
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
        # The sets are sorted when a cell is looked up (`_find_region`): a file names a few of the tens of thousands.
        self.region_codes_by_name = dict(by_name)
        self.departments_by_code: dict[str, Department] = {}
        departments_by_name: dict[str, list[Department]] = defaultdict(list)
        authority_of_region: dict[str, Department] = {}
        for department in sorted(departments, key=lambda d: d.pk or 0):
            self.departments_by_code[compact(department.code).upper()] = department
            departments_by_name[compact(department.name)].append(department)
            if department.kind == Department.Kind.CIVIL_AFFAIRS:
                code = department.region.code
                kept = authority_of_region.get(code)
                if kept is None or (
                    kept.name != authority_name(kept.region) and department.name == authority_name(department.region)
                ):
                    authority_of_region[code] = department
        self.departments_by_name = dict(departments_by_name)
        # Each region's registration authority as people write it: 呼市民政局, 内蒙古民政厅, 呼和浩特市赛罕区民政局.
        aliases: dict[str, set[int]] = defaultdict(set)
        self.authorities: dict[int, Department] = {}
        for code, department in authority_of_region.items():
            region = self.regions_by_code.get(code, department.region)
            chain = [
                self.regions_by_code[link]
                for link in region.path.strip("/").split("/")
                if link in self.regions_by_code and self.regions_by_code[link].level != Region.Level.NATIONAL
            ]
            self.authorities[department.pk] = department
            for alias in authority_aliases(region, chain):
                aliases[alias].add(department.pk)
        self.authority_aliases = dict(aliases)  # sorted when looked up, like the regions' names
        self._close_candidates: dict[str, Department] | None = None
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
        codes = sorted(self.region_codes_by_name.get(key, ()))
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
                matches = [self.authorities[pk] for pk in sorted(self.authority_aliases.get(key, ()))]
            if not matches:
                closest = self.closest_departments(key)
                if closest:
                    raise ValueError(
                        _("不是已知的登记管理机关，最接近的有：%(names)s；请填写名称（如“呼和浩特市民政局”）或部门代码")
                        % {"names": "、".join(closest)}
                    )
                raise ValueError(_("不是已知的部门，请填写登记管理机关的名称（如“呼和浩特市民政局”）或部门代码"))
            if len(matches) > 1:
                raise ValueError(
                    _("对应多个登记管理机关：%(names)s；请填写带上级区划的名称或部门代码")
                    % {"names": "、".join(self.describe(d) for d in matches[:8])}
                )
            department = matches[0]
        refusal = authority_kind_refusal(department)
        if refusal is not None:
            raise ValueError(refusal.messages[0])
        return department

    def describe(self, department: Department) -> str:
        """A department with its region's full name and its code:
        赛罕区民政局（内蒙古自治区呼和浩特市赛罕区，MZ150105）."""
        region = self.regions_by_code.get(department.region.code, department.region)
        return f"{department.name}（{self.full_name(region) or region.name}，{department.code}）"

    def closest_departments(self, key: str, limit: int = 5) -> list[str]:
        """The registration authorities whose names (alone or with their regions') come closest to `key`."""
        if self._close_candidates is None:
            candidates: dict[str, Department] = {}
            for department in self.authorities.values():
                region = self.regions_by_code.get(department.region.code, department.region)
                candidates.setdefault(compact(department.name), department)
                candidates.setdefault(compact(self.full_name(region) + department.name), department)
            self._close_candidates = candidates
        found: list[str] = []
        for name in difflib.get_close_matches(key, self._close_candidates, n=limit * 2, cutoff=0.5):
            described = self.describe(self._close_candidates[name])
            if described not in found:
                found.append(described)
        return found[:limit]
