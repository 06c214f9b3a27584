"""Inner Mongolia demo data for the registry: departments and the demo users of every role.

Every function is idempotent: it looks rows up by their natural keys and creates only what is missing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from registry.models import Department, Region

DEMO_PASSWORD = "qiyue-demo-2026"

# (region code, department code, name, kind)
DEPARTMENTS = [
    ("150000", "NMMZ", "内蒙古自治区民政厅", Department.Kind.CIVIL_AFFAIRS),
    ("150000", "NMCZ", "内蒙古自治区财政厅", Department.Kind.FINANCE),
    ("150000", "NMWJ", "内蒙古自治区卫生健康委员会", Department.Kind.PURCHASER),
    ("150100", "HHMZ", "呼和浩特市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150100", "HHWJ", "呼和浩特市卫生健康委员会", Department.Kind.PURCHASER),
    ("150100", "HHJY", "呼和浩特市教育局", Department.Kind.PURCHASER),
    ("150102", "XCMZ", "呼和浩特市新城区民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150102", "XCSQ", "呼和浩特市新城区社区服务中心", Department.Kind.PURCHASER),
    ("150200", "BTMZ", "包头市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150200", "BTRS", "包头市人力资源和社会保障局", Department.Kind.PURCHASER),
    ("150200", "BTCL", "包头市残疾人联合会", Department.Kind.PURCHASER),
    ("150400", "CFMZ", "赤峰市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150400", "CFWJ", "赤峰市卫生健康委员会", Department.Kind.PURCHASER),
    ("150400", "CFLL", "赤峰市老龄工作委员会办公室", Department.Kind.PURCHASER),
    ("150600", "EEMZ", "鄂尔多斯市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150600", "EEJY", "鄂尔多斯市教育局", Department.Kind.PURCHASER),
    ("150600", "EESF", "鄂尔多斯市司法局", Department.Kind.PURCHASER),
    ("152500", "XLMZ", "锡林郭勒盟民政局", Department.Kind.CIVIL_AFFAIRS),
    ("152500", "XLWJ", "锡林郭勒盟卫生健康委员会", Department.Kind.PURCHASER),
]

# (username, display name, department code, roles)
OFFICIALS = [
    ("registrar_nm", "乌云其其格", "NMMZ", {"is_registrar": True}),
    ("registrar_hh", "张建国", "HHMZ", {"is_registrar": True}),
    ("registrar_xc", "王丽华", "XCMZ", {"is_registrar": True}),
    ("registrar_bt", "李志强", "BTMZ", {"is_registrar": True}),
    ("purchaser_hh", "刘海峰", "HHWJ", {"is_purchaser": True}),
    ("purchaser_hhmz", "赵敏", "HHMZ", {"is_purchaser": True}),
    ("purchaser_cf", "巴特尔", "CFLL", {"is_purchaser": True}),
]


def seed_departments() -> dict[str, Department]:
    regions = {region.code: region for region in Region.objects.filter(code__in={row[0] for row in DEPARTMENTS})}
    missing = {row[0] for row in DEPARTMENTS} - set(regions)
    if missing:
        raise RuntimeError(f"regions {sorted(missing)} are missing: run `manage.py load_regions` first")
    departments = {}
    for region_code, code, name, kind in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region": regions[region_code], "kind": kind}
        )
        departments[code] = department
    return departments


def ensure_user(username: str, **fields):
    """Create the demo user with the demo password if missing; leave an existing one as it is."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **fields)
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    return user


def seed_users(departments: dict[str, Department]) -> None:
    ensure_user("admin", display_name="系统管理员", is_staff=True, is_superuser=True, email="admin@example.cn")
    for username, display_name, department_code, roles in OFFICIALS:
        ensure_user(username, display_name=display_name, department=departments[department_code], **roles)
    ensure_user("evaluator", display_name="陈晓明", is_evaluator=True, email="evaluator@example.cn")
