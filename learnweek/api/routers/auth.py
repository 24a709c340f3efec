from ninja import Router, Schema, Status

from learnweek.accounts.residents import otp_send, resident_sign_in
from learnweek.accounts.selectors import api_tokens_of
from learnweek.accounts.services import api_token_create, api_token_issue, api_token_revoke
from learnweek.api.schemas import ApiTokenOut, ErrorOut, Id, TokenIn, TokenOut
from learnweek.core.errors import DomainError, PermissionDenied
from learnweek.core.ratelimits import limit
from learnweek.privacy.notice import current_version, notice_sections
from learnweek.privacy.selectors import needs_consent
from learnweek.privacy.services import consent_decline, consent_give

router = Router(tags=["auth"])


@router.post("/token", response={200: TokenOut, 400: ErrorOut}, auth=None, summary="用用户名和密码换取令牌")
def token(request, payload: TokenIn):
    return TokenOut(
        token=api_token_issue(
            username=payload.username, password=payload.password, otp=payload.otp, request=request
        )
    )


class CodeIn(Schema):
    phone: str


class CodeOut(Schema):
    sent: bool = True
    phone: str


class ResidentTokenIn(Schema):
    phone: str
    code: str
    name: str = ""
    # The version of the privacy notice (GET /auth/privacy-notice) the resident has read and
    # agreed to in the app; required until the account has agreed to the current version.
    consent_version: str = ""


class NoticeSectionOut(Schema):
    heading: str
    text: str


class NoticeOut(Schema):
    version: str
    sections: list[NoticeSectionOut]


@router.post(
    "/code",
    response={202: CodeOut, 400: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    auth=None,
    summary="向手机号发送登录验证码（居民）",
)
def code(request, payload: CodeIn):
    phone = otp_send(phone=payload.phone, before_send=lambda: limit(request, "code"))
    return Status(202, CodeOut(phone=f"{phone[:3]}****{phone[-4:]}"))


@router.post(
    "/resident-token",
    response={200: TokenOut, 400: ErrorOut, 403: ErrorOut},
    auth=None,
    summary="用手机号和验证码换取居民令牌",
)
def resident_token(request, payload: ResidentTokenIn):
    """A resident who has not agreed to the current privacy notice gets no token unless the
    request carries ``consent_version`` equal to the current version (the app showed the notice
    and the resident tapped 同意): the consent is then recorded (channel ``api``). Otherwise 403
    ``consent_required``, and an account made by this very request is not kept."""
    user = resident_sign_in(phone=payload.phone, code=payload.code, full_name=payload.name)
    if needs_consent(user):
        if not payload.consent_version:
            consent_decline(user=user)
            raise PermissionDenied(
                f"请先向居民展示个人信息处理告知（GET /api/auth/privacy-notice，当前版本 {current_version()}），"
                "居民同意后在请求中带上 consent_version。",
                code="consent_required",
            )
        try:
            consent_give(user=user, version=payload.consent_version, channel="api", request=request)
        except DomainError:
            consent_decline(user=user)
            raise
    return TokenOut(token=api_token_create(user=user))


@router.get("/privacy-notice", response=NoticeOut, auth=None, summary="居民个人信息处理告知（当前版本）")
def privacy_notice(request):
    return NoticeOut(
        version=current_version(),
        sections=[NoticeSectionOut(heading=s.heading, text=s.text) for s in notice_sections()],
    )


@router.get("/tokens", response=list[ApiTokenOut], summary="我的令牌（创建、最近使用与到期时间）")
def tokens(request):
    return [
        {
            "id": t.pk,
            "created": t.created,
            "last_used": t.last_used,
            "expires_at": t.expires_at,
            "state": t.state_label,
            "current": t.pk == request.api_token.pk,
        }
        for t in api_tokens_of(request.auth)
    ]


@router.delete(
    "/tokens/{pk}", response={204: None, 404: ErrorOut}, summary="撤销我的一个令牌（可撤销本次所用的令牌）"
)
def token_revoke(request, pk: Id):
    api_token_revoke(actor=request.auth, pk=pk)
    return Status(204, None)
