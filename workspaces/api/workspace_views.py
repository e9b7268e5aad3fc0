from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.schema import error_response
from core.api.views import BaseAPIView, ScopedViewSet
from runs.repositories import DEFAULT_BRANCH
from workspaces.api.workspace_serializers import (
    ArchitectureAtRefSerializer,
    ArchitectureSavedSerializer,
    ArchitectureSaveSerializer,
    ArchitectureValidateSerializer,
    CommitSerializer,
    SessionWorkspaceResultSerializer,
    SessionWorkspaceSerializer,
    ValidationResultSerializer,
    WorkspaceCreateSerializer,
    WorkspaceSerializer,
    WorkspaceUpdateSerializer,
    WorkspaceValidateSerializer,
)
from workspaces.architecture.validation import architecture_validate
from workspaces.models import Workspace
from workspaces.selectors import architecture_at, workspace_commits
from workspaces.services.workspaces import architecture_save, workspace_create, workspace_delete, workspace_update

INVALID_ARCHITECTURE = error_response(
    "VALIDATION_ERROR: the architecture has errors; `details` is the validation result and nothing was committed."
)
MAX_COMMITS = 100
SESSION_WORKSPACE = "current_workspace_id"
SESSION_REPO = "current_repo_full_name"


@extend_schema_view(
    list=extend_schema(summary="List workspaces"),
    retrieve=extend_schema(summary="Get a workspace"),
)
class WorkspaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Workspace.objects.all()
    owner_field = "owner"
    serializer_class = WorkspaceSerializer

    @extend_schema(
        summary="Create a workspace (and its git repository)",
        request=WorkspaceCreateSerializer,
        responses={201: WorkspaceSerializer, 400: INVALID_ARCHITECTURE},
    )
    def create(self, request):
        serializer = WorkspaceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workspace = workspace_create(owner=request.user, **serializer.validated_data)
        return Response(WorkspaceSerializer(workspace).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a workspace",
        description="Omitted fields stay as they are; `githubRepo: null` unlinks the repository, "
        "`githubBranch: null` means `main`. PUT and PATCH behave the same (as in CloudBlocks).",
        request=WorkspaceUpdateSerializer,
        responses=WorkspaceSerializer,
    )
    def update(self, request, pk=None):
        workspace = self.get_object()
        serializer = WorkspaceUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workspace = workspace_update(workspace=workspace, **serializer.validated_data)
        return Response(WorkspaceSerializer(workspace).data)

    @extend_schema(summary="Delete a workspace and its repository", responses={204: None})
    def destroy(self, request, pk=None):
        workspace_delete(workspace=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="The architecture at a git ref",
        parameters=[OpenApiParameter("ref", str, description="Branch, tag or commit; `main` by default.")],
        responses=ArchitectureAtRefSerializer,
    )
    def architecture(self, request, pk=None):
        workspace = self.get_object()
        ref = request.query_params.get("ref") or DEFAULT_BRANCH
        found = architecture_at(workspace, ref)
        if found is None:
            raise NotFound(f"This workspace has no branch, tag or commit '{ref}'.")
        architecture, sha = found
        return Response(ArchitectureAtRefSerializer({"architecture": architecture, "ref": ref, "commit_sha": sha}).data)

    @extend_schema(
        summary="Validate and commit the architecture",
        request=ArchitectureSaveSerializer,
        responses={200: ArchitectureSavedSerializer, 400: INVALID_ARCHITECTURE, 409: error_response("CONFLICT")},
        description="Validated against the workspace's provider first. `expectedSha`: commit only if the branch "
        "is still there, else 409 with `currentSha` in details.",
    )
    def save_architecture(self, request, pk=None):
        workspace = self.get_object()
        serializer = ArchitectureSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = architecture_save(workspace=workspace, author=request.user, **serializer.validated_data)
        return Response(ArchitectureSavedSerializer(saved).data)

    @extend_schema(
        summary="Recent commits of the workspace repository, newest first",
        parameters=[
            OpenApiParameter("limit", int, description=f"At most this many (20 by default, {MAX_COMMITS} max).")
        ],
        responses=CommitSerializer(many=True),
    )
    def commits(self, request, pk=None):
        workspace = self.get_object()
        raw = request.query_params.get("limit", "20")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_COMMITS:
            raise ValidationError({"limit": [f"Must be an integer from 1 to {MAX_COMMITS}; got {raw!r}."]})
        return Response(CommitSerializer(workspace_commits(workspace, int(raw)), many=True).data)

    @extend_schema(
        summary="Validate the workspace's architecture (or the one sent) against its provider",
        request=WorkspaceValidateSerializer,
        responses=ValidationResultSerializer,
    )
    def validate(self, request, pk=None):
        workspace = self.get_object()
        serializer = WorkspaceValidateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "architecture" in serializer.validated_data:
            architecture = serializer.validated_data["architecture"]
        else:
            architecture = architecture_at(workspace)[0]
        return Response(architecture_validate(architecture, provider=workspace.provider))


class ArchitectureValidateView(BaseAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Validate an architecture (nothing is stored)",
        request=ArchitectureValidateSerializer,
        responses=ValidationResultSerializer,
    )
    def post(self, request):
        serializer = ArchitectureValidateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return Response(architecture_validate(data["architecture"], provider=data.get("provider")))


class SessionWorkspaceView(BaseAPIView):
    """The workspace the session works on (CloudBlocks' session binding), kept in the Django session."""

    permission_classes = [IsAuthenticated]

    def _current(self, request) -> dict:
        return SessionWorkspaceResultSerializer(
            {
                "current_workspace_id": request.session.get(SESSION_WORKSPACE),
                "current_repo_full_name": request.session.get(SESSION_REPO),
            }
        ).data

    @extend_schema(summary="The workspace bound to this session", responses=SessionWorkspaceResultSerializer)
    def get(self, request):
        return Response(self._current(request))

    @extend_schema(
        summary="Bind a workspace to this session",
        request=SessionWorkspaceSerializer,
        responses=SessionWorkspaceResultSerializer,
    )
    def post(self, request):
        serializer = SessionWorkspaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workspace_id = serializer.validated_data["workspace_id"]
        workspace = Workspace.objects.filter(pk=workspace_id, owner=request.user).first()
        if workspace is None:
            raise NotFound(f"Workspace with id '{workspace_id}' not found.")
        request.session[SESSION_WORKSPACE] = workspace.pk
        request.session[SESSION_REPO] = serializer.validated_data.get("repo_full_name") or workspace.github_repo
        return Response(self._current(request))
