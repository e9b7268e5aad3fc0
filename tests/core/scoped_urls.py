"""The product's URLs plus a view under the `generation` rate-limit scope."""

from django.urls import path
from rest_framework.response import Response

from config.urls import urlpatterns as product_urlpatterns
from core.api.views import BaseAPIView


class GenerationScopedView(BaseAPIView):
    throttle_scope = "generation"

    def post(self, request):
        return Response({"generated": True})


urlpatterns = [path("api/v1/generate-something", GenerationScopedView.as_view()), *product_urlpatterns]
