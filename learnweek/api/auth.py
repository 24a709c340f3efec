from ninja.security import HttpBearer

from learnweek.accounts.selectors import api_token_check
from learnweek.core.errors import PermissionDenied
from learnweek.privacy.selectors import needs_consent


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a token from `POST /api/v1/auth/token`. A token that
    has expired, or whose account was deactivated or got a new password since, answers 401 with
    the reason (``api_token_check``)."""

    def authenticate(self, request, token):
        api_token = api_token_check(token)
        user = api_token.user
        if not user.is_staff_member:
            return None
        request.user = user
        request.api_token = api_token
        return user


class ResidentToken(HttpBearer):
    """A resident's token, from `POST /api/v1/auth/resident-token` (mobile number and code)."""

    def authenticate(self, request, token):
        api_token = api_token_check(token)
        user = api_token.user
        if user.unit_id is not None or user.is_superuser or not user.phone:
            return None
        if needs_consent(user):  # a token older than the notice's current version asks again
            raise PermissionDenied(
                "个人信息处理规则已更新，请先阅读并同意新版规则（GET /api/v1/auth/privacy-notice），"
                "再用验证码和 consent_version 重新换取令牌。",
                code="consent_required",
            )
        request.user = user
        request.api_token = api_token
        return user
