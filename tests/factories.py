import factory

from learnweek.accounts.models import User

PASSWORD = "test-pass-2026!"


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff account of ``unit`` holding ``roles``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        roles = ()

    username = factory.Sequence(lambda n: f"staff{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.django.Password(PASSWORD)
    is_unit_admin = factory.LazyAttribute(lambda o: "admin" in o.roles)
    is_reporter = factory.LazyAttribute(lambda o: "reporter" in o.roles)
    is_reviewer = factory.LazyAttribute(lambda o: "reviewer" in o.roles)
