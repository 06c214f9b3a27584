from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.spreadsheets import ImportFileError
from registry.penalty_import import penalties_import


class Command(BaseCommand):
    help = (
        "Import administrative penalties (行政处罚) from an .xlsx or .csv file with Chinese column headers "
        "(统一社会信用代码, 处罚决定书文号, 处罚决定日期, 处罚机关, 处罚种类, 违法事实, 处罚依据; "
        "optionally 社会组织名称, "
        "金额, 执行状态, 状态变更日期). All or nothing: any bad row and nothing is written; every bad row is listed. "
        "Exits 1 on errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx or .csv file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report the counts, write nothing"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the registrar (or superuser) importing: recorded in the history; a registrar may only import "
            "penalties of organizations their department covers",
        )

    def handle(self, *args, path, dry_run, user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.select_related("department__region").filter(username=user).first()
            if actor is None:
                raise CommandError(_("没有用户名为“%(username)s”的用户") % {"username": user})
        try:
            result = penalties_import(actor=actor, source=path, dry_run=dry_run)
        except (ImportFileError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("导入失败：%(rows)d行有错误，共%(count)d处，未写入任何数据")
                % {"rows": len({error.row for error in result.errors}), "count": len(result.errors)},
                returncode=1,
            )
        counts = _("行政处罚：新增 %(created)d，未变 %(unchanged)d（共 %(total)d 行）") % {
            "created": result.created,
            "unchanged": result.unchanged,
            "total": result.total,
        }
        if dry_run:
            self.stdout.write(_("试运行，未写入任何数据：%(counts)s") % {"counts": counts})
        else:
            self.stdout.write(self.style.SUCCESS(_("导入完成：%(counts)s") % {"counts": counts}))
