from core.api.jobs import await_pending_job
from core.api.routing import api_path
from workspaces.api.architecture_ai_views import AiCostView, AiGenerateView, AiSuggestView
from workspaces.api.generation_views import GenerationRunViewSet
from workspaces.api.views import ProjectViewSet
from workspaces.api.workspace_views import ArchitectureValidateView, SessionWorkspaceView, WorkspaceViewSet

PROJECT = r"projects/(?P<pk>[^/.]+)"
WORKSPACE = r"workspaces/(?P<pk>[^/.]+)"
WORKSPACE_CHILD = r"workspaces/(?P<workspace_pk>[^/.]+)"


def _action(method: str, action: str):
    return ProjectViewSet.as_view({method: action})


def _workspace(actions: dict[str, str]):
    return WorkspaceViewSet.as_view(actions)


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
    api_path("workspaces", _workspace({"get": "list", "post": "create"}), "workspaces"),
    api_path(
        WORKSPACE,
        _workspace({"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"}),
        "workspace",
    ),
    api_path(
        f"{WORKSPACE}/architecture",
        _workspace({"get": "architecture", "put": "save_architecture"}),
        "workspace-architecture",
    ),
    api_path(f"{WORKSPACE}/commits", _workspace({"get": "commits"}), "workspace-commits"),
    api_path(f"{WORKSPACE}/validate", _workspace({"post": "validate"}), "workspace-validate"),
    api_path(f"{WORKSPACE_CHILD}/generate", GenerationRunViewSet.as_view({"post": "create"}), "workspace-generate"),
    api_path(
        rf"{WORKSPACE_CHILD}/generate/(?P<pk>[^/.]+)",
        GenerationRunViewSet.as_view({"get": "retrieve"}),
        "workspace-generation-run",
    ),
    api_path(
        rf"{WORKSPACE_CHILD}/generate/(?P<pk>[^/.]+)/events",
        GenerationRunViewSet.as_view({"get": "events"}),
        "workspace-generation-run-events",
    ),
    api_path(f"{WORKSPACE_CHILD}/runs", GenerationRunViewSet.as_view({"get": "list"}), "workspace-runs"),
    api_path(f"{WORKSPACE_CHILD}/preview", GenerationRunViewSet.as_view({"get": "preview"}), "workspace-preview"),
    api_path("ai/generate", AiGenerateView.as_view(), "ai-generate"),
    api_path("ai/suggest", AiSuggestView.as_view(), "ai-suggest"),
    api_path("ai/cost", AiCostView.as_view(), "ai-cost"),
    api_path("architecture/validate", ArchitectureValidateView.as_view(), "architecture-validate"),
    api_path("session/workspace", SessionWorkspaceView.as_view(), "session-workspace"),
]
