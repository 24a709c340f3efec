"""The probes a load balancer and a process manager ask: alive, and ready to work."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from learnweek.config.celery import app as celery_app
from learnweek.core import health


def test_alive_answers_whatever_the_host_and_without_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", headers={"Host": "10.0.3.7"})  # a probe by address
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_ready_names_each_dependency_and_its_time(client):
    body = client.get("/readyz").json()
    assert body["status"] == "ready" and body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())


@pytest.mark.django_db
def test_ready_says_which_dependency_is_down(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")  # nothing listens

    def no_database():
        raise OperationalError("could not connect to server")

    monkeypatch.setitem(health.CHECKS, "database", no_database)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["failed"] == ["database", "broker"]
    assert "could not connect to server" in body["checks"]["database"]["detail"]
    assert body["checks"]["cache"]["ok"]
