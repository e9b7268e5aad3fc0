import secrets

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api.views import BaseAPIView
from core.tasks import realtime_ping


class RealtimePingSerializer(serializers.Serializer):
    nonce = serializers.CharField(help_text="Echoed in the PING event's payload.")
    channel = serializers.CharField(help_text="The channel the PING event is published on.")


class RealtimePingView(BaseAPIView):
    """Checks realtime delivery end to end: a Celery worker publishes a PING event to `user:<id>`."""

    @extend_schema(operation_id="realtime_ping", request=None, responses={202: RealtimePingSerializer})
    def post(self, request):
        nonce = secrets.token_hex(8)
        realtime_ping.delay(request.user.pk, nonce, timezone.now().isoformat())
        return Response(
            RealtimePingSerializer({"nonce": nonce, "channel": f"user:{request.user.pk}"}).data,
            status=status.HTTP_202_ACCEPTED,
        )
