from ninja.security import HttpBearer

from learnweek.accounts.selectors import api_token_check


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
        request.user = user
        request.api_token = api_token
        return user
