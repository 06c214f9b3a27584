"""The shared PDF toolkit: CJK font with a fallback, escaped user text, tables that repeat their header."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from core import pdf

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
needs_wqy = pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-microhei is not installed")


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


@pytest.fixture
def no_font_files(monkeypatch):
    """A machine without any CJK font file."""
    monkeypatch.delenv(pdf.FONT_ENV_VAR, raising=False)
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())


def test_escape_keeps_markup_literal_and_line_breaks():
    assert pdf.escape("<b>A&B</b>") == "&lt;b&gt;A&amp;B&lt;/b&gt;"
    assert pdf.escape("第一行\n第二行") == "第一行<br/>第二行"
    assert pdf.escape(None) == ""
    assert pdf.escape(2025) == "2025"


@needs_wqy
def test_truetype_font_is_found_and_embedded(monkeypatch):
    monkeypatch.delenv(pdf.FONT_ENV_VAR, raising=False)
    name = pdf.cjk_font_name()
    assert name == "QiyueCJK-wqy-microhei"
    assert pdf.font_is_embedded(name)
    data = pdf.build_pdf([pdf.paragraph("锡林郭勒盟蒙古族传统文化促进会", pdf.stylesheet().body)], title="测试")
    assert b"/FontFile2" in data  # the TrueType subset is embedded


def test_document_has_title_date_page_numbers_and_chinese_text():
    report = pdf.Report("社会组织名录", generated_on=datetime.date(2026, 7, 1))
    report.heading("基本信息")
    report.paragraph("呼和浩特市新城区夕阳红养老服务中心")
    data = report.render()
    assert data.startswith(b"%PDF")
    (text,) = pages_text(data)
    assert "社会组织名录" in text
    assert "生成日期：2026-07-01" in text
    assert "第 1 页" in text
    assert "呼和浩特市新城区夕阳红养老服务中心" in text


def test_user_text_with_markup_survives_literally():
    name = "包头市<b>青山区</b>社会工作者协会&联合会"
    report = pdf.Report(name)
    report.key_values([("名称", name)])
    report.table(["名称", "备注"], [[name, "<para>未闭合的 <i>标签"]])
    report.paragraph(name)
    (text,) = pages_text(report.render())
    assert text.count(name) >= 3
    assert "<para>未闭合的 <i>标签" in text


def test_long_table_repeats_its_header_on_every_page():
    rows = [[f"{number:03d}", f"鄂尔多斯市东胜区第{number}社区服务站", "合格"] for number in range(1, 121)]
    report = pdf.Report("长表")
    report.table(["序号", "单位名称", "年检结论"], rows, col_widths=(1, 4, 2))
    texts = pages_text(report.render())
    assert len(texts) >= 3
    for text in texts:
        assert "序号" in text and "单位名称" in text and "年检结论" in text
    assert "第2社区" not in texts[1]
    assert "120" in texts[-1]
    assert f"第 {len(texts)} 页" in texts[-1]


def test_empty_table_shows_the_sentence_instead():
    report = pdf.Report("空表")
    report.table(["年度", "结论"], [], empty="无年度检查记录。")
    (text,) = pages_text(report.render())
    assert "无年度检查记录。" in text
    assert "结论" not in text


def test_column_widths_must_match_the_header():
    with pytest.raises(ValueError, match="3 columns but 2 column widths"):
        pdf.data_table(["甲", "乙", "丙"], [], col_widths=(1, 2))


def test_without_font_files_the_cid_fallback_still_renders(no_font_files):
    assert pdf.cjk_font_name() == pdf.FALLBACK_CID_FONT
    assert not pdf.font_is_embedded(pdf.FALLBACK_CID_FONT)
    report = pdf.Report("回退字体")
    assert report.font_name == pdf.FALLBACK_CID_FONT
    report.key_values([("名称", "阿拉善盟骆驼产业协会<b>&")])
    data = report.render()
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" not in data
    assert b"STSong-Light" in data
    (text,) = pages_text(data)
    # pypdf maps the CID font's UniGB-UCS2-H codes back to Unicode.
    assert "阿拉善盟骆驼产业协会<b>&" in text


def test_unusable_font_file_is_skipped(no_font_files, monkeypatch, tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all")
    monkeypatch.setenv(pdf.FONT_ENV_VAR, str(broken))
    assert pdf.font_candidates() == [broken]
    assert pdf.cjk_font_name() == pdf.FALLBACK_CID_FONT


@needs_wqy
def test_environment_variable_font_comes_first(no_font_files, monkeypatch):
    monkeypatch.setenv(pdf.FONT_ENV_VAR, str(WQY))
    assert pdf.font_candidates()[0] == WQY
    assert pdf.cjk_font_name() == "QiyueCJK-wqy-microhei"


def test_an_issued_pdf_carries_office_number_time_verification_url_qr_and_seal():
    url = "https://qiyue.example.cn/verify/QY2026-000007/"
    assert pdf.qr_code(url).contents[0].value == url
    report = pdf.Report("社会组织信用报告")
    report.paragraph("正文")
    issued_at = datetime.datetime(2026, 7, 1, 2, 30, tzinfo=datetime.UTC)
    issue = pdf.Issue(office="呼和浩特市民政局", number="QY2026-000007", issued_at=issued_at, verify_url=url, seal=True)
    content = report.render(issue)
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert "发文机关：呼和浩特市民政局" in text and "文号：QY2026-000007" in text
    assert "生成时间：2026-07-01 10:30" in text  # in the site's time zone
    assert url in text and "（盖章处）" in text


def test_the_content_key_follows_the_content_not_the_time():
    def build(value):
        report = pdf.Report("目录", landscape=True)
        report.table(["编号", "服务期限"], [["HW2026-01", value]], whole_words=(0, 1))
        return report.content_key()

    assert build("2026-03-01 至 2026-12-31") == build("2026-03-01 至 2026-12-31")
    assert build("2026-03-01 至 2026-12-31") != build("2026-03-01 至 2027-12-31")
