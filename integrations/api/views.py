from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.responses import envelope_response
from core.api.views import BaseAPIView, ScopedViewSet
from integrations.api.serializers import AiKeySaveSerializer, AiKeySerializer, AiProviderSerializer
from integrations.models import AiProviderKey
from integrations.selectors import ai_provider_list
from integrations.services import ai_key_delete, ai_key_save


class KeyCheck:
    """The pending check of a just-saved key; its outcome is the key once checked."""

    def __init__(self, key_id: str, status_code: int):
        self.key_id = key_id
        self.status_code = status_code
        self.wait_seconds = settings.AI_KEY_CHECK_TIMEOUT_SECONDS
        self.channel = None

    def outcome(self):
        key = AiProviderKey.objects.filter(pk=self.key_id, checked_at__isnull=False).first()
        return None if key is None else envelope_response(AiKeySerializer(key).data, status=self.status_code)


@extend_schema(tags=["ai"])
class AiKeyViewSet(mixins.ListModelMixin, ScopedViewSet):
    queryset = AiProviderKey.objects.all()
    owner_field = "user"
    serializer_class = AiKeySerializer
    pagination_class = None
    lookup_field = "provider"

    @extend_schema(
        summary="Store or replace your key for a provider",
        description="Encrypted at rest; checked with a cheap call (isValid, lastError). Saving never fails "
        "because the check failed. 201 when created, 200 when replaced.",
        request=AiKeySaveSerializer,
        responses={200: AiKeySerializer, 201: AiKeySerializer},
    )
    def create(self, request):
        serializer = AiKeySaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, created = ai_key_save(user=request.user, **serializer.validated_data)
        status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        response = Response(AiKeySerializer(key).data, status=status_code)
        response.pending_job = KeyCheck(key.pk, status_code)
        return response

    @extend_schema(summary="Delete your key for a provider", responses={204: None})
    def destroy(self, request, provider=None):
        ai_key_delete(user=request.user, provider=provider)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AiProviderListView(BaseAPIView):
    @extend_schema(operation_id="ai_providers", tags=["ai"], responses=AiProviderSerializer(many=True))
    def get(self, request):
        return Response(AiProviderSerializer(ai_provider_list(user=request.user), many=True).data)
