"""The open-data settings are checked at start-up: a malformed ocid prefix, licence or policy address stops the
process with one line naming the setting."""

from __future__ import annotations

import pytest

from tests.config.test_settings import run_manage


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OCDS_OCID_PREFIX": "ocds-qiyue00"}, "OCDS_OCID_PREFIX"),  # seven characters after ocds-
        ({"OCDS_OCID_PREFIX": "ocds-ab12"}, "OCDS_OCID_PREFIX"),
        ({"OCDS_OCID_PREFIX": "OCDS-ABC123"}, "OCDS_OCID_PREFIX"),
        ({"OCDS_LICENSE": "creativecommons.org/licenses/by/4.0/"}, "OCDS_LICENSE"),
        ({"OCDS_LICENSE": "ftp://example.cn/licence"}, "OCDS_LICENSE"),
        ({"OCDS_PUBLICATION_POLICY": "见网站"}, "OCDS_PUBLICATION_POLICY"),
    ],
)
def test_malformed_open_data_setting_stops_start_up_with_one_line(env, named):
    result = run_manage("check", **{"DEBUG": "1", **env})
    assert result.returncode != 0
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_well_formed_open_data_settings_start():
    result = run_manage(
        "check",
        DEBUG="1",
        OCDS_OCID_PREFIX="ocds-213czf",
        OCDS_LICENSE="https://creativecommons.org/licenses/by/4.0/",
        OCDS_PUBLICATION_POLICY="https://qiyue.example.cn/open-data/policy/",
    )
    assert result.returncode == 0, result.stderr
