"""The base of every tenant API view: the scope cannot be forgotten (ORG-5, STYLE 5).

Subclasses declare ``model``, ``serializer_class``, ``required_role`` and optionally ``required_scopes``; the
queryset always comes from ``model.objects.visible_to(member)``, looked up by public id, so another organization's
object is a plain 404. ``get_queryset`` is final: ``__init_subclass__`` refuses a subclass that overrides it.
"""

from rest_framework import viewsets

from interview_analyzer.permissions import api_member


class TenantViewSet(viewsets.GenericViewSet):
    model = None
    lookup_field = "public_id"
    lookup_value_regex = r"[a-z]{2,8}_[0-9A-Za-z]{22}"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset; narrow it with refine_queryset().")

    @property
    def member(self):
        return api_member(self.request)

    def get_queryset(self):
        return self.refine_queryset(self.model.objects.visible_to(self.member))

    def refine_queryset(self, queryset):
        """Filtering, ordering and ``select_related`` on top of the visible rows; never widening them."""
        return queryset
