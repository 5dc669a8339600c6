from rest_framework import serializers

from accounts.models import Membership


class MeSerializer(serializers.Serializer):
    """The caller, their organization and role, by public id only (ID-2, ORG-6)."""

    id = serializers.CharField(source="user.public_id")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    verified = serializers.BooleanField(source="is_verified")
    membership = serializers.CharField(source="public_id")
    role = serializers.ChoiceField(choices=Membership._meta.get_field("role").choices)
    organization = serializers.SerializerMethodField()

    def get_organization(self, member) -> dict:
        return {"id": member.organization.public_id, "name": member.organization.name}
