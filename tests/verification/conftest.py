"""The API tests' fixtures: a Hohhot purchasing department, an eligible organization, one user per role, a signed
contract with a submitted deliverable; files go to a fresh folder."""

from tests.api.conftest import (  # noqa: F401
    department,
    isolated,
    item,
    organization,
    signed_contract,
    submitted_deliverable,
    users,
)
