import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.jobs import measured, shown
from registry.models import Region
from supervision import services
from supervision.models import SampleDraw
from supervision.sampling import verify_draw


class Command(BaseCommand):
    help = (
        "Draw the yearly random-inspection sample (双随机抽查) of a region's active organizations, recording the seed "
        "and population so the draw can be verified; or verify a recorded draw with --verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("region", help="GB/T 2260 code of the region, e.g. 150100")
        parser.add_argument("--year", type=int, help="year of the draw (default this year)")
        parser.add_argument("--user", help="username of the registrar drawing (required unless --verify)")
        parser.add_argument(
            "--rate", help="rate in percent (default by the region's level: county 3, city 4, province 5)"
        )
        parser.add_argument("--seed", type=int, help="seed to use (default a fresh random one, recorded)")
        parser.add_argument("--plan-on", help="also plan a random inspection of each drawn organization on this day")
        parser.add_argument("--verify", action="store_true", help="verify the recorded draw of the region and year")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"unknown region {options['region']} / 区划代码不存在")
        year = options.get("year") or timezone.localdate().year
        if options["verify"]:
            self._verify(region, year)
            return
        if not options.get("user"):
            raise CommandError("--user is required / 请用 --user 指定抽取人")
        actor = get_user_model().objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"unknown user {options['user']} / 用户不存在")
        try:
            with measured() as measure, transaction.atomic():
                draw, planned = self._draw(actor, region, year, options)
        except (PermissionDenied, ValidationError) as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
        except ValueError as error:
            raise CommandError(f"--plan-on: {error}") from error
        self.stdout.write(
            f"{draw}: 比例 {draw.rate}%，对象 {draw.population_count} 个，抽取 {draw.sample_size} 个，"
            f"随机种子 {draw.seed}，名单摘要 {draw.population_hash}"
        )
        for entry in draw.entries.select_related("organization").order_by("position"):
            self.stdout.write(f"  {entry.position}. {entry.organization.uscc} {entry.organization.name}")
        if planned:
            self.stdout.write(f"已安排检查 {len(planned)} 项 planned inspections: {shown(i.pk for i in planned)}")
        self.stdout.write(measure.line())

    def _draw(self, actor, region, year, options):
        draw = services.sample_draw_create(
            actor=actor, region=region, year=year, rate=options.get("rate"), seed=options.get("seed")
        )
        planned = []
        if options.get("plan_on"):
            planned = services.sample_draw_plan_inspections(
                actor=actor, draw=draw, planned_on=datetime.date.fromisoformat(options["plan_on"])
            )
        return draw, planned

    def _verify(self, region, year):
        draw = SampleDraw.objects.filter(region=region, year=year).first()
        if draw is None:
            raise CommandError(f"no draw for {region.code} {year} / 该区划该年度没有抽取记录")
        result = verify_draw(draw)
        for message in result.messages:
            self.stdout.write(message)
        if not result.ok:
            raise CommandError("verification failed / 复核未通过")
        self.stdout.write(self.style.SUCCESS("复核通过 verified"))
