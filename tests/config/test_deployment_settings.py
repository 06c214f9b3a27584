"""The production topology's settings: where files are stored (STORAGE_URL), where background work runs
(TASKS_BACKEND) and the deployment checks that name a per-process setup. No network: S3 is checked by building the
storage and signing a URL, which boto3 does locally."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from storages.backends.s3 import S3Storage

from core.deployment import FILE_SYSTEM_STORAGE, S3_STORAGE, storage_from_url
from tests.config.test_settings import GOOD_SECRET, run_manage

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "qiyue.example.cn",
    "DATABASE_URL": "postgres://qiyue@127.0.0.1:5432/qiyue",
}


def test_without_storage_url_files_go_to_media_root(settings, tmp_path):
    assert storage_from_url("") == {"BACKEND": FILE_SYSTEM_STORAGE}
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("exports/2026/check.csv", ContentFile(b"a,b\r\n"))
    assert (tmp_path / name).read_bytes() == b"a,b\r\n"
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"a,b\r\n"


def test_a_file_url_names_a_local_folder(tmp_path):
    config = storage_from_url(f"file://{tmp_path}/media")
    assert config == {"BACKEND": FILE_SYSTEM_STORAGE, "OPTIONS": {"location": f"{tmp_path}/media"}}
    storage = FileSystemStorage(**config["OPTIONS"])
    name = storage.save("ocds/manifest.json", ContentFile(b"{}"))
    assert (tmp_path / "media" / name).is_file()


def test_an_s3_url_configures_django_storages(settings):
    config = storage_from_url(
        "s3://AKIDEXAMPLE:s%2Fecret@qiyue-media/prod/files?endpoint_url=https://s3.example.cn:9000"
        "&region_name=cn-north-1&addressing_style=path"
    )
    assert config["BACKEND"] == S3_STORAGE
    options = config["OPTIONS"]
    assert options["bucket_name"] == "qiyue-media" and options["location"] == "prod/files"
    assert (options["access_key"], options["secret_key"]) == ("AKIDEXAMPLE", "s/ecret")
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False

    storage = S3Storage(**options)
    url = urlsplit(storage.url("exports/2026/abc.xlsx"))
    assert (url.scheme, url.netloc) == ("https", "s3.example.cn:9000")
    assert url.path == "/qiyue-media/prod/files/exports/2026/abc.xlsx"  # path-style addressing, under the prefix
    query = parse_qs(url.query)
    assert "X-Amz-Signature" in query and query["X-Amz-Credential"][0].startswith("AKIDEXAMPLE/")
    assert "cn-north-1" in query["X-Amz-Credential"][0]


def test_s3_without_credentials_leaves_them_to_boto3():
    options = storage_from_url("s3://qiyue-media")["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options
    assert options["location"] == ""


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.cn/qiyue",
        "file://relative/folder",
        "file:///srv/media?x=1",
        "s3://",
        "s3://KEY@bucket",
        "s3://bucket?endpoint=https://s3.example.cn",
        "s3://bucket?endpoint_url=s3.example.cn",
        "s3://bucket?addressing_style=sideways",
        "s3://bucket?region_name=",
    ],
)
def test_unusable_storage_urls_are_refused_with_the_reason(url):
    with pytest.raises(ValueError) as refused:
        storage_from_url(url)
    assert str(refused.value)


def test_a_bad_storage_url_stops_start_up_with_one_line():
    result = run_manage("check", DEBUG="1", STORAGE_URL="s3://bucket?endpoint=x")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "STORAGE_URL" in lines[0] and "endpoint" in lines[0], result.stderr


def test_production_settings_pick_the_storage_and_the_database_task_backend():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; from django.core.files.storage import default_storage as d; "
        "print(s.TASKS['default']['BACKEND'], type(d._wrapped if d._setup() is None else d).__name__, "
        "d.bucket_name)",
        **PRODUCTION,
        STORAGE_URL="s3://qiyue-media/prod?endpoint_url=https://s3.example.cn",
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django_tasks_db.backend.DatabaseBackend",
        "S3Storage",
        "qiyue-media",
    ], result.stderr
    development = run_manage("shell", "-c", "from django.conf import settings as s; print(s.TASKS)", DEBUG="1")
    assert "ImmediateBackend" in development.stdout, development.stderr


def test_check_deploy_warns_when_tasks_run_in_requests_or_the_cache_is_per_process():
    result = run_manage(
        "check",
        "--deploy",
        **PRODUCTION,
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        CACHE_URL="locmem://",
    )
    output = result.stdout + result.stderr
    assert "qiyue.W002" in output and "db_worker" in output
    assert "qiyue.W003" in output
