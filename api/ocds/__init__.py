"""Contracts as Open Contracting Data Standard 1.1 releases: pure functions from Qiyue's records to OCDS JSON.

One contracting process per signed contract, ocid = settings.OCDS_OCID_PREFIX + "-" + contract number. Its releases:

- `contract` (dated the signing day): the buyer (the purchasing department) and the supplier (the organization), both
  identified by their unified social credit code under org-id.guide's scheme "CN-USCI"; the tender as the purchase-list
  item the contract came from (its budget, catalogue classification, quantity and unit, service period), the budget
  it is paid from, the award and the contract as signed, with the deliverables as scheduled delivery milestones;
- `contractAmendment`, one per recorded change (the amendments written by one contract_amend call share a day and a
  reason): the contract after the change and every amendment so far;
- `implementation` (dated the latest event), once anything happened: milestones met (accepted deliverables), not met
  (due date passed without acceptance, or the contract closed without it), and one transaction per payment;
- `contractTermination` when the contract was completed or terminated (OCDS "terminated" covers both).

A contract under a revised purchase-list item names the original item's list as its planning process
(`relatedProcesses`). Empty fields, arrays and objects are left out (OCDS forbids empty arrays).

Release ids are unique within the ocid and stable: the same records always give the same releases. Dates without a
time become the start of that day (end of day for end dates and due dates) in the site's time zone. Texts are in
Chinese (`language` "zh"). Money is in yuan (CNY). Nothing here queries the database beyond the relations the caller
read with them (api.selectors.ocds_contracts_with_ids, ocds_contract_get: records named like the models' fields,
or model instances).

The modules, each depending only on those above it: `values` (codes, ocid, dates, money, pruning), `parties` (buyer
and supplier), `history` (amendments and the state as signed), `implementation` (milestones, transactions,
evaluations), `sections` (contract, tender, planning, related processes), `releases` (a contract's releases, and those
of contracts read together) and `packages` (release and record packages, the extension's folder). What the rest of
the site uses is imported here.
"""

from api.ocds.packages import (
    EXTENSION_DIR,
    RELEASE_SCHEMA_PATH,
    extension_url,
    local_extension_folders,
    merger,
    record,
    record_package,
    release_package,
)
from api.ocds.releases import contract_releases, releases_of_contracts
from api.ocds.sections import document_path, purchase_list_path
from api.ocds.values import OCDS_VERSION, day_end, day_start, moment, ocid, prune

__all__ = [
    "EXTENSION_DIR",
    "OCDS_VERSION",
    "RELEASE_SCHEMA_PATH",
    "contract_releases",
    "day_end",
    "day_start",
    "document_path",
    "extension_url",
    "local_extension_folders",
    "merger",
    "moment",
    "ocid",
    "prune",
    "purchase_list_path",
    "record",
    "record_package",
    "release_package",
    "releases_of_contracts",
]
