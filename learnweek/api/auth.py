from ninja.security import HttpBearer

from learnweek.accounts.selectors import user_for_api_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a token from `POST /api/v1/auth/token`."""

    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is None or not user.is_staff_member:
            return None
        request.user = user
        return user


class ResidentToken(HttpBearer):
    """A resident's token, from `POST /api/v1/auth/resident-token` (mobile number and code)."""

    def authenticate(self, request, token):
        user = user_for_api_token(token)
        if user is None or user.unit_id is not None or user.is_superuser or not user.phone:
            return None
        request.user = user
        return user
