"""The activity week on the public side: residents browse the finder, search in Chinese, open an
activity, sign up, and are checked in; beside them a static file, the ceiling of the stack.
Driven by `make loadtest` (see loadtest/run.sh); the ids come from loadtest/prepare.py."""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

LOW, HIGH = int(os.environ["LOAD_LOW"]), int(os.environ["LOAD_HIGH"])
RESIDENTS = int(os.environ.get("LOAD_RESIDENTS", "100000"))
STATIC = os.environ["LOAD_STATIC"]  # a hashed static file's path
WORDS = ["读书", "讲座", "社区", "老年", "书法", "亲子", "非遗", "健康", "数字", "阅读分享"]


class Resident(HttpUser):
    wait_time = between(
        float(os.environ.get("LOAD_WAIT_MIN", "0.2")), float(os.environ.get("LOAD_WAIT_MAX", "1"))
    )

    @task(5)
    def browse(self):
        self.client.get(f"/activities/?page={random.randint(1, 20)}", name="browse")

    @task(3)
    def search(self):
        self.client.get(f"/activities/?q={random.choice(WORDS)}", name="search")

    @task(3)
    def open_activity(self):
        with self.client.get(
            f"/activities/{random.randint(LOW, HIGH)}/", name="open", catch_response=True
        ) as r:
            if r.status_code == 404:  # an id of an internal or ended activity: not a failure
                r.success()

    @task(1)
    def register_and_check_in(self):
        resident = random.randrange(RESIDENTS)
        with self.client.post(
            f"/api/v1/activities/{random.randint(LOW, HIGH)}/registrations",
            json={"name": f"居民{resident}"},
            headers={"Authorization": f"Bearer load-resident-{resident}"},
            name="register",
            catch_response=True,
        ) as r:
            if r.status_code in (400, 404):  # already signed up, activity ended or not public
                r.success()
                return
            code = r.json().get("code") if r.status_code == 201 else None
        if code:
            self.client.post(
                "/api/v1/checkins",
                json={"code": code},
                headers={"Authorization": "Bearer load-staff"},
                name="check in",
            )

    @task(2)
    def static(self):
        self.client.get(STATIC, name="static file (ceiling)")
