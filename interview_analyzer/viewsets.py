"""The base of every tenant API view set: the scope cannot be forgotten (ORG-5, STYLE 5).

Subclasses declare ``model``, ``serializer_class``, the roles they need (``read_role`` for safe methods,
``write_role`` for the rest; admin unless declared, so a forgotten declaration fails closed) and optionally
``required_scopes`` for API keys (KEY-4). The queryset always comes from ``model.objects.visible_to(member)``,
looked up by public id, so another organization's object is a plain 404. ``get_queryset`` is final:
``__init_subclass__`` refuses a subclass that overrides it. Writes are calls to a service; a service's
``ValidationError`` becomes a 400 and its ``PermissionDenied`` a 403 through ``api_errors.exception_handler``.
"""

from rest_framework import status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from interview_analyzer.permissions import api_member
from interview_analyzer.public_ids import PUBLIC_ID_REGEX
from interview_analyzer.roles import Role


class TenantViewSet(viewsets.GenericViewSet):
    model = None
    lookup_field = "public_id"
    lookup_value_regex = PUBLIC_ID_REGEX
    lookup_value_converter = "pid"  # ``path()`` routes with the project's public-id converter
    read_role: Role = Role.ADMIN
    write_role: Role = Role.ADMIN
    filter_serializer_class = None
    # query parameter -> ORM lookup, applied to lists only, on top of the visible rows
    filter_lookups: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset; narrow it with refine_queryset().")

    @property
    def required_role(self) -> Role:
        """What ``RolePermission`` checks (ORG-3): the read role for safe methods, the write role otherwise."""
        return self.read_role if self.request.method in SAFE_METHODS else self.write_role

    @property
    def member(self):
        return api_member(self.request)

    def get_queryset(self):
        return self.refine_queryset(self.model.objects.visible_to(self.member))

    def refine_queryset(self, queryset):
        """Filtering, ordering and ``select_related`` on top of the visible rows; never widening them."""
        return queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "member": self.member}

    def validated(self, serializer_class, **kwargs) -> dict:
        """The request body through an input serializer; 400 with every field's error otherwise."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, instance, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(instance).data, status=status_code)

    def filter_queryset(self, queryset):
        if self.action != "list" or self.filter_serializer_class is None:
            return queryset
        filters = self.filter_serializer_class(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        conditions = {self.filter_lookups[name]: value for name, value in filters.validated_data.items()}
        return queryset.filter(**conditions)

    def http_method_not_allowed(self, request, *args, **kwargs):
        """A method the object does not take is 405 only for an object the caller may see; otherwise 404 (ORG-5)."""
        if (self.lookup_url_kwarg or self.lookup_field) in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)
