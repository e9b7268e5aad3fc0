"""Generation routes of a workspace: start a run, follow runs, preview the files without committing."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api.schema import error_response
from core.api.views import ScopedViewSet
from runs.api.serializers import RunEventSerializer
from runs.api.views import MAX_EVENTS, int_param
from runs.models import Run, RunKind
from runs.selectors import run_event_list
from workspaces.api.workspace_serializers import (
    GenerateSerializer,
    GenerationRunSerializer,
    PreviewQuerySerializer,
    PreviewSerializer,
)
from workspaces.models import Workspace
from workspaces.services.generation import generation_preview, generation_run_create

WORKSPACE_ID = OpenApiParameter("workspace_pk", str, OpenApiParameter.PATH, description="The workspace's id.")
CANNOT_GENERATE = error_response(
    "UNSUPPORTED_BLOCK / UNSUPPORTED_CONNECTION (details.targetId names the block), VALIDATION_ERROR for a bad "
    "option or an invalid architecture."
)


@extend_schema_view(
    list=extend_schema(
        summary="A workspace's generation runs, newest first",
        parameters=[WORKSPACE_ID],
        responses=GenerationRunSerializer(many=True),
    ),
    retrieve=extend_schema(summary="A generation run", parameters=[WORKSPACE_ID], responses=GenerationRunSerializer),
)
class GenerationRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Runs under /workspaces/{workspace_pk}/: scoped to the user, and to a workspace of theirs."""

    queryset = Run.objects.filter(kind=RunKind.GENERATION)
    owner_field = "owner"
    serializer_class = GenerationRunSerializer

    @property
    def throttle_scope(self) -> str | None:
        return "generation" if self.action == "create" else None

    def workspace(self) -> Workspace:
        workspace = Workspace.objects.filter(pk=self.kwargs["workspace_pk"], owner=self.request.user).first()
        if workspace is None:
            raise NotFound(f"Workspace with id '{self.kwargs['workspace_pk']}' not found.")
        return workspace

    def scope_queryset(self, queryset):
        self.workspace()
        return queryset.filter(workspace_id=self.kwargs["workspace_pk"]).order_by("-run_number")

    @extend_schema(
        summary="Generate infrastructure code in a run",
        description="Answers 202 with the run (`pending`); a worker generates the files and commits them under "
        "`infra/<generator>/<provider>/`. Follow it on `GET …/generate/{id}` or the WebSocket channel `run:<id>` "
        "(RUN_STARTED, LOG, FILE_CREATED/FILE_MODIFIED, RUN_COMPLETED with commitSha, or RUN_FAILED with the code "
        "and block). Rate limit scope `generation` (10/hour).",
        parameters=[WORKSPACE_ID],
        request=GenerateSerializer,
        responses={202: GenerationRunSerializer, 400: CANNOT_GENERATE},
    )
    def create(self, request, workspace_pk=None):
        workspace = self.workspace()
        serializer = GenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = generation_run_create(workspace=workspace, user=request.user, **serializer.validated_data)
        return Response(GenerationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="A generation run's events, in seq order (the same as on the channel run:<id>)",
        parameters=[
            WORKSPACE_ID,
            OpenApiParameter("after", int, description="Only events with a higher seq (default 0)."),
            OpenApiParameter("limit", int, description=f"At most this many (default 100, at most {MAX_EVENTS})."),
        ],
        responses=RunEventSerializer(many=True),
    )
    def events(self, request, workspace_pk=None, pk=None):
        run = self.get_object()
        params = request.query_params
        events = run_event_list(
            run=run,
            after=int_param(params, "after", 0, 0, None),
            limit=int_param(params, "limit", 100, 1, MAX_EVENTS),
        )
        return Response(RunEventSerializer(events, many=True).data)

    @extend_schema(
        summary="The files a generation would commit now (nothing is committed)",
        parameters=[
            WORKSPACE_ID,
            OpenApiParameter("generator", str, enum=["terraform", "bicep"], description="The workspace's by default."),
            OpenApiParameter("provider", str, enum=["aws", "azure", "gcp"], description="The workspace's by default."),
            OpenApiParameter("region", str, description="The workspace's (or the provider's) by default."),
        ],
        responses={200: PreviewSerializer, 400: CANNOT_GENERATE},
    )
    def preview(self, request, workspace_pk=None):
        workspace = self.workspace()
        query = PreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(PreviewSerializer(generation_preview(workspace=workspace, **query.validated_data)).data)
