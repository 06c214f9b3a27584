"""Uploads: allowed types checked by extension and by content, the size limit, generated storage names."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.models import ContractDocument
from core.uploads import upload_to, validate_upload
from core.views import stored_file_response as file_response
from tests.factories import UPLOAD_SAMPLES, make_upload


@pytest.mark.parametrize(
    ("kind", "name", "content_type"),
    [
        ("pdf", "合同.pdf", "application/pdf"),
        ("png", "照片.PNG", "image/png"),
        ("jpg", "照片.jpg", "image/jpeg"),
        ("jpg", "照片.jpeg", "image/jpeg"),
        ("docx", "报告.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "台账.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("zip", "材料.zip", "application/zip"),
    ],
)
def test_allowed_types(kind, name, content_type):
    check = validate_upload(make_upload(kind, name))
    assert check.original_name == name
    assert check.content_type == content_type
    assert check.size == len(UPLOAD_SAMPLES[kind])


@pytest.mark.parametrize("name", ["程序.exe", "脚本.js", "网页.html", "无扩展名", "旧版.doc", "表格.xls", "图.gif"])
def test_other_extensions_are_refused(name):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, UPLOAD_SAMPLES["pdf"]))
    assert excinfo.value.code == "upload_type"
    assert name in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.pdf", b"MZ\x90\x00 executable"),  # a Windows program renamed to .pdf
        ("伪装.png", UPLOAD_SAMPLES["jpg"]),
        ("伪装.jpg", UPLOAD_SAMPLES["png"]),
        ("伪装.zip", UPLOAD_SAMPLES["pdf"]),
        ("伪装.docx", UPLOAD_SAMPLES["zip"]),  # a ZIP without Word parts
        ("伪装.xlsx", UPLOAD_SAMPLES["docx"]),  # a Word file renamed to .xlsx
        ("伪装.docx", b"PK\x03\x04 not really a zip"),
        ("文本.pdf", "这只是一段文字".encode()),
    ],
)
def test_content_must_match_the_extension(name, content):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content))
    assert excinfo.value.code == "upload_content"
    assert "内容与扩展名" in excinfo.value.messages[0]


def test_size_limit_comes_from_settings(settings):
    settings.UPLOAD_MAX_MB = 1
    at_limit = UPLOAD_SAMPLES["pdf"] + b"\x00" * (1024 * 1024 - len(UPLOAD_SAMPLES["pdf"]))
    assert validate_upload(SimpleUploadedFile("大文件.pdf", at_limit)).size == 1024 * 1024
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile("大文件.pdf", at_limit + b"\x00"))
    assert excinfo.value.code == "upload_size"
    assert "1 MB" in excinfo.value.messages[0]


def test_default_limit_is_twenty_megabytes():
    from django.conf import settings

    assert settings.UPLOAD_MAX_MB == 20


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile("空.pdf", b""))
    assert excinfo.value.code == "upload_empty"


def test_allowed_extensions_come_from_settings(settings):
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["pdf"]
    with pytest.raises(ValidationError):
        validate_upload(make_upload("png", "照片.png"))


def test_validation_leaves_the_file_readable_from_the_start():
    upload = make_upload("docx", "报告.docx")
    validate_upload(upload)
    assert upload.read() == UPLOAD_SAMPLES["docx"]


def test_very_long_names_are_shortened_keeping_the_extension():
    check = validate_upload(make_upload("pdf", "很" * 300 + ".pdf"))
    assert len(check.original_name) == 255
    assert check.original_name.endswith("很.pdf")


def test_storage_name_is_generated():
    names = {upload_to(ContractDocument(), "../../etc/合同 正本.PDF") for _ in range(3)}
    assert len(names) == 3
    year = timezone.localdate().year
    for name in names:
        assert re.fullmatch(rf"contracts/{year}/[0-9a-f]{{32}}\.pdf", name)


def test_file_response_uses_the_original_name(tmp_path):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    stored = storage.save("contracts/2026/abc.pdf", make_upload())

    class Stored:
        handle = None

        def open(self, mode):
            self.handle = storage.open(stored, mode)
            return self.handle

    source = Stored()
    response = file_response(None, source, original_name="合同正本.pdf", content_type="application/pdf", sha256="")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%90%88%E5%90%8C%E6%AD%A3%E6%9C%AC.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == UPLOAD_SAMPLES["pdf"]
    source.handle.close()
