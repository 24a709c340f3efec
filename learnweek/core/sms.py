"""Text messages (one-time codes, waiting-list news) through a configurable backend, as Django
sends e-mail: ``settings.SMS_BACKEND`` names a class with ``send(phone, text)``. The console
backend prints; the locmem backend keeps an outbox for tests; a real gateway is one small class."""

from __future__ import annotations

import logging
import sys
from collections import deque

from django.conf import settings
from django.utils.module_loading import import_string

from learnweek.core.phones import mask_phones

logger = logging.getLogger(__name__)

# Messages sent by the console and locmem backends, newest last: (phone, text). Tests read it; the
# demo shows a resident the code it would have received.
outbox: deque[tuple[str, str]] = deque(maxlen=1000)


class ConsoleBackend:
    """Writes each message to standard output (the runserver console), as Django's console
    e-mail backend does. The development default."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))
        sys.stdout.write(f"[短信] {phone}: {text}\n")
        sys.stdout.flush()


class LocmemBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


class LogBackend:
    """Logs the message with the number masked (production without a gateway: nothing leaks)."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS not sent (no gateway configured) to %s", mask_phones(phone))


def last_message_to(phone: str) -> str:
    return next((text for to, text in reversed(outbox) if to == phone), "")


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
