"""Issue 21, finding 10 ("smaller ones"): links other than http(s) refused by the services, the
same 404 for an unknown unit code as for one out of scope, API tokens that expire and die with
the password or the account, a pixel limit that costs nothing to enforce, and API docs that load
nothing from another host."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from learnweek.accounts.models import ApiToken
from learnweek.accounts.services import api_token_create, api_token_issue, staff_active_set
from learnweek.activities.models import Activity
from learnweek.campaigns.models import RequirementKind
from learnweek.campaigns.services import campaign_update, requirement_create
from learnweek.core.errors import DomainError
from learnweek.core.uploads import check_photo
from learnweek.materials.services import material_photo_add, material_save
from learnweek.orgs.models import UnitKind
from tests.factories import PASSWORD
from tests.helpers import COUNTY, SIBLING_COUNTY, YEAR, unit


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(user=user)}"}


# -- links ----------------------------------------------------------------------------------------


def test_a_javascript_link_is_refused_by_the_api_and_the_services(
    client, county_reporter, jilin_this_year_published
):
    start = timezone.localtime().replace(microsecond=0) + datetime.timedelta(days=3)
    response = client.post(
        "/api/v1/activities",
        {
            "campaign": jilin_this_year_published.slug,
            "organiser": COUNTY,
            "name": "线上读书会",
            "category": "themed_reading",
            "mode": "online",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=2)).isoformat(),
            "online_link": "javascript:alert(document.cookie)",
        },
        content_type="application/json",
        headers=bearer(county_reporter),
    )
    assert response.status_code == 400
    assert "线上链接“javascript:alert(document.cookie)”不是 http(s) 网址" in response.json()["message"]
    assert not Activity.objects.exists()

    with pytest.raises(DomainError, match="开幕式直播链接“javascript:alert\\(1\\)”不是 http\\(s\\) 网址"):
        campaign_update(
            actor=None, campaign=jilin_this_year_published, ceremony_stream_url="javascript:alert(1)"
        )
    jilin_this_year_published.refresh_from_db()
    assert jilin_this_year_published.ceremony_stream_url == ""


# -- unit codes -----------------------------------------------------------------------------------


def test_an_unknown_unit_code_and_one_out_of_scope_get_the_same_404(
    client, county_reporter, jilin_this_year_published
):
    """Every API operation that takes a unit code answers a code that exists outside the user's
    subtree (the sibling county) exactly as it answers a code that exists nowhere."""
    headers = bearer(county_reporter)
    plan = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.WORK_PLAN,
        title="活动周工作方案",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(YEAR, 12, 31),
    )
    urls = [
        "/api/v1/units/{}",
        f"/api/v1/campaigns/{jilin_this_year_published.slug}/stats/{{}}",
        f"/api/v1/requirements/{plan.pk}/completeness?under={{}}",
        "/api/v1/activities?under={}",
    ]
    for url in urls:
        assert client.get(url.format(COUNTY), headers=headers).status_code == 200, url
        unknown = client.get(url.format("999999"), headers=headers)
        elsewhere = client.get(url.format(SIBLING_COUNTY), headers=headers)
        assert (elsewhere.status_code, elsewhere.json()) == (unknown.status_code, unknown.json()), url
        assert unknown.status_code == 404
        assert unknown.json() == {"code": "not_found", "message": "未找到该对象，或您无权访问。"}


# -- API tokens -----------------------------------------------------------------------------------


def test_a_token_expires_after_the_configured_days_with_a_chinese_401(client, county_reporter, settings):
    settings.API_TOKEN_TTL_DAYS = 7
    issued = client.post(
        "/api/v1/auth/token",
        {"username": county_reporter.username, "password": PASSWORD},
        content_type="application/json",
    ).json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    ApiToken.objects.update(created=timezone.now() - datetime.timedelta(days=6, hours=23))
    assert client.get("/api/v1/units/220104", headers=headers).status_code == 200

    ApiToken.objects.update(created=timezone.now() - datetime.timedelta(days=7, minutes=1))
    response = client.get("/api/v1/units/220104", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.json()["message"].startswith("令牌已过期（有效期 7 天")
    assert issued["expires_in"] == 7 * 86400  # the client is told when it signs in


def test_a_new_password_ends_the_tokens_however_it_is_set(client, county_reporter):
    # The password page: the tokens are deleted with the old password.
    headers = bearer(county_reporter)
    client.force_login(county_reporter)
    new = "Chaoyang-new-2026!"
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/units/220104", headers=headers).status_code == 401
    assert not ApiToken.objects.filter(user=county_reporter).exists()
    assert client.get("/office/").status_code == 200  # the session that changed it stays signed in

    # Anywhere else (the Django admin, `set_password`): the token no longer matches the password.
    headers = {"Authorization": f"Bearer {api_token_issue(username=county_reporter.username, password=new)}"}
    assert client.get("/api/v1/units/220104", headers=headers).status_code == 200
    county_reporter.set_password("Chaoyang-admin-set-2026!")
    county_reporter.save()
    response = client.get("/api/v1/units/220104", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "code": "token_revoked",
        "message": "账号的密码已修改，此前换取的令牌已失效，请重新换取。",
    }


def test_deactivating_an_account_ends_its_tokens(client, county_admin, county_reporter):
    headers = bearer(county_reporter)
    staff_active_set(actor=county_admin, user=county_reporter, active=False)
    assert client.get("/api/v1/units/220104", headers=headers).status_code == 401
    staff_active_set(actor=county_admin, user=county_reporter, active=True)
    # Switched on again, the account signs in afresh: its old tokens do not come back.
    assert client.get("/api/v1/units/220104", headers=headers).status_code == 401
    assert not ApiToken.objects.filter(user=county_reporter).exists()

    # Deactivated elsewhere (the Django admin): the token is refused, and says why.
    headers = bearer(county_admin)
    county_admin.is_active = False
    county_admin.save()
    response = client.get("/api/v1/units/220104", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": "token_revoked", "message": "账号已停用，令牌已失效。"}


def test_a_user_lists_and_revokes_its_own_tokens(client, county_reporter, county_admin):
    first, second = bearer(county_reporter), bearer(county_reporter)
    other = bearer(county_admin)
    listed = client.get("/api/v1/auth/tokens", headers=first)
    assert listed.status_code == 200
    rows = listed.json()
    mine = set(ApiToken.objects.filter(user=county_reporter).values_list("pk", flat=True))
    assert {r["id"] for r in rows} == mine and len(mine) == 2
    assert [r["current"] for r in rows] == [False, True]  # newest first; this request used the first
    assert all(r["state"] == "有效" and r["expires_at"] for r in rows)

    theirs = ApiToken.objects.get(user=county_admin).pk
    assert client.delete(f"/api/v1/auth/tokens/{theirs}", headers=first).status_code == 404
    assert client.get("/api/v1/units/220104", headers=other).status_code == 200
    newest = rows[0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{newest}", headers=first).status_code == 204
    assert client.get("/api/v1/units/220104", headers=second).status_code == 401

    # The back office: the same list under the account menu, with a revoke button per token.
    client.force_login(county_reporter)
    page = client.get("/office/accounts/tokens/").content.decode()
    assert 'href="/office/accounts/tokens/"' in page  # the menu link
    oldest = rows[1]["id"]
    assert f"#{oldest}" in page and f"#{theirs}" not in page
    assert client.post(f"/office/accounts/tokens/{theirs}/revoke/").status_code == 404
    assert client.post(f"/office/accounts/tokens/{oldest}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(user=county_reporter).exists()
    assert ApiToken.objects.filter(user=county_admin).exists()


# -- photo pixels ---------------------------------------------------------------------------------


def flat_png(width: int, height: int) -> bytes:
    """A valid one-colour PNG written row by row (no full-size image in this process): a 60 MP one
    is about 190 KB."""
    row = b"\x00" + b"\xc8\x78\x28" * width
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_60_megapixel_png_of_190_kb_is_refused_from_its_header():
    content = flat_png(7745, 7745)
    assert len(content) < 250_000
    with pytest.raises(DomainError) as refused:
        check_photo(SimpleUploadedFile("海报.png", content, content_type="image/png"))
    assert refused.value.code == "too_many_pixels"
    assert refused.value.message == (
        "照片“海报.png”有 7745×7745 像素，超过 PNG 照片 25 百万像素的上限，请缩小后上传，或存为 JPEG。"
    )


def peak_memory_mb() -> int:
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1)) // 1024


def reset_peak_memory() -> None:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # Linux: the peak resident size starts again from the current one


@pytest.mark.skipif(
    not os.access("/proc/self/clear_refs", os.W_OK), reason="measures memory with Linux's /proc/self"
)
def test_a_48_megapixel_phone_photo_is_kept_within_bounded_memory(
    county_reporter, jilin_this_year_published, settings, tmp_path
):
    """The whole upload — the check, the public copy and the thumbnail — of a photo from a 48 MP
    phone sensor (8000×6000) stays within 150 MB (it took about 450 MB: three full decodings)."""
    settings.MEDIA_ROOT = tmp_path
    summary = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.WORK_SUMMARY,
        title="年度工作总结",
        applies_to=[UnitKind.COUNTY],
        deadline=datetime.date(YEAR, 12, 31),
    )
    draft = material_save(actor=county_reporter, requirement=summary, unit=unit(COUNTY), title="年度工作总结")
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), (200, 120, 40)).save(buffer, format="JPEG", quality=90)
    upload = SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")
    del buffer

    reset_peak_memory()
    before = peak_memory_mb()
    photo = material_photo_add(actor=county_reporter, submission=draft, upload=upload, caption="读书会现场")
    used = peak_memory_mb() - before

    assert (photo.width, photo.height) == (8000, 6000)
    assert Image.open(photo.public).size == (1920, 1440)
    assert Image.open(photo.thumb).size == (480, 360)
    assert used < 150, f"the upload took {used} MB"


# -- API docs -------------------------------------------------------------------------------------


def test_the_api_docs_load_nothing_from_another_host_and_run_under_the_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert addresses, page
    assert all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "<script>" not in page  # no inline script: the CSP would block it
    assert "SwaggerUIBundle" not in page and "/static/ninja/swagger-ui-bundle.js" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium: install Debian's `chromium` package")
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_works_under_the_csp_from_this_server_alone(live_server, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        requested, problems = [], []
        page.on("request", lambda r: requested.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/api/v1/docs")
        page.get_by_text("learnweek API").first.wait_for(timeout=15_000)
        page.get_by_text("/api/v1/auth/token").first.wait_for()
        browser.close()
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested
    assert problems == []
