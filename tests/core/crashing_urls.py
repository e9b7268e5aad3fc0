"""The product's URLs plus views that fail in ways the product's own views cannot be made to."""

from django.urls import path
from kombu.exceptions import OperationalError as BrokerUnavailable
from rest_framework.permissions import AllowAny

from config.urls import urlpatterns as product_urlpatterns
from core.api.views import BaseAPIView


class CrashingApiView(BaseAPIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret internals: db password is hunter2")


class BrokerDownView(BaseAPIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise BrokerUnavailable("Error 111 connecting to redis")


def crashing_plain_view(request):
    raise RuntimeError("secret internals: db password is hunter2")


urlpatterns = [
    path("api/v1/crash", CrashingApiView.as_view()),
    path("api/v1/enqueue", BrokerDownView.as_view()),
    path("webhooks/crash", crashing_plain_view),
    *product_urlpatterns,
]
