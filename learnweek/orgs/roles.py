"""The roles a staff account holds in its unit.

They live beside the unit tree because the guard of every write (``orgs.selectors.require_role``
and ``campaigns.access.require``) checks them; ``accounts`` stores which an account holds
(``accounts.models.ROLE_FIELDS``).
"""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "管理员"
    REPORTER = "reporter", "填报员"
    REVIEWER = "reviewer", "审核员"
