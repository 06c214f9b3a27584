"""The organization import's driver: `organizations_import` streams a file through the parsers and checks, batch by
batch, and writes every batch in one transaction that a single bad row rolls back (all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.spreadsheets import ImportFileError, RowError, cell_text, is_blank
from core.spreadsheets import ImportResult as BaseImportResult
from registry.imports.checks import (
    ParsedRow,
    check_importer,
    duplicate_reason,
    existing_refusal,
    history_reason,
    parse_row,
    status_change_reason,
)
from registry.imports.columns import HEADER_BY_FIELD, column_order, column_positions, open_table
from registry.imports.lookups import Lookups
from registry.imports.writer import BATCH_SIZE, NewOrganizationWriter, PendingRating, ratings_create
from registry.models import FormerName, Organization

PROGRESS_EVERY = 5000


@dataclass
class ImportResult(BaseImportResult):
    ratings_created: int = 0


class _Importer:
    def __init__(self, *, actor, dry_run: bool, source_name: str, lookups: Lookups, batch_size: int):
        self.actor = actor
        self.dry_run = dry_run
        self.lookups = lookups
        self.batch_size = batch_size
        self.result = ImportResult(dry_run=dry_run)
        self.seen: dict[str, int] = {}
        self.batch: list[ParsedRow] = []
        self.ratings: list[PendingRating] = []
        self.now = timezone.now()
        self.reason = history_reason(source_name)
        self.status_reason = status_change_reason()
        self.history_user = actor if actor is not None and actor.pk else None
        self.writer = (
            None if dry_run else NewOrganizationWriter(date=self.now, user=self.history_user, reason=self.reason)
        )

    def add(self, parsed: ParsedRow, errors: list[RowError]) -> None:
        self.result.total += 1
        self.result.warnings.extend(parsed.warnings)
        code = parsed.values.get("uscc")
        if code is not None:
            reason = duplicate_reason(self.seen, code, parsed.row)
            if reason:
                value = cell_text(parsed.raw.get("uscc"))
                errors.append(RowError(parsed.row, HEADER_BY_FIELD["uscc"], value, reason))
        if errors:
            self.result.errors.extend(errors)
            return
        if parsed.rating is not None:
            authority = parsed.values["registration_authority"]
            self.ratings.append(PendingRating(uscc=code, authority_id=authority.pk, **parsed.rating))
        self.batch.append(parsed)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Sort the batch into new, changed and unchanged organizations; write them while the file is still valid."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        self.wait()
        existing = {
            organization.uscc: organization
            for organization in Organization.objects.filter(uscc__in=[parsed.values["uscc"] for parsed in batch])
        }
        creates: list[dict[str, Any]] = []
        updates: list[Organization] = []
        former_names: list[FormerName] = []
        changed_fields: set[str] = set()
        for parsed in batch:
            values = parsed.model_values()
            organization = existing.get(values["uscc"])
            if organization is None:
                creates.append(values)
                continue
            refusal = existing_refusal(self.actor, self.lookups.regions_by_id[organization.region_id], self.lookups)
            if refusal:
                self.result.errors.append(RowError(parsed.row, HEADER_BY_FIELD["uscc"], values["uscc"], refusal))
                continue
            changes = [name for name, value in values.items() if getattr(organization, name) != value]
            if not changes:
                self.result.unchanged += 1
                continue
            if "name" in changes:
                # A new name for a known code is a change of name: the old one is kept as a former name (曾用名).
                former_names.append(
                    FormerName(organization=organization, name=organization.name, changed_on=self.lookups.today)
                )
                organization.former_names_text = "\n".join([organization.name, *organization.former_name_list])
                changes.append("former_names_text")
            for name in changes:
                if name in values:
                    setattr(organization, name, values[name])
            if "status" in changes:
                organization.status_changed_on = self.lookups.today
                organization.status_reason = self.status_reason
                changes += ["status_changed_on", "status_reason"]
            organization.updated_at = self.now
            if any(name in Organization.SEARCH_FIELDS for name in changes):
                for column, value in Organization.search_columns(organization.__dict__).items():
                    setattr(organization, column, value)
                changes += list(Organization.SEARCH_COLUMNS)
            changed_fields.update(changes)
            updates.append(organization)
        self.result.created += len(creates)
        self.result.updated += len(updates)
        if self.writer is None or self.result.errors:
            return
        if creates:
            self.writer.write(creates)
            if updates or former_names:
                self.writer.wait()
        if updates:
            bulk_update_with_history(
                updates,
                Organization,
                sorted(changed_fields | {"updated_at"}),
                default_user=self.history_user,
                default_change_reason=self.reason,
                default_date=self.now,
            )
        if former_names:
            bulk_create_with_history(
                former_names,
                FormerName,
                default_user=self.history_user,
                default_change_reason=self.reason,
                default_date=self.now,
            )

    def wait(self) -> None:
        """Before using the connection: the last batch's new rows written (the writer may still be sending them)."""
        if self.writer is not None:
            self.writer.wait()

    def finish(self) -> None:
        """After the last batch: the writer's last rows written and indexed."""
        if self.writer is not None:
            self.writer.finish()

    def close(self) -> None:
        """When the import fails: the rows on their way are left to the rollback, once the server has them."""
        if self.writer is not None:
            self.writer.close()

    def add_ratings(self) -> None:
        """After the last batch: the rows' evaluation grades, for organizations now in the database."""
        self.wait()
        if not self.result.ok:
            return
        self.finish()
        self.result.ratings_created = ratings_create(
            self.ratings, user=self.history_user, reason=self.reason, date=self.now, write=self.writer is not None
        )


def organizations_import(
    *,
    actor,
    source: str | Path,
    dry_run: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import the organizations in the xlsx or csv file `source`, all or nothing.

    Rows are streamed: only the parsed rows of the current batch and the codes already seen are kept in memory.
    Batches are written inside one transaction as soon as they are checked; a bad row stops the writing, the rest of
    the file is still checked so that every error is reported, and the transaction is rolled back. `dry_run` checks
    and counts without writing. Raises ImportFileError for a file that cannot be read at all, PermissionDenied when
    `actor` may not import.
    """
    check_importer(actor)
    source = Path(source)
    lookups = Lookups.load()
    importer = _Importer(actor=actor, dry_run=dry_run, source_name=source.name, lookups=lookups, batch_size=batch_size)
    with open_table(source) as table, transaction.atomic():
        try:
            positions = column_positions(table.headers)
            items = list(positions.items())
            for number, cells in table.rows:
                if is_blank(cells):
                    continue
                width = len(cells)
                raw = {name: (cells[position] if position < width else None) for name, position in items}
                parsed, errors = parse_row(number, raw, lookups, actor)
                importer.add(parsed, errors)
                if progress is not None and importer.result.total % PROGRESS_EVERY == 0:
                    importer.wait()  # the callback may use the connection
                    progress(importer.result.total, table.total_rows)
            importer.flush()
            importer.add_ratings()  # waits for the last batch's rows first
        except BaseException:
            importer.close()  # no write still running when the transaction is rolled back
            raise
        if importer.result.total == 0:
            raise ImportFileError(_("文件中没有数据行（第1行为列名，数据从第2行开始）"))
        if not importer.result.ok:
            transaction.set_rollback(True)
    importer.result.errors.sort(key=lambda error: (error.row, column_order(error.column)))
    importer.result.warnings.sort(key=lambda warning: (warning.row, column_order(warning.column)))
    return importer.result
