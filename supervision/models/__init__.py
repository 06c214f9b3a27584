"""Supervision: random-sample draws, inspections, rectification orders and their answers, complaints from the public,
and the records the deadline checks and reminders leave behind.

Business rules live in services/ (writes), selectors.py (reads), workflows.py (which status allows which action),
escalation.py and reminders.py; the models hold fields, the invariants the database can enforce, and small derived
properties. One module per part: draws, inspections, complaints, orders, records; every model is importable from
`supervision.models`.
"""

from core.uploads import upload_to  # named by old migrations as supervision.models.upload_to
from supervision.models.complaints import Complaint
from supervision.models.draws import SampleDraw, SampleDrawEntry
from supervision.models.inspections import Inspection, InspectionAttachment
from supervision.models.orders import (
    OrderListing,
    OrderNumberSequence,
    OrderResponse,
    OrderResponseFile,
    RectificationOrder,
)
from supervision.models.records import DeliverableOverdueFlag, ReminderDigest

__all__ = [
    "Complaint",
    "DeliverableOverdueFlag",
    "Inspection",
    "InspectionAttachment",
    "OrderListing",
    "OrderNumberSequence",
    "OrderResponse",
    "OrderResponseFile",
    "RectificationOrder",
    "ReminderDigest",
    "SampleDraw",
    "SampleDrawEntry",
    "upload_to",
]
