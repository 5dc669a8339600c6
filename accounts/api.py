"""Account endpoints of API v1."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import MeSerializer
from interview_analyzer.permissions import api_member
from interview_analyzer.roles import Role


class MeView(APIView):
    """``GET /api/v1/me``: who is calling, in which organization, with which role."""

    required_role = Role.INTERVIEWER
    require_verified = False

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(api_member(request)).data)
