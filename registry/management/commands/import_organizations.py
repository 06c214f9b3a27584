from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from core.spreadsheets import ImportFileError
from registry.imports import organizations_import


class Command(BaseCommand):
    help = (
        "Import social organizations from an .xlsx or .csv file with Chinese column headers (统一社会信用代码, 名称, "
        "类型, 登记管理机关, ...; optionally 评估等级, 评估得分, 评定日期 for an evaluation grade), keyed by the "
        "unified social credit code. All or nothing: any bad row and nothing is written; every bad row is listed. "
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
            "organizations in the regions their department covers",
        )

    def handle(self, *args, path, dry_run, user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.select_related("department__region").filter(username=user).first()
            if actor is None:
                raise CommandError(_("没有用户名为“%(username)s”的用户") % {"username": user})
        progress_shown = False

        def progress(done: int, total: int | None) -> None:
            nonlocal progress_shown
            progress_shown = True
            line = _("已检查 %(done)d 行") % {"done": done}
            if total:
                line += f" / {total}（{min(100, done * 100 // total)}%）"
            self.stderr.write(f"\r{line}", ending="")
            self.stderr.flush()

        try:
            result = organizations_import(actor=actor, source=path, dry_run=dry_run, progress=progress)
        except (ImportFileError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        except IntegrityError as exc:  # another import or a registrar wrote the same organization meanwhile
            message = _("数据库拒绝了写入（可能有人同时登记或导入了同一社会组织），未写入任何数据：%(error)s")
            raise CommandError(message % {"error": exc}) from exc
        finally:
            if progress_shown:
                self.stderr.write("")
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(_("提示：%(warning)s") % {"warning": warning}))
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("导入失败：%(rows)d行有错误，共%(count)d处，未写入任何数据")
                % {"rows": len({error.row for error in result.errors}), "count": len(result.errors)},
                returncode=1,
            )
        counts = _("新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d（共 %(total)d 行）") % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "total": result.total,
        }
        counts += _("；评估等级：新增 %(ratings)d") % {"ratings": result.ratings_created}
        if result.warnings:
            counts += _("；%(count)d条提示需核对") % {"count": len(result.warnings)}
        if dry_run:
            self.stdout.write(_("试运行，未写入任何数据：%(counts)s") % {"counts": counts})
        else:
            self.stdout.write(self.style.SUCCESS(_("导入完成：%(counts)s") % {"counts": counts}))
