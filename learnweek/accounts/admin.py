from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from learnweek.accounts.models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = (
        "username",
        "full_name",
        "unit",
        "is_unit_admin",
        "is_reporter",
        "is_reviewer",
        "is_active",
    )
    list_filter = ("is_unit_admin", "is_reporter", "is_reviewer", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "unit__name")
    raw_id_fields = ("unit",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]  # django-stubs leave UserAdmin.fieldsets ModelAdmin's Optional; Django sets a tuple
        (
            "单位与角色",
            {"fields": ("full_name", "phone", "unit", "is_unit_admin", "is_reporter", "is_reviewer")},
        ),
    )
