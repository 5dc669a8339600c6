"""Django admin for operators (OPS-4), through the same tenant-safe querysets as the product.

Platform operators (superusers) see every organization through the explicit ``for_operators()`` entry point; any
other staff user sees only what their membership may see through ``visible_to(member)``. Fields that hold secrets
or their hashes never appear in an admin form, list or detail page.
"""

from django.contrib import admin

SECRET_FIELD_MARKERS = ("hash", "secret", "token", "password", "key_material")


def is_secret_field(name: str) -> bool:
    return name != "public_id" and any(marker in name for marker in SECRET_FIELD_MARKERS)


class TenantAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        manager = self.model._default_manager
        if request.user.is_superuser:
            queryset = manager.for_operators()
        else:
            # The acting member, set by accounts' middleware for every request (the admin's too).
            queryset = manager.visible_to(getattr(request, "member", None))
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        excluded += [f.name for f in self.model._meta.fields if is_secret_field(f.name)]
        return excluded

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if not is_secret_field(f)]

    def get_list_display(self, request):
        return [f for f in super().get_list_display(request) if not (isinstance(f, str) and is_secret_field(f))]

    def has_add_permission(self, request):
        # Tenant rows are created by the product's services (signup, invitations, uploads), which write the audit
        # trail; operators inspect and correct them here.
        return False
