"""Handing work to Celery without losing it: when the broker cannot be reached, the caller is
told at once, in words it can show the user, instead of the work vanishing."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from kombu.exceptions import OperationalError

from learnweek.core.errors import DomainError

logger = logging.getLogger(__name__)

# A few quick retries ride out a broker restart; a broker that stays down is reported within
# about two seconds rather than holding the request.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}


def enqueue(task: Task, *, what: str, **kwargs: Any) -> None:
    """Queue ``task`` with ``kwargs`` (runs at once where no broker is configured). ``what`` names
    the work in the refusal: “消息队列暂时不可用，{what}没有发出……”."""
    try:
        task.apply_async(kwargs=kwargs, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, OSError) as exc:
        logger.error("broker unreachable, %s not queued: %s", task.name, exc)
        raise DomainError(
            f"消息队列暂时不可用，{what}没有发出（没有丢失任何数据）；请稍后重试，或告知系统管理员。",
            code="queue_unavailable",
        ) from exc
