"""Device cookies: trusted only for the username they were signed for, and only as the server signed them."""

from __future__ import annotations

from api.http.devices import device_cookie, trusted_device

KEY = "k" * 48


def test_a_device_cookie_is_trusted_for_the_username_it_was_signed_for_and_names_the_device() -> None:
    cookie = device_cookie("colin", KEY)

    assert trusted_device(cookie, "colin", KEY) == cookie.split(".")[0]


def test_a_device_cookie_is_not_trusted_for_another_username_another_key_or_when_altered() -> None:
    cookie = device_cookie("colin", KEY)
    nonce, signature = cookie.split(".")

    assert trusted_device(cookie, "ada", KEY) is None
    assert trusted_device(cookie, "colin", "another key, not the server's") is None
    assert trusted_device(f"{nonce}x.{signature}", "colin", KEY) is None
    assert trusted_device(f"{nonce}.{signature}.extra", "colin", KEY) is None
    assert trusted_device(None, "colin", KEY) is None


def test_each_sign_in_makes_a_new_device_id() -> None:
    assert device_cookie("colin", KEY) != device_cookie("colin", KEY)
