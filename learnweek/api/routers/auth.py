from ninja import Router

from learnweek.accounts.services import api_token_issue
from learnweek.api.schemas import ErrorOut, TokenIn, TokenOut

router = Router(tags=["auth"])


@router.post("/token", response={200: TokenOut, 400: ErrorOut}, auth=None, summary="用用户名和密码换取令牌")
def token(request, payload: TokenIn):
    return TokenOut(token=api_token_issue(username=payload.username, password=payload.password))
