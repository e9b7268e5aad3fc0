from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views
from core.api.routing import api_path
from core.api.views import ApiNotFoundView
from core.realtime.views import RealtimePingView
from flows.api.urls import webhook_routes

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("workspaces.api.urls")),
    path("", include("runs.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("templates.api.urls")),
    path("", include("flows.api.urls")),
    path("webhooks/", include(webhook_routes(documented=True))),
    api_path("realtime/ping", RealtimePingView.as_view(), "realtime-ping"),
    api_path("schema", SpectacularAPIView.as_view(), "schema"),
    api_path("docs", SpectacularSwaggerView.as_view(url_name="schema"), "docs"),
]

urlpatterns = [
    re_path(r"^health/?$", views.health, name="health"),
    re_path(r"^health/ready/?$", views.health_ready, name="health-ready"),
    re_path(r"^health/live/?$", views.health_live, name="health-live"),
    path("admin/", admin.site.urls),
    path("webhooks/", include(webhook_routes(documented=False))),
    path("api/v1/", include(api_v1)),
    # Unknown API routes go through DRF (envelope, rate limits); anything else is a JSON 404.
    re_path(r"^api/", ApiNotFoundView.as_view()),
    re_path(r"^(?!admin/)", views.not_found),
]

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
