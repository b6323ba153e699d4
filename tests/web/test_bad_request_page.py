"""A request Django refuses outright (e.g. an oversized upload) gets a readable page."""

from __future__ import annotations

from django.template import loader


def test_the_400_page_renders_without_a_request_context() -> None:
    html = loader.get_template("400.html").render()
    assert "Yêu cầu không hợp lệ" in html
    assert "Không có thay đổi nào được ghi" in html
