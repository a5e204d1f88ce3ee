from django.contrib import admin

from hpregister.admin import ScopedAdmin

from .models import BreachCount


@admin.register(BreachCount)
class BreachCountAdmin(ScopedAdmin):
    list_display = ["year", "category", "count", "period_note"]
    list_filter = ["year", "category"]
