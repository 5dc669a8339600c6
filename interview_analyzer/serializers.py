"""What every API serializer shares (SEC-VAL, SEC-MASS, ORG-5, ORG-6).

``StrictInput`` answers 400 for any key an input serializer does not list as writable; ``PublicIdRelatedField``
resolves a foreign key given as a public id among the rows the requesting member may see, so another
organization's id is "does not exist", exactly like one never issued; ``public_id_of`` shows a related object by
its public id. No primary key ever reaches JSON.
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from interview_analyzer.public_ids import is_public_id


class StrictInput:
    """Refuses every key it does not list as writable, with a 400 naming each one (SEC-VAL, SEC-MASS)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data.keys() - writable)
            if unknown:
                raise serializers.ValidationError({key: [_("This field cannot be written.")] for key in unknown})
        return super().to_internal_value(data)


class PublicIdRelatedField(serializers.SlugRelatedField):
    """A foreign key given as a public id, looked up in ``Model.objects.visible_to(member)`` for the requesting
    member (``context["member"]``), so ids of other organizations or of invisible rows do not exist (ORG-5).

    The declared queryset is empty: without a member in the context nothing resolves (fail closed). A value not
    shaped like a public id does not exist either, without a query (found by fuzzing: a NUL byte reached
    PostgreSQL and answered 500).
    """

    default_error_messages = {
        "does_not_exist": _("Object with id {value} does not exist."),
        "invalid": _("Give a public id."),
    }

    def __init__(self, model, **kwargs):
        super().__init__(slug_field="public_id", queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        return self.queryset.model.objects.visible_to(self.context.get("member"))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if not is_public_id(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


def public_id_of(source: str, **kwargs) -> serializers.CharField:
    """The public id of a related object in a representation (ORG-6); null when the relation is empty."""
    return serializers.CharField(source=f"{source}.public_id", read_only=True, **kwargs)
