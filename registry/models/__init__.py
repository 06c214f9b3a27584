"""The registry: regions (GB/T 2260), departments and the social organizations they register, with their annual
inspections, evaluation grades, credit listings and administrative penalties.

Business rules live in services.py (writes) and selectors.py (reads); the models hold fields, invariants
that the database can enforce, and small derived properties.
"""

from registry.models.organizations import FormerName, Organization
from registry.models.places import Department, Region
from registry.models.records import AnnualInspection, AnnualReport, CreditListing, Penalty, Rating

__all__ = [
    "AnnualInspection",
    "AnnualReport",
    "CreditListing",
    "Department",
    "FormerName",
    "Organization",
    "Penalty",
    "Rating",
    "Region",
]
