from core.api.jobs import await_pending_job
from core.api.routing import api_path
from workspaces.api.views import ProjectViewSet

PROJECT = r"projects/(?P<pk>[^/.]+)"


def _action(method: str, action: str):
    return ProjectViewSet.as_view({method: action})


urlpatterns = [
    api_path("projects", ProjectViewSet.as_view({"get": "list", "post": "create"}), "projects"),
    api_path(
        PROJECT, ProjectViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}), "project"
    ),
    api_path(f"{PROJECT}/clarify", await_pending_job(_action("post", "clarify")), "project-clarify"),
    api_path(f"{PROJECT}/answers", await_pending_job(_action("post", "answers")), "project-answers"),
    api_path(f"{PROJECT}/regenerate", await_pending_job(_action("post", "regenerate")), "project-regenerate"),
    api_path(f"{PROJECT}/approve", _action("post", "approve"), "project-approve"),
    api_path(f"{PROJECT}/spec", _action("get", "spec"), "project-spec"),
    api_path(f"{PROJECT}/spec/versions", _action("get", "spec_versions"), "project-spec-versions"),
]
