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
