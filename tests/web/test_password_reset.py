"""Password reset by e-mail, for everyone: Django's own views, Vietnamese pages and mail."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client


def link_in(message: Any) -> str:
    found = re.search(r"http://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_login_page_offers_a_forgotten_password_link(client: Client, db: Any) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/password-reset/">Quên mật khẩu?</a>' in page


def test_an_official_resets_their_password_from_the_mailed_link(
    client: Client, officer: User
) -> None:
    mail.outbox.clear()
    response = client.post("/accounts/password-reset/", {"email": "OFFICER_SYT@example.vn"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert "Kiểm tra hộp thư" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email] and message.subject == "pilot06: đặt lại mật khẩu"
    assert "Tên đăng nhập: officer_syt" in message.body
    form = client.get(link_in(message), follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Mới-an-toàn-2026", "new_password2": "Mới-an-toàn-2026"},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password("Mới-an-toàn-2026")
    # The link was for one use.
    assert (
        "Liên kết không còn dùng được" in client.get(link_in(message), follow=True).content.decode()
    )


def test_an_unknown_or_locked_address_gets_the_same_answer_and_no_mail(
    client: Client, officer: User
) -> None:
    mail.outbox.clear()
    assert (
        client.post("/accounts/password-reset/", {"email": "nobody@example.vn"})["Location"]
        == "/accounts/password-reset/sent/"
    )
    officer.is_active = False
    officer.save()
    assert (
        client.post("/accounts/password-reset/", {"email": officer.email})["Location"]
        == "/accounts/password-reset/sent/"
    )
    assert mail.outbox == []


def test_an_invited_official_without_a_password_can_ask_for_a_new_link(
    client: Client, db: Any
) -> None:
    user = User.objects.create_user("moi", "moi@example.vn")
    assert not user.has_usable_password()
    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": "moi@example.vn"})
    assert [m.to for m in mail.outbox] == [["moi@example.vn"]]
