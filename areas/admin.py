from django.contrib import admin

from .models import RT, Kecamatan, Kelurahan


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("name", "kecamatan")
    list_filter = ("kecamatan",)
    list_select_related = ("kecamatan",)


@admin.register(RT)
class RTAdmin(admin.ModelAdmin):
    list_display = ("label", "kelurahan")
    list_filter = ("kelurahan__kecamatan",)
    list_select_related = ("kelurahan",)
    search_fields = ("kelurahan__name",)
