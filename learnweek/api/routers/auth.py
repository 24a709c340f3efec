from ninja import Router, Schema, Status

from learnweek.accounts.residents import otp_send, resident_token_issue
from learnweek.accounts.selectors import api_tokens_of
from learnweek.accounts.services import api_token_issue, api_token_revoke
from learnweek.api.schemas import ApiTokenOut, ErrorOut, Id, TokenIn, TokenOut
from learnweek.core.ratelimits import limit

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
    response={200: TokenOut, 400: ErrorOut},
    auth=None,
    summary="用手机号和验证码换取居民令牌",
)
def resident_token(request, payload: ResidentTokenIn):
    return TokenOut(
        token=resident_token_issue(phone=payload.phone, code=payload.code, full_name=payload.name)
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
