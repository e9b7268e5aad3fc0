"""The product's URLs plus two views that crash, to test the 500 envelope."""

from django.urls import path
from rest_framework.permissions import AllowAny

from config.urls import urlpatterns as product_urlpatterns
from core.api.views import BaseAPIView


class CrashingApiView(BaseAPIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret internals: db password is hunter2")


def crashing_plain_view(request):
    raise RuntimeError("secret internals: db password is hunter2")


urlpatterns = [
    path("api/v1/crash", CrashingApiView.as_view()),
    path("webhooks/crash", crashing_plain_view),
    *product_urlpatterns,
]
