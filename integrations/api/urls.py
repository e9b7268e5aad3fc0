from core.api.jobs import await_pending_job
from core.api.routing import api_path
from integrations.api import views

urlpatterns = [
    api_path("ai/keys", await_pending_job(views.AiKeyViewSet.as_view({"get": "list", "post": "create"})), "ai-keys"),
    api_path(r"ai/keys/(?P<provider>[a-z0-9_-]+)", views.AiKeyViewSet.as_view({"delete": "destroy"}), "ai-key"),
    api_path("ai/providers", views.AiProviderListView.as_view(), "ai-providers"),
]
