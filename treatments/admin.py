from django.contrib import admin

from treatments.models import Area, Ingredient, Treatment


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "indication",
        "sessions_default",
        "interval_default_days",
        "maintenance_every_days",
        "is_active",
    ]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["ingredients", "practitioners"]
    inlines = [AreaInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "indication", "is_active", "position")}),
        ("Public page", {"fields": ("summary", "what_it_treats", "downtime", "results")}),
        (
            "Protocol",
            {
                "description": "Every course stays within the clinic's 4 to 10 sessions.",
                "fields": (
                    ("sessions_min", "sessions_default", "sessions_max"),
                    ("interval_min_days", "interval_default_days", "interval_max_days"),
                    "maintenance_every_days",
                ),
            },
        ),
        ("Ingredients and practitioners", {"fields": ("ingredients", "practitioners")}),
    )


@admin.register(Ingredient)
class IngredientAdmin(admin.ModelAdmin):
    search_fields = ["name"]
