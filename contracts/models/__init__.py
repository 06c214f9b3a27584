"""Purchase lists and their items, contracts, deliverables with submissions, payments and amendments.

Business rules live in services.py (writes) and selectors.py (reads); the models hold fields, the invariants the
database can enforce, and small derived properties.

The models live in three modules, re-exported here: `lists` (purchase lists and items), `contract` (contracts, the
model contract's versions, numbers, documents) and `performance` (deliverables, submissions, payments, amendments).
"""

from contracts.models.contract import (
    COMPACT_NUMBER,
    Contract,
    ContractDocument,
    ContractNumberSequence,
    ContractTemplate,
    add_years,
)
from contracts.models.lists import PurchaseItem, PurchaseList
from contracts.models.performance import Amendment, Deliverable, Payment, Submission, SubmissionFile

__all__ = [
    "COMPACT_NUMBER",
    "Amendment",
    "Contract",
    "ContractDocument",
    "ContractNumberSequence",
    "ContractTemplate",
    "Deliverable",
    "Payment",
    "PurchaseItem",
    "PurchaseList",
    "Submission",
    "SubmissionFile",
    "add_years",
]
