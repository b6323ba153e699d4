"""The PDFs, read back with poppler: NĐ 30/2020 header, figures, anchor, fonts, escaping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from approvals import audit
from province.models import ReportProfile
from reports import pdf
from tests.factories import Driver
from tests.reports.conftest import ClientFor, at
from tests.reports.helpers import flat_text, needs_poppler, pdf_fonts, pdf_pages, pdf_text

pytestmark = needs_poppler

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DATE_LINE = re.compile(r"Nghệ An, ngày \d{2} tháng (0[12]|[3-9]|1[0-2]) năm \d{4}")


@pytest.fixture
def province(drive: Driver) -> None:
    with at(0):
        ReportProfile.objects.exclude(kind="funding").update(
            signing_prefix="KT. GIÁM ĐỐC",
            signing_title="Phó Giám đốc",
            signing_name="Nguyễn Văn An",
        )
        drive.completed(6, deadline="2026-03-31")
        drive.deploying(21, deadline="2026-01-20", is_sample=True)
        drive.register(22, deadline="2026-06-30", is_sample=True)
        drive.funding_requested(23, deadline="2026-06-30", is_sample=True)
    with at(30):
        drive.register(24, deadline="2026-12-31", is_sample=True)


def get_pdf(client: Any, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_nd30_header(document: bytes, symbol: str) -> None:
    first = pdf_pages(document)[0]
    assert NATION in first and MOTTO in first
    assert f"/{symbol}" in first
    # The Số line and the date line sit on the same row.
    row = next(line for line in first.splitlines() if "Số:" in line)
    assert DATE_LINE.search(row), row
    assert "Nơi nhận:" in pdf_text(document)


def assert_one_serif_family(document: bytes) -> None:
    fonts = pdf_fonts(document)
    assert fonts
    assert all(
        name.startswith(("LiberationSerif", "Liberation-Serif", "DejaVuSerif")) for name in fonts
    ), fonts
    assert not any("Sans" in name for name in fonts), fonts


@pytest.mark.usefixtures("province")
def test_the_progress_report_is_an_nd30_document_with_the_three_numbers_and_the_anchor(
    browser: ClientFor,
) -> None:
    with at(40):
        document = get_pdf(browser("police"), "/reports/progress.pdf?period=month&date=2026-02-05")
        seq, head_hash = audit.head()
    assert_nd30_header(document, "BC-CAT")
    text = flat_text(document)
    assert "Nghệ An, ngày 14 tháng 02 năm 2026" in text
    assert "tháng 02 năm 2026" in text
    assert "1 mô hình hoàn thành; 1 mô hình đang triển khai; 3 mô hình chưa triển khai" in text
    assert head_hash in text and f"mục số {seq}," in text
    assert "Dữ liệu mẫu" in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and "Nguyễn Văn An" in text
    assert "- Lưu: VT, PC06." in text
    assert "Quá hạn" in text and "Thẩm định đăng ký" in text
    assert_one_serif_family(document)


@pytest.mark.usefixtures("province")
def test_page_numbers_are_centred_at_the_top_from_page_two(
    browser: ClientFor, settings: Any
) -> None:
    settings.PILOT06_STUCK_DAYS = 30
    with at(40):
        document = get_pdf(browser("leader"), "/reports/progress.pdf")
    pages = pdf_pages(document)
    assert len(pages) >= 2
    assert pages[0].lstrip().startswith("UBND")
    for number, page in enumerate(pages[1:], start=2):
        assert page.strip().splitlines()[0].strip() == str(number)


@pytest.mark.usefixtures("province")
def test_the_funding_report_comes_from_finance_with_vnd_totals(browser: ClientFor) -> None:
    with at(40):
        document = get_pdf(browser("finance"), "/reports/funding.pdf")
    assert_nd30_header(document, "BC-STC")
    text = flat_text(document)
    assert "SỞ TÀI CHÍNH" in text
    # Three rounds of 1.250.000.000 (factories): two approved at 1.000.000.000, one being appraised.
    assert "Tổng số đề nghị 3.750.000.000 đồng; đã phê duyệt 2.000.000.000 đồng" in text
    assert "còn chênh lệch 1.750.000.000 đồng, trong đó 1.250.000.000 đồng đang thẩm định" in text
    assert "Tổng cộng" in text and "NS tỉnh – chi thường xuyên" in text
    assert_one_serif_family(document)


@pytest.mark.usefixtures("province")
def test_the_accountability_report_names_the_heads(browser: ClientFor) -> None:
    with at(40):
        document = get_pdf(browser("inspector"), "/reports/accountability.pdf")
    assert_nd30_header(document, "BC-CAT")
    text = flat_text(document)
    assert "Thủ trưởng SYT" in text and "Hoàn thành trễ" in text
    assert audit.head()[1] in text
    assert_one_serif_family(document)


@pytest.mark.usefixtures("province")
def test_a_model_record_has_details_decisions_and_its_audit_trail(browser: ClientFor) -> None:
    from workflows.models import PilotModel

    pm = PilotModel.objects.get(number=6)
    with at(40):
        document = get_pdf(browser("officer"), f"/reports/pilot-models/{pm.pk}.pdf")
    assert_nd30_header(document, "BC-CAT")
    text = flat_text(document)
    assert "HỒ SƠ MÔ HÌNH ĐIỂM" in text and "Mô hình 6" in text
    assert "Thẩm định đăng ký" in text and "Ký duyệt hoàn thành" in text
    assert "NHẬT KÝ KIỂM TOÁN" in text and "Đăng ký mô hình" in text
    assert_one_serif_family(document)


def test_user_text_is_printed_as_text_and_fetches_nothing(
    drive: Driver, browser: ClientFor, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = '<link rel="stylesheet" href="file:///etc/passwd"><img src="http://example.com/x.png"> =SUM(1)'
    pm = drive.register(7, title=title)
    settings.PILOT06_PDF_ISOLATE = False  # lay out in this process, so the spy sees every fetch
    asked: list[str] = []
    real = pdf.static_path

    def spy(url: str) -> str | None:
        asked.append(url)
        return real(url)

    monkeypatch.setattr(pdf, "static_path", spy)
    document = get_pdf(browser("police"), f"/reports/pilot-models/{pm.pk}.pdf")
    text = flat_text(document)
    assert '<link rel="stylesheet" href="file:///etc/passwd">' in text.replace("\n", "")
    assert asked == [f"{pdf.BASE_URL}static/reports/document.css"]


def test_the_fetcher_serves_static_files_and_refuses_everything_else() -> None:
    fetcher = pdf._fetcher()
    css = fetcher.fetch(f"{pdf.BASE_URL}static/reports/document.css")
    assert b"@page" in css.read()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "data:text/css,body{}",
        f"{pdf.BASE_URL}static/../project/settings.py",
        f"{pdf.BASE_URL}static/%2e%2e/project/settings.py",
        f"{pdf.BASE_URL}admin/",
        "https://evil.example/static/reports/document.css",
    ):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)


def test_the_fetcher_serves_the_hashed_copy_collectstatic_wrote(
    settings: Any, tmp_path: Path
) -> None:
    """With DEBUG off, {% static %} names the hashed file, which only STATIC_ROOT holds."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "document.0123456789ab.css").write_bytes(b"@page { size: A4 }")
    fetcher = pdf._fetcher()

    css = fetcher.fetch(f"{pdf.BASE_URL}static/reports/document.0123456789ab.css")

    assert css.read() == b"@page { size: A4 }"
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(f"{pdf.BASE_URL}static/reports/document.ffffffffffff.css")


def test_a_render_that_takes_too_long_is_stopped() -> None:
    rows = "".join(f"<tr><td>{n}</td></tr>" for n in range(3000))
    with pytest.raises(pdf.RenderError, match="longer than"):
        pdf.html_to_pdf(f"<table>{rows}</table>", timeout=0.01)


@pytest.mark.usefixtures("province")
def test_a_reader_browsing_in_english_still_gets_a_vietnamese_document(browser: ClientFor) -> None:
    from django.conf import settings

    from workflows.models import PilotModel

    pk = PilotModel.objects.get(number=6).pk
    client = browser("police")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with at(40):
        text = flat_text(get_pdf(client, "/reports/progress.pdf?period=quarter"))
        record = flat_text(get_pdf(client, f"/reports/pilot-models/{pk}.pdf"))
    assert "Nghệ An, ngày 14 tháng 02 năm 2026" in text and "quý I năm 2026" in text
    assert "Đang triển khai" in text and "Nghệ An, ngày 14 tháng 02 năm 2026" in record


def test_a_render_past_its_memory_cap_says_so(settings: Any) -> None:
    settings.PILOT06_PDF_MEMORY_MB = 1
    rows = "".join(f"<tr><td>{n}</td><td>Mô hình điểm số {n}</td></tr>" for n in range(1500))
    with pytest.raises(pdf.RenderError, match="PILOT06_PDF_MEMORY_MB"):
        pdf.html_to_pdf(f"<table>{rows}</table>", timeout=120)
