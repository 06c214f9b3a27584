"""Inner Mongolia demo data for the registry: departments, demo users of every role, and about sixty organizations
across the autonomous region's twelve leagues and cities with their inspections, ratings and credit listings.

Every function is idempotent: it looks rows up by their natural keys and creates only what is missing.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model

from registry import services
from registry.models import AnnualInspection, CreditListing, Department, Organization, Rating, Region
from registry.uscc import make_uscc

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
    # The civil-affairs bureau (登记管理机关) of every league and city.
    ("150300", "WHMZ", "乌海市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150500", "TLMZ", "通辽市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150700", "HLMZ", "呼伦贝尔市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150800", "BYMZ", "巴彦淖尔市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("150900", "WLMZ", "乌兰察布市民政局", Department.Kind.CIVIL_AFFAIRS),
    ("152200", "XAMZ", "兴安盟民政局", Department.Kind.CIVIL_AFFAIRS),
    ("152900", "ALMZ", "阿拉善盟民政局", Department.Kind.CIVIL_AFFAIRS),
]

# (username, display name, department code, roles)
OFFICIALS = [
    ("registrar_nm", "乌云其其格", "NMMZ", {"is_registrar": True, "is_staff": True}),
    ("registrar_hh", "张建国", "HHMZ", {"is_registrar": True, "is_staff": True}),
    ("registrar_xc", "王丽华", "XCMZ", {"is_registrar": True, "is_staff": True}),
    ("registrar_bt", "李志强", "BTMZ", {"is_registrar": True, "is_staff": True}),
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


# --- Organizations -------------------------------------------------------------------------------------------------
#
# Registered through registry.services, so every row has its history (who registered it, when, and why a listing or
# status changed) exactly as if registrars had keyed it in. The acting registrar is the demo registrar whose department
# is the registering bureau, or else the one whose region covers it most closely (registrar_nm for the leagues and
# cities without a demo registrar of their own); the bureau itself is named explicitly as the deciding authority.


class DemoOrganization(NamedTuple):
    name: str
    org_type: str
    authority: str  # code of the registering civil-affairs department
    region: str  # GB/T 2260 code of where it is located
    legal_representative: str
    registered_funds: str
    established_on: tuple[int, int, int]
    domicile: str
    business_scope: str
    supervisory_unit: str = ""


class DemoListing(NamedTuple):
    list_kind: str
    listed_on: datetime.date
    reason: str
    removed_on: datetime.date | None = None
    removal_reason: str = ""


# Inner Mongolia demo organizations.
# (name, type, registering bureau, region, legal representative, registered funds, established on, domicile, scope,
#  supervisory unit)
_A = Organization.Type.ASSOCIATION
_S = Organization.Type.SERVICE
_F = Organization.Type.FOUNDATION

ORGANIZATIONS = [
    # 呼和浩特市
    DemoOrganization(
        "呼和浩特市新城区夕阳红养老服务中心",
        _S,
        "XCMZ",
        "150102",
        "乌云其其格",
        "100000",
        (2016, 4, 12),
        "呼和浩特市新城区兴安北路街道满都海社区综合服务楼二层",
        "居家养老上门服务、老年人日间照料、助餐助浴、精神慰藉",
    ),
    DemoOrganization(
        "呼和浩特市赛罕区阳光社会工作服务中心",
        _S,
        "HHMZ",
        "150105",
        "张慧敏",
        "50000",
        (2014, 9, 3),
        "呼和浩特市赛罕区大学东街129号",
        "社会工作专业服务、社区治理服务、困难群众帮扶、社会工作人才培训",
    ),
    DemoOrganization(
        "呼和浩特市社会工作协会",
        _A,
        "HHMZ",
        "150100",
        "额尔敦",
        "50000",
        (2012, 11, 20),
        "呼和浩特市新城区成吉思汗大街36号",
        "社会工作行业自律、业务培训、交流研讨、咨询服务",
        "呼和浩特市民政局",
    ),
    DemoOrganization(
        "呼和浩特市回民区向日葵儿童发展中心",
        _S,
        "HHMZ",
        "150103",
        "马俊峰",
        "80000",
        (2017, 6, 1),
        "呼和浩特市回民区中山西路街道光明路社区",
        "儿童早期发展、课后托管、困境儿童关爱、家庭教育指导",
    ),
    DemoOrganization(
        "呼和浩特市玉泉区心连心残疾人康复服务中心",
        _S,
        "HHMZ",
        "150104",
        "李秀兰",
        "120000",
        (2015, 3, 18),
        "呼和浩特市玉泉区南二环路与石羊桥路交叉口东南角",
        "残疾人康复训练、辅助器具适配、职业技能培训、家属支持",
    ),
    DemoOrganization(
        "呼和浩特市志愿者协会",
        _A,
        "HHMZ",
        "150100",
        "高玉山",
        "60000",
        (2009, 12, 5),
        "呼和浩特市赛罕区敕勒川大街1号",
        "志愿服务组织、志愿者招募培训、志愿服务项目开发",
        "共青团呼和浩特市委员会",
    ),
    DemoOrganization(
        "呼和浩特市新城区邻里互助社区服务中心",
        _S,
        "XCMZ",
        "150102",
        "孙立新",
        "30000",
        (2019, 8, 22),
        "呼和浩特市新城区东街街道将军衙署社区",
        "社区邻里互助、便民服务、社区文化活动",
    ),
    DemoOrganization(
        "土默特左旗农牧民专业技术协会",
        _A,
        "HHMZ",
        "150121",
        "苏和",
        "30000",
        (2011, 5, 16),
        "呼和浩特市土默特左旗察素齐镇新华街",
        "种养殖技术推广、农牧民技能培训、信息咨询",
        "土默特左旗农牧局",
    ),
    DemoOrganization(
        "和林格尔县乡村振兴发展促进会",
        _A,
        "HHMZ",
        "150123",
        "刘志刚",
        "50000",
        (2021, 3, 9),
        "呼和浩特市和林格尔县城关镇盛乐大街",
        "乡村产业发展咨询、农村人才培训、乡村文化建设",
    ),
    DemoOrganization(
        "呼和浩特市马头琴艺术协会",
        _A,
        "HHMZ",
        "150100",
        "哈斯巴根",
        "30000",
        (2013, 7, 26),
        "呼和浩特市回民区锡林郭勒北路内蒙古民族艺术剧院",
        "马头琴艺术传承、演出交流、青少年培训",
        "呼和浩特市文化旅游广电局",
    ),
    # 包头市
    DemoOrganization(
        "包头市青山区社会工作者协会",
        _A,
        "BTMZ",
        "150204",
        "王建军",
        "50000",
        (2015, 10, 14),
        "包头市青山区钢铁大街与文化路交叉口青山区社会组织孵化基地",
        "社会工作者继续教育、行业交流、社会工作服务项目",
    ),
    DemoOrganization(
        "包头市昆都仑区康乐居家养老服务中心",
        _S,
        "BTMZ",
        "150203",
        "赵春梅",
        "200000",
        (2013, 4, 8),
        "包头市昆都仑区阿尔丁大街少先路街道",
        "居家养老、社区食堂、康复护理、老年人能力评估",
    ),
    DemoOrganization(
        "包头市东河区青少年心理健康服务中心",
        _S,
        "BTMZ",
        "150202",
        "杨晓燕",
        "60000",
        (2018, 9, 10),
        "包头市东河区巴彦塔拉大街东站街道",
        "青少年心理咨询、危机干预、学校心理健康教育",
    ),
    DemoOrganization(
        "包头市慈善总会",
        _A,
        "BTMZ",
        "150200",
        "巴特尔",
        "300000",
        (2003, 12, 26),
        "包头市昆都仑区钢铁大街包头市民政局院内",
        "募集慈善资金、实施救助项目、慈善文化宣传",
        "包头市民政局",
    ),
    DemoOrganization(
        "包头市九原区助残服务中心",
        _S,
        "BTMZ",
        "150207",
        "郭淑芬",
        "50000",
        (2016, 12, 2),
        "包头市九原区建华南路沙河街道",
        "残疾人托养、日间照料、就业辅导",
    ),
    DemoOrganization(
        "包头市稀土行业协会",
        _A,
        "BTMZ",
        "150200",
        "陈志远",
        "100000",
        (2010, 6, 18),
        "包头市九原区稀土高新区黄河大街",
        "稀土行业标准研究、技术交流、行业统计与自律",
        "包头市工业和信息化局",
    ),
    DemoOrganization(
        "达尔罕茂明安联合旗牧区互助服务中心",
        _S,
        "BTMZ",
        "150223",
        "那顺",
        "30000",
        (2017, 5, 19),
        "包头市达尔罕茂明安联合旗百灵庙镇艾不盖路",
        "牧区互助养老、留守老人探访、牧民生产互助",
    ),
    DemoOrganization(
        "包头市家庭教育指导服务中心",
        _S,
        "BTMZ",
        "150202",
        "周丽娜",
        "50000",
        (2012, 3, 30),
        "包头市东河区和平路街道",
        "家庭教育讲座、亲子活动、家长咨询",
    ),
    # 乌海市
    DemoOrganization(
        "乌海市海勃湾区社区养老服务中心",
        _S,
        "WHMZ",
        "150302",
        "朝鲁",
        "80000",
        (2016, 7, 11),
        "乌海市海勃湾区人民路新华街道",
        "社区养老、助餐配餐、健康管理",
    ),
    DemoOrganization(
        "乌海市书法家协会",
        _A,
        "WHMZ",
        "150300",
        "郭文斌",
        "30000",
        (2008, 10, 8),
        "乌海市海勃湾区滨河东区乌海书法城",
        "书法创作、展览交流、书法进校园",
        "乌海市文学艺术界联合会",
    ),
    DemoOrganization(
        "乌海市乌达区青年志愿者协会",
        _A,
        "WHMZ",
        "150304",
        "萨仁",
        "30000",
        (2018, 4, 2),
        "乌海市乌达区新达街道团结街",
        "青年志愿服务、应急救援志愿服务、环保宣传",
    ),
    # 赤峰市
    DemoOrganization(
        "赤峰市红山区银龄互助养老服务中心",
        _S,
        "CFMZ",
        "150402",
        "孟和",
        "150000",
        (2014, 11, 28),
        "赤峰市红山区哈达街道昭乌达路",
        "互助养老、老年大学、文体活动、上门探访",
    ),
    DemoOrganization(
        "赤峰市松山区农村留守儿童关爱服务中心",
        _S,
        "CFMZ",
        "150404",
        "徐海燕",
        "50000",
        (2017, 3, 15),
        "赤峰市松山区玉龙大街向阳街道",
        "留守儿童关爱、课业辅导、安全教育",
    ),
    DemoOrganization(
        "赤峰市社会组织促进会",
        _A,
        "CFMZ",
        "150400",
        "阿拉坦仓",
        "100000",
        (2019, 1, 10),
        "赤峰市红山区新华路赤峰市社会组织孵化中心",
        "社会组织孵化培育、能力建设培训、公益项目对接",
    ),
    DemoOrganization(
        "克什克腾旗草原生态保护协会",
        _A,
        "CFMZ",
        "150425",
        "宝音图",
        "30000",
        (2012, 8, 8),
        "赤峰市克什克腾旗经棚镇应昌街",
        "草原生态保护宣传、牧民环保培训、生态监测协助",
    ),
    DemoOrganization(
        "宁城县老年人协会",
        _A,
        "CFMZ",
        "150429",
        "韩振华",
        "30000",
        (2010, 9, 9),
        "赤峰市宁城县天义镇铁东街",
        "老年人文体活动、维权服务、互助帮扶",
    ),
    DemoOrganization(
        "赤峰市蒙医药学会",
        _A,
        "CFMZ",
        "150400",
        "吉日木图",
        "80000",
        (2006, 5, 20),
        "赤峰市红山区昭乌达路赤峰市蒙医中医医院",
        "蒙医药学术交流、继续教育、科普宣传",
        "赤峰市卫生健康委员会",
    ),
    DemoOrganization(
        "翁牛特旗社会工作服务中心",
        _S,
        "CFMZ",
        "150426",
        "王海军",
        "30000",
        (2020, 6, 16),
        "赤峰市翁牛特旗乌丹镇全宁街",
        "社会救助服务、社区矫正社会工作、困难家庭帮扶",
    ),
    # 通辽市
    DemoOrganization(
        "通辽市科尔沁区阳光社区服务中心",
        _S,
        "TLMZ",
        "150502",
        "图雅",
        "60000",
        (2015, 5, 5),
        "通辽市科尔沁区霍林河大街科尔沁街道",
        "社区便民服务、社区文化、邻里互助",
    ),
    DemoOrganization(
        "通辽市安代艺术协会",
        _A,
        "TLMZ",
        "150500",
        "格日勒",
        "30000",
        (2011, 10, 1),
        "通辽市科尔沁区西拉木伦大街通辽市群众艺术馆",
        "安代艺术传承、群众文艺培训、演出交流",
        "通辽市文化旅游体育局",
    ),
    DemoOrganization(
        "库伦旗乡村医疗卫生服务促进会",
        _A,
        "TLMZ",
        "150524",
        "包金山",
        "30000",
        (2018, 12, 12),
        "通辽市库伦旗库伦镇吉祥街",
        "乡村医生培训、健康宣教、巡回义诊组织",
    ),
    DemoOrganization(
        "通辽市科尔沁区助老服务中心",
        _S,
        "TLMZ",
        "150502",
        "张桂英",
        "50000",
        (2019, 7, 23),
        "通辽市科尔沁区永清大街",
        "助老上门服务、老年人助餐、紧急呼叫响应",
    ),
    # 鄂尔多斯市
    DemoOrganization(
        "鄂尔多斯市东胜区青少年发展基金会",
        _F,
        "NMMZ",
        "150602",
        "其木格",
        "2000000",
        (2016, 5, 27),
        "鄂尔多斯市东胜区鄂尔多斯西街",
        "资助青少年教育、助学奖学、青少年素质拓展项目",
    ),
    DemoOrganization(
        "鄂尔多斯市康巴什区社会工作服务中心",
        _S,
        "EEMZ",
        "150603",
        "李海涛",
        "100000",
        (2017, 8, 30),
        "鄂尔多斯市康巴什区北区街道康和路",
        "社区社会工作、老年人及儿童服务、志愿者培育",
    ),
    DemoOrganization(
        "鄂尔多斯市民营企业家协会",
        _A,
        "EEMZ",
        "150600",
        "刘建平",
        "200000",
        (2008, 3, 6),
        "鄂尔多斯市东胜区天骄北路",
        "企业交流合作、政策宣讲、会员服务",
        "鄂尔多斯市工商业联合会",
    ),
    DemoOrganization(
        "准格尔旗矿区职工互助服务中心",
        _S,
        "EEMZ",
        "150622",
        "白云峰",
        "50000",
        (2014, 2, 17),
        "鄂尔多斯市准格尔旗薛家湾镇迎泽大道",
        "矿区职工互助、困难职工帮扶、职工家庭服务",
    ),
    DemoOrganization(
        "伊金霍洛旗民族文化传承促进会",
        _A,
        "EEMZ",
        "150627",
        "斯琴高娃",
        "50000",
        (2013, 6, 21),
        "鄂尔多斯市伊金霍洛旗阿勒腾席热镇",
        "民族文化研究、非物质文化遗产传承、文化交流",
    ),
    DemoOrganization(
        "鄂托克旗牧民合作发展服务中心",
        _S,
        "EEMZ",
        "150624",
        "达来",
        "30000",
        (2020, 9, 1),
        "鄂尔多斯市鄂托克旗乌兰镇",
        "牧民合作经营指导、畜牧技术服务、市场信息咨询",
    ),
    DemoOrganization(
        "乌审旗治沙志愿者协会",
        _A,
        "EEMZ",
        "150626",
        "敖特根",
        "30000",
        (2015, 4, 22),
        "鄂尔多斯市乌审旗嘎鲁图镇",
        "治沙造林志愿活动、生态环保宣传",
    ),
    # 呼伦贝尔市
    DemoOrganization(
        "呼伦贝尔市海拉尔区社区居家养老服务中心",
        _S,
        "HLMZ",
        "150702",
        "于凤霞",
        "100000",
        (2014, 10, 10),
        "呼伦贝尔市海拉尔区胜利大街正阳街道",
        "居家养老、社区日间照料、康复护理",
    ),
    DemoOrganization(
        "鄂温克族自治旗民族文化研究会",
        _A,
        "HLMZ",
        "150724",
        "杜拉尔·额尔敦",
        "30000",
        (2012, 7, 7),
        "呼伦贝尔市鄂温克族自治旗巴彦托海镇",
        "鄂温克民族文化研究、典籍整理、文化交流",
    ),
    DemoOrganization(
        "满洲里市中俄蒙商贸促进会",
        _A,
        "HLMZ",
        "150781",
        "王国庆",
        "100000",
        (2010, 8, 16),
        "呼伦贝尔市满洲里市中苏街",
        "口岸商贸交流、企业咨询、展会组织",
    ),
    DemoOrganization(
        "牙克石市林区职工家庭服务中心",
        _S,
        "HLMZ",
        "150782",
        "刘桂芝",
        "50000",
        (2016, 11, 3),
        "呼伦贝尔市牙克石市胜利街道",
        "林区职工家庭服务、老年人照护、儿童托管",
    ),
    # 巴彦淖尔市
    DemoOrganization(
        "巴彦淖尔市临河区社会工作服务中心",
        _S,
        "BYMZ",
        "150802",
        "乌日娜",
        "60000",
        (2018, 5, 15),
        "巴彦淖尔市临河区新华街道胜利路",
        "社会救助、社区治理、青少年社会工作",
    ),
    DemoOrganization(
        "巴彦淖尔市河套农业技术推广协会",
        _A,
        "BYMZ",
        "150800",
        "闫志强",
        "50000",
        (2009, 4, 18),
        "巴彦淖尔市临河区五一街",
        "河套农业技术推广、农民培训、农产品品牌推介",
        "巴彦淖尔市农牧局",
    ),
    DemoOrganization(
        "五原县老年人日间照料服务中心",
        _S,
        "BYMZ",
        "150821",
        "贾玉梅",
        "30000",
        (2019, 10, 9),
        "巴彦淖尔市五原县隆兴昌镇",
        "老年人日间照料、助餐、文体娱乐",
    ),
    # 乌兰察布市
    DemoOrganization(
        "乌兰察布市集宁区颐养服务中心",
        _S,
        "WLMZ",
        "150902",
        "武建华",
        "150000",
        (2015, 9, 25),
        "乌兰察布市集宁区恩和路前进街道",
        "机构养老、居家养老、失能老人照护",
    ),
    DemoOrganization(
        "乌兰察布市马铃薯产业协会",
        _A,
        "WLMZ",
        "150900",
        "阿木尔",
        "100000",
        (2011, 3, 3),
        "乌兰察布市集宁区工农大街",
        "马铃薯种植技术推广、产销对接、行业自律",
        "乌兰察布市农牧局",
    ),
    DemoOrganization(
        "四子王旗牧区留守老人关爱服务中心",
        _S,
        "WLMZ",
        "150929",
        "其其格",
        "30000",
        (2020, 4, 28),
        "乌兰察布市四子王旗乌兰花镇",
        "留守老人探访、生活照料、精神慰藉",
    ),
    # 兴安盟
    DemoOrganization(
        "乌兰浩特市义工联合会",
        _A,
        "XAMZ",
        "152201",
        "额尔德木图",
        "30000",
        (2014, 6, 6),
        "兴安盟乌兰浩特市兴安南大路",
        "义工招募培训、扶老助残、社区志愿服务",
    ),
    DemoOrganization(
        "兴安盟稻米产业协会",
        _A,
        "XAMZ",
        "152200",
        "姜立明",
        "80000",
        (2016, 9, 19),
        "兴安盟乌兰浩特市罕山东街",
        "稻米种植技术交流、品牌建设、产销服务",
        "兴安盟农牧局",
    ),
    DemoOrganization(
        "科尔沁右翼前旗扶贫济困服务中心",
        _S,
        "XAMZ",
        "152221",
        "白玉兰",
        "30000",
        (2018, 2, 26),
        "兴安盟科尔沁右翼前旗科尔沁镇",
        "困难群众帮扶、救助对象走访、物资发放",
    ),
    # 锡林郭勒盟
    DemoOrganization(
        "锡林郭勒盟蒙古族传统文化促进会",
        _A,
        "XLMZ",
        "152500",
        "巴图孟和",
        "100000",
        (2010, 7, 15),
        "锡林郭勒盟锡林浩特市额尔敦路",
        "蒙古族传统文化研究、长调与呼麦传承、文化交流",
        "锡林郭勒盟文化旅游体育局",
    ),
    DemoOrganization(
        "锡林浩特市蓝天社会工作服务中心",
        _S,
        "XLMZ",
        "152502",
        "娜仁花",
        "50000",
        (2017, 11, 11),
        "锡林郭勒盟锡林浩特市希日塔拉街道",
        "社区社会工作、牧区儿童服务、社会救助协助",
    ),
    DemoOrganization(
        "锡林郭勒盟那达慕文化协会",
        _A,
        "XLMZ",
        "152500",
        "朝格图",
        "50000",
        (2012, 4, 26),
        "锡林郭勒盟锡林浩特市贝子庙广场",
        "那达慕赛事组织、搏克与赛马推广、民俗文化宣传",
    ),
    DemoOrganization(
        "二连浩特市边境口岸志愿服务协会",
        _A,
        "XLMZ",
        "152501",
        "孙海波",
        "30000",
        (2019, 5, 20),
        "锡林郭勒盟二连浩特市前进路",
        "口岸志愿服务、旅客引导、应急协助",
    ),
    DemoOrganization(
        "正蓝旗牧民互助合作服务中心",
        _S,
        "XLMZ",
        "152530",
        "乌力吉",
        "30000",
        (2016, 3, 31),
        "锡林郭勒盟正蓝旗上都镇",
        "牧民互助合作、奶食品加工培训、市场对接",
    ),
    # 阿拉善盟
    DemoOrganization(
        "阿拉善盟骆驼产业协会",
        _A,
        "ALMZ",
        "152900",
        "图门巴雅尔",
        "80000",
        (2013, 9, 12),
        "阿拉善盟阿拉善左旗巴彦浩特镇",
        "骆驼养殖技术推广、驼产品开发、行业自律",
        "阿拉善盟农牧局",
    ),
    DemoOrganization(
        "阿拉善左旗沙漠生态志愿者协会",
        _A,
        "ALMZ",
        "152921",
        "贺兰",
        "30000",
        (2015, 6, 5),
        "阿拉善盟阿拉善左旗巴彦浩特镇王府街",
        "荒漠化防治志愿活动、梭梭种植、生态宣传",
    ),
    DemoOrganization(
        "额济纳旗胡杨林保护服务中心",
        _S,
        "ALMZ",
        "152923",
        "策力格尔",
        "50000",
        (2017, 9, 29),
        "阿拉善盟额济纳旗达来呼布镇",
        "胡杨林保护宣传、生态巡护协助、研学服务",
    ),
    # Registered by the autonomous region's civil-affairs department
    DemoOrganization(
        "内蒙古社会组织评估中心",
        _S,
        "NMMZ",
        "150105",
        "孟根其其格",
        "500000",
        (2015, 12, 18),
        "呼和浩特市赛罕区敕勒川大街内蒙古自治区民政厅附楼",
        "社会组织等级评估、政府购买服务绩效第三方评价、社会组织能力建设咨询",
    ),
    DemoOrganization(
        "内蒙古自治区社会工作协会",
        _A,
        "NMMZ",
        "150100",
        "李文华",
        "300000",
        (2011, 4, 20),
        "呼和浩特市新城区新华大街63号",
        "社会工作行业交流、标准研究、人才培训",
        "内蒙古自治区民政厅",
    ),
    DemoOrganization(
        "内蒙古老年事业发展基金会",
        _F,
        "NMMZ",
        "150100",
        "巴雅尔",
        "4000000",
        (2012, 10, 16),
        "呼和浩特市新城区兴安北路",
        "资助养老服务、困难老人救助、老龄事业研究",
    ),
]

INSPECTION_YEARS = (2023, 2024, 2025)
_PASSED = AnnualInspection.Result.PASSED
_BASIC = AnnualInspection.Result.BASIC
_FAILED = AnnualInspection.Result.FAILED

# Annual inspections differing from 合格 decided on 28 June of the following year: (name, year) -> (result, decided on
# or None for the default day, note). A result of None means the report was never filed.
INSPECTION_EXCEPTIONS: dict[tuple[str, int], tuple[str | None, datetime.date | None, str]] = {
    ("呼和浩特市新城区邻里互助社区服务中心", 2024): (_BASIC, None, "财务管理制度不健全，已责令整改"),
    ("和林格尔县乡村振兴发展促进会", 2025): (_FAILED, None, "未按章程召开会员大会，财务收支未纳入单位账户核算"),
    ("包头市九原区助残服务中心", 2023): (_BASIC, None, "年度工作报告内容不完整"),
    ("乌海市书法家协会", 2025): (_BASIC, None, "未按规定履行重大事项报告程序"),
    ("乌海市乌达区青年志愿者协会", 2025): (None, None, ""),
    ("宁城县老年人协会", 2024): (_BASIC, datetime.date(2025, 9, 5), "逾期报送，已补报并经核查"),
    ("通辽市科尔沁区助老服务中心", 2025): (None, None, ""),
    ("准格尔旗矿区职工互助服务中心", 2024): (_FAILED, None, "违规开展收费服务，财务收支不真实"),
    ("准格尔旗矿区职工互助服务中心", 2025): (None, None, ""),
    ("牙克石市林区职工家庭服务中心", 2025): (_BASIC, None, "内部治理结构不完善"),
    ("兴安盟稻米产业协会", 2024): (_BASIC, None, "会费收支未单独核算"),
    ("包头市家庭教育指导服务中心", 2025): (None, None, ""),
}

# name -> (grade, awarded on, score out of 1,000); awarded by the registering bureau. Grades last five years, so the
# ones awarded before late 2021 have expired.
RATINGS: dict[str, tuple[str, datetime.date, str]] = {
    "呼和浩特市新城区夕阳红养老服务中心": (Rating.Grade.A4, datetime.date(2023, 5, 20), "868.50"),
    "呼和浩特市赛罕区阳光社会工作服务中心": (Rating.Grade.A5, datetime.date(2024, 11, 15), "935.00"),
    "呼和浩特市社会工作协会": (Rating.Grade.A3, datetime.date(2019, 6, 10), "742.00"),
    "呼和浩特市玉泉区心连心残疾人康复服务中心": (Rating.Grade.A3, datetime.date(2022, 8, 26), "765.00"),
    "包头市青山区社会工作者协会": (Rating.Grade.A4, datetime.date(2022, 9, 1), "851.00"),
    "包头市昆都仑区康乐居家养老服务中心": (Rating.Grade.A3, datetime.date(2020, 8, 15), "738.00"),
    "包头市慈善总会": (Rating.Grade.A5, datetime.date(2022, 12, 1), "952.00"),
    "赤峰市红山区银龄互助养老服务中心": (Rating.Grade.A3, datetime.date(2023, 10, 10), "776.00"),
    "赤峰市蒙医药学会": (Rating.Grade.A4, datetime.date(2018, 11, 20), "832.00"),
    "通辽市安代艺术协会": (Rating.Grade.A2, datetime.date(2021, 5, 6), "655.00"),
    "鄂尔多斯市东胜区青少年发展基金会": (Rating.Grade.A4, datetime.date(2022, 6, 30), "872.00"),
    "鄂尔多斯市康巴什区社会工作服务中心": (Rating.Grade.A3, datetime.date(2024, 4, 18), "781.00"),
    "呼伦贝尔市海拉尔区社区居家养老服务中心": (Rating.Grade.A3, datetime.date(2019, 9, 9), "729.00"),
    "乌兰察布市集宁区颐养服务中心": (Rating.Grade.A3, datetime.date(2025, 6, 6), "790.00"),
    "锡林郭勒盟蒙古族传统文化促进会": (Rating.Grade.A4, datetime.date(2023, 8, 8), "845.00"),
    "内蒙古社会组织评估中心": (Rating.Grade.A5, datetime.date(2022, 12, 20), "941.00"),
    "内蒙古老年事业发展基金会": (Rating.Grade.A5, datetime.date(2021, 12, 15), "928.00"),
}

_ABNORMAL = CreditListing.List.ABNORMAL
_SERIOUS = CreditListing.List.SERIOUS

# name -> listings, decided by the registering bureau.
CREDIT_LISTINGS: dict[str, tuple[DemoListing, ...]] = {
    "乌海市乌达区青年志愿者协会": (DemoListing(_ABNORMAL, datetime.date(2026, 7, 1), "未按规定报送2025年度工作报告"),),
    "通辽市科尔沁区助老服务中心": (
        DemoListing(_ABNORMAL, datetime.date(2026, 4, 15), "通过登记的住所无法与该组织取得联系"),
    ),
    "宁城县老年人协会": (
        DemoListing(
            _ABNORMAL,
            datetime.date(2025, 7, 1),
            "未按规定报送2024年度工作报告",
            removed_on=datetime.date(2025, 9, 10),
            removal_reason="已补报2024年度工作报告，经核查履行了相关义务",
        ),
    ),
    "准格尔旗矿区职工互助服务中心": (
        DemoListing(
            _SERIOUS,
            datetime.date(2025, 12, 10),
            "违规开展收费服务，受到罚款五万元的行政处罚（鄂民罚决字〔2025〕第3号）",
        ),
    ),
}

# name -> (status, changed on, reason)
STATUS_CHANGES: dict[str, tuple[str, datetime.date, str]] = {
    "包头市家庭教育指导服务中心": (
        Organization.Status.DEREGISTERED,
        datetime.date(2025, 10, 20),
        "经理事会决议解散，清算完毕，申请注销登记",
    ),
}

# The third-party organization whose staff serve in the evaluator pool (第三方评估机构).
EVALUATION_ORGANIZATION = "内蒙古社会组织评估中心"

# (username, display name, organization name)
MEMBERS = [
    ("member_yg", "其木格", "呼和浩特市赛罕区阳光社会工作服务中心"),
    ("member_bt", "王建军", "包头市青山区社会工作者协会"),
]

_AREA_CODES = {
    "1501": "0471",
    "1502": "0472",
    "1503": "0473",
    "1504": "0476",
    "1505": "0475",
    "1506": "0477",
    "1507": "0470",
    "1508": "0478",
    "1509": "0474",
    "1522": "0482",
    "1525": "0479",
    "1529": "0483",
}


def _digest(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


def demo_uscc(spec: DemoOrganization, authority: Department) -> str:
    """A valid code derived from the name: civil affairs, the type's category, the bureau's region, MJ + 6 digits."""
    entity = f"MJ{_digest(spec.name) % 1_000_000:06d}"
    return make_uscc(Organization.TYPE_CATEGORY_DIGIT[spec.org_type], authority.region.code, entity)


def _contact_phone(spec: DemoOrganization) -> str:
    area = _AREA_CODES.get(spec.region[:4], "0471")
    return f"{area}-{6_000_000 + _digest(spec.name + '电话') % 3_000_000}"


def _certificate_valid_until(established_on: datetime.date) -> datetime.date:
    """Certificates run in five-year terms from establishment; the term in force at the end of 2026."""
    year = established_on.year
    while year <= 2026:
        year += 5
    return datetime.date(year, established_on.month, min(established_on.day, 28))


def _registrar_for(authority: Department, registrars: list) -> Any:
    """The demo registrar of `authority`, else the one whose region covers it most closely."""
    for registrar in registrars:
        if registrar.department_id == authority.pk:
            return registrar
    covering = [registrar for registrar in registrars if registrar.department.region.covers(authority.region)]
    if not covering:
        raise RuntimeError(f"no demo registrar covers {authority.name}")
    return max(covering, key=lambda registrar: len(registrar.department.region.path))


def _register(
    spec: DemoOrganization, departments: dict[str, Department], regions: dict[str, Region], actor
) -> Organization:
    authority = departments[spec.authority]
    uscc = demo_uscc(spec, authority)
    organization = Organization.objects.filter(uscc=uscc).first()
    if organization is not None:
        return organization
    established_on = datetime.date(*spec.established_on)
    return services.organization_register(
        actor=actor,
        name=spec.name,
        uscc=uscc,
        org_type=spec.org_type,
        region=regions[spec.region],
        registration_authority=authority,
        supervisory_unit=spec.supervisory_unit,
        legal_representative=spec.legal_representative,
        registered_funds=Decimal(spec.registered_funds),
        established_on=established_on,
        domicile=spec.domicile,
        business_scope=spec.business_scope,
        contact_phone=_contact_phone(spec),
        contact_email=f"nm{uscc[-7:].lower()}@example.cn",
        certificate_valid_until=_certificate_valid_until(established_on),
    )


def _seed_inspections(organization: Organization, actor) -> None:
    recorded = set(organization.inspections.values_list("year", flat=True))
    for year in INSPECTION_YEARS:
        if year in recorded or year < organization.established_on.year:
            continue
        result, decided_on, note = INSPECTION_EXCEPTIONS.get((organization.name, year), (_PASSED, None, ""))
        if result is None:
            continue
        services.inspection_record(
            actor=actor,
            organization=organization,
            year=year,
            result=result,
            decided_on=decided_on or datetime.date(year + 1, 6, 28),
            note=note,
        )


def _seed_rating(organization: Organization, actor) -> None:
    if organization.name not in RATINGS:
        return
    grade, awarded_on, score = RATINGS[organization.name]
    if organization.ratings.filter(grade=grade, awarded_on=awarded_on).exists():
        return
    services.rating_award(
        actor=actor,
        organization=organization,
        grade=grade,
        awarded_on=awarded_on,
        score=Decimal(score),
        awarding_authority=organization.registration_authority,
    )


def _seed_listings(organization: Organization, actor) -> None:
    for entry in CREDIT_LISTINGS.get(organization.name, ()):
        listing = organization.credit_listings.filter(list_kind=entry.list_kind, listed_on=entry.listed_on).first()
        if listing is None:
            listing = services.credit_listing_add(
                actor=actor,
                organization=organization,
                list_kind=entry.list_kind,
                reason=entry.reason,
                listed_on=entry.listed_on,
                deciding_authority=organization.registration_authority,
            )
        if entry.removed_on is not None and listing.is_open:
            services.credit_listing_remove(
                actor=actor,
                listing=listing,
                removed_on=entry.removed_on,
                reason=entry.removal_reason,
                removed_by=organization.registration_authority,
            )


def _seed_status(organization: Organization, actor) -> None:
    if organization.name not in STATUS_CHANGES:
        return
    status, changed_on, reason = STATUS_CHANGES[organization.name]
    if organization.status != status:
        services.organization_change_status(
            actor=actor, organization=organization, status=status, changed_on=changed_on, reason=reason
        )


def seed_organizations(departments: dict[str, Department]) -> dict[str, Organization]:
    """Register the demo organizations with their inspections, ratings, credit listings and status changes."""
    registrars = list(
        get_user_model()
        .objects.filter(is_registrar=True, username__in=[row[0] for row in OFFICIALS])
        .select_related("department__region")
    )
    regions = {
        region.code: region for region in Region.objects.filter(code__in={spec.region for spec in ORGANIZATIONS})
    }
    organizations = {}
    for spec in ORGANIZATIONS:
        actor = _registrar_for(departments[spec.authority], registrars)
        organization = _register(spec, departments, regions, actor)
        _seed_inspections(organization, actor)
        _seed_rating(organization, actor)
        _seed_listings(organization, actor)
        _seed_status(organization, actor)
        organizations[spec.name] = organization
    return organizations


def seed_members(organizations: dict[str, Organization]) -> None:
    """Demo users who are staff of an organization (they keep its contact data and see its contracts)."""
    for username, display_name, organization_name in MEMBERS:
        ensure_user(
            username,
            display_name=display_name,
            organization=organizations[organization_name],
            email=f"{username}@example.cn",
        )
