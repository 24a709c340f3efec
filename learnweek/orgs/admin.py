from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from learnweek.orgs.models import Designation, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "division_type", "is_municipality")
    list_filter = ("kind", "is_municipality", "institution_type")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth", "numchild")


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "kind", "year")
    list_filter = ("kind", "year")
    raw_id_fields = ("unit",)
