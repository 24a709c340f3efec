"""The one-time links of staff accounts (activation and password reset), signed as Django's
password-reset links are: the token is an HMAC over the account's id, its password hash, its
last sign-in and the time, so it ends when the password is set (used once), when the account
signs in, and after ``PASSWORD_RESET_TIMEOUT`` seconds. Each purpose has its own salt: an
activation link cannot be used as a reset link or the other way round."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from learnweek.accounts.models import User


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "learnweek.accounts.tokens.ActivationTokenGenerator"


class ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "learnweek.accounts.tokens.ResetTokenGenerator"


GENERATORS: dict[str, PasswordResetTokenGenerator] = {
    "activate": ActivationTokenGenerator(),
    "reset": ResetTokenGenerator(),
}
URL_NAMES = {"activate": "account_activate_link", "reset": "password_reset_link"}


def link_path(user: User, purpose: str) -> str:
    """The path of ``user``'s one-time link for ``purpose`` ("activate" or "reset")."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(URL_NAMES[purpose], args=[uid, GENERATORS[purpose].make_token(user)])


def user_of_link(uidb64: str, token: str, purpose: str) -> User | None:
    """The active staff account the link was made for, while it is valid; None otherwise."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True, unit__isnull=False).first()
    if user is None or not GENERATORS[purpose].check_token(user, token):
        return None
    return user
