"""What every part of a generation run shares: the seed's random streams, the reference day, the regions in scope,
the departments and their officials, and the organization members made on demand.

Each table draws from its own stream (`world.rng("contracts")`), seeded from the run's seed and the stream's name, so
the same seed gives the same rows whatever else changes, and a change to one table's rules leaves the others alone.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from fixtures.make_samples import AREA_CODES, GIVEN, MONGOLIAN, SURNAMES
from portal.generator.profiles import Profile
from portal.generator.writer import Writer
from registry.models import Region

# Every generated user signs in with this password (benchmarks sign in as them); never load generated data into a
# production database.
PASSWORD = "generated-qiyue-123"
PASSWORD_SALT = "qiyuegenerated"
# Generated department codes are G + region code + a kind suffix (G150102MZ): how generated data is recognised.
DEPARTMENT_PREFIX = "G"
PROVINCE = "150000"


@dataclass
class Place:
    id: int
    code: str
    name: str
    level: str
    path: str
    parent_code: str | None

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00" if self.level == Region.Level.COUNTY else self.code


@dataclass
class DepartmentInfo:
    id: int
    code: str
    name: str
    region: str  # region code
    kind: str
    officials: list[int] = field(default_factory=list)  # user ids: registrars of a bureau, purchasers otherwise
    buyer: int | None = None  # the user who signs contracts for it (a purchaser)


class World:
    def __init__(self, *, profile: Profile, seed: int, today: datetime.date, writer: Writer) -> None:
        self.profile = profile
        self.seed = seed
        self.today = today
        # The moment the generated history ends: the evening of the reference day.
        self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(18)))
        self.years = list(range(today.year - 4, today.year + 1))
        self.writer = writer
        self.places: dict[str, Place] = {}
        self.departments: dict[int, DepartmentInfo] = {}
        self.bureaus: dict[str, int] = {}  # region code -> civil-affairs bureau id
        self.purchasers: dict[str, list[int]] = {}  # region code -> purchasing department ids (the bureau included)
        self.members: dict[int, int] = {}  # organization id -> member user id
        self.password = make_password(PASSWORD, salt=PASSWORD_SALT)
        self.user_model = get_user_model()
        self._load_places()

    # -- randomness and time ---------------------------------------------------------------------------------------

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}/{name}")

    @staticmethod
    def day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
        """A day in [start, end] (start when the range is empty)."""
        if end <= start:
            return start
        return datetime.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))

    def moment(self, rng: random.Random, day: datetime.date) -> datetime.datetime:
        """A working-hours moment on `day` in the site's time zone, never after the run's `now`."""
        seconds = rng.randrange(8 * 3600 + 1800, 17 * 3600 + 1800)
        naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(seconds=seconds)
        return min(timezone.make_aware(naive), self.now)

    @staticmethod
    def person(rng: random.Random) -> str:
        if rng.random() < 0.3:
            return rng.choice(MONGOLIAN)
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    def phone(self, rng: random.Random, region_code: str) -> str:
        area = AREA_CODES.get(region_code[:4], "0471")
        if rng.random() < 0.5:
            return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        return f"{area}-{rng.randrange(2_000_000, 8_999_999)}"

    # -- regions ---------------------------------------------------------------------------------------------------

    def _load_places(self) -> None:
        root = Region.objects.filter(code=self.profile.region).first()
        if root is None:
            raise LookupError(self.profile.region)
        rows = Region.objects.filter(path__startswith=root.path).select_related("parent").order_by("code")
        for region in list(rows) + list(Region.objects.filter(code=PROVINCE).select_related("parent")):
            self.places[region.code] = Place(
                region.id, region.code, region.name, region.level, region.path, region.parent.code
            )

    @property
    def scope(self) -> list[Place]:
        """The regions of the profile (the province's bureau is always there too, for foundations)."""
        root = self.places[self.profile.region]
        return [place for place in self.places.values() if place.path.startswith(root.path)]

    def full_name(self, code: str) -> str:
        """内蒙古自治区 / 呼和浩特市 / 呼和浩特市新城区 (a county with its city, as departments are named)."""
        place = self.places[code]
        if place.level == Region.Level.COUNTY:
            city = self.places.get(place.parent_code)
            return (city.name if city else "") + place.name
        return place.name

    def covering(self, code: str) -> list[str]:
        """The region and every region above it within the data set (county, city, province)."""
        codes = []
        place = self.places.get(code)
        while place is not None:
            codes.append(place.code)
            place = self.places.get(place.parent_code) if place.parent_code else None
        return codes

    # -- people ----------------------------------------------------------------------------------------------------

    def add_user(self, rng: random.Random, *, username: str, joined: datetime.date, **fields) -> int:
        display_name = fields.pop("display_name", None) or self.person(rng)
        return self.writer.table(self.user_model).add(
            password=self.password,
            username=username,
            email=f"{username}@example.cn",
            date_joined=self.moment(rng, joined),
            display_name=display_name,
            **fields,
        )

    def member(self, organization_id: int) -> int:
        """The organization's member account, made the first time the organization needs one (it joined on the first
        day of the data set's first year, before any act it takes)."""
        user = self.members.get(organization_id)
        if user is None:
            rng = self.rng(f"member/{organization_id}")
            joined = datetime.date(self.years[0], 1, 1)
            user = self.add_user(
                rng, username=f"gen_org{organization_id}", joined=joined, organization_id=organization_id
            )
            self.members[organization_id] = user
        return user

    def official(self, rng: random.Random, department_id: int) -> int:
        return rng.choice(self.departments[department_id].officials)
