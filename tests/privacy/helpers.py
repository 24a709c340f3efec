"""Signing a resident in through the pages, as the resident does."""

from __future__ import annotations

from django.urls import reverse


def web_sign_in(client, texts, phone="13812345678", name="李阿姨", next_url="/me/"):
    """Name and number, then the code of the text message; the response to the code's POST."""
    url = reverse("public:sign_in")
    texts.sent(client.post, url, {"phone": phone, "name": name, "next": next_url})
    return client.post(url, {"phone": phone, "name": name, "code": texts.last_code(), "next": next_url})
