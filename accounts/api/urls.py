from accounts.api import views
from core.api.routing import ApiRouter, api_path

router = ApiRouter()
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    api_path("auth/github", views.GitHubLoginView.as_view(), "auth-github"),
    api_path("auth/github/callback", views.GitHubCallbackView.as_view(), "auth-github-callback"),
    api_path("auth/session", views.SessionView.as_view(), "auth-session"),
    api_path("auth/me", views.MeView.as_view(), "auth-me"),
    api_path("auth/logout", views.LogoutView.as_view(), "auth-logout"),
    api_path("auth/dev-login", views.DevLoginView.as_view(), "auth-dev-login"),
    api_path("usage", views.UsageView.as_view(), "usage"),
    *router.urls,
]
