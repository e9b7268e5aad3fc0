from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from core.api.exceptions import Conflict
from core.api.responses import envelope_response
from core.api.schema import error_response
from core.api.views import BaseAPIView, ScopedViewSet
from runs.api.serializers import (
    DeployCreateSerializer,
    DeploymentSerializer,
    ExportCreateSerializer,
    ExportSerializer,
    FileContentSerializer,
    FileListSerializer,
    RunCreateSerializer,
    RunDetailSerializer,
    RunEventSerializer,
    RunStateSerializer,
    RunSummarySerializer,
    SystemStatsSerializer,
    TaskSerializer,
)
from runs.events import run_channel
from runs.models import Deployment, Export, ExportStatus, Run, RunStatus, Task
from runs.previews import deployment_create, deployment_stop_request
from runs.selectors import (
    project_file_read,
    project_files_list,
    run_event_list,
    runs_with_summary,
    system_stats,
)
from runs.services import export_create, export_filename, run_cancel, run_create, run_retry
from workspaces.models import Project

CONFLICT = error_response("CONFLICT: the project's or run's status (in details) does not allow this.")
QUOTA = error_response("QUOTA_EXCEEDED: the plan's concurrent-build limit is reached (limit in details).")
EVENT_TYPES = (
    "RUN_STARTED, RUN_STATUS, TASK_STARTED, FILE_CREATED, FILE_MODIFIED, FILE_DELETED, TASK_COMPLETED, TASK_FAILED, "
    "MERGE_COMPLETED, VERIFICATION_STARTED, VERIFICATION_COMPLETED, BUDGET_EXCEEDED, LOG, "
    "RUN_COMPLETED, RUN_FAILED, RUN_CANCELLED"
)
MAX_EVENTS = 1000
PROJECT_ID = OpenApiParameter("project_pk", str, OpenApiParameter.PATH, description="The project's id.")
RUN_ID = OpenApiParameter("run_pk", str, OpenApiParameter.PATH, description="The run's id.")


class ProjectChildViewSet(ScopedViewSet):
    """Resources under /projects/{project_pk}/: scoped to the user, and to a project of theirs."""

    owner_field = "owner"

    def project(self) -> Project:
        project = Project.objects.filter(pk=self.kwargs["project_pk"], owner=self.request.user).first()
        if project is None:
            raise NotFound("No such project.")
        return project

    def scope_queryset(self, queryset):
        return queryset.filter(project_id=self.kwargs["project_pk"])


class RunCancellation:
    """A requested cancel: its outcome is the run once it has stopped."""

    def __init__(self, run: Run):
        self.run_id = run.pk
        self.wait_seconds = settings.RUN_CANCEL_WAIT_SECONDS
        self.channel = run_channel(run.pk)

    def outcome(self):
        run = Run.objects.get(pk=self.run_id)
        return envelope_response(RunStateSerializer(run).data) if run.is_terminal else None


@extend_schema_view(
    list=extend_schema(
        summary="List a project's runs, newest first",
        parameters=[OpenApiParameter("status", str, enum=RunStatus.values, description="Only runs in this status.")],
        responses=RunSummarySerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="A run: its spec, decomposition, tasks and verification", responses=RunDetailSerializer
    ),
)
class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    queryset = Run.objects.all()

    def scope_queryset(self, queryset):
        queryset = super().scope_queryset(queryset).select_related("spec_version").order_by("-run_number")
        if self.action == "list":
            self.project()
            wanted = self.request.query_params.get("status")
            if wanted is not None:
                if wanted not in RunStatus.values:
                    raise ValidationError({"status": [f"Must be one of {', '.join(RunStatus.values)}."]})
                queryset = queryset.filter(status=wanted)
            return runs_with_summary(queryset)
        return queryset.prefetch_related("tasks")

    def get_serializer_class(self):
        return RunSummarySerializer if self.action == "list" else RunDetailSerializer

    @extend_schema(
        summary="Start a build of the approved spec",
        description="For approved, built or failed projects. Follow it with the run's events (REST, SSE or the "
        "WebSocket channel `run:<id>`).",
        request=RunCreateSerializer,
        responses={201: RunDetailSerializer, 409: CONFLICT, 429: QUOTA},
    )
    def create(self, request, project_pk=None):
        serializer = RunCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = run_create(project=self.project(), **serializer.validated_data)
        return Response(RunDetailSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a run",
        description="200 once the run has stopped (within RUN_CANCEL_WAIT_SECONDS); 202 while it is still stopping. "
        "409 RUN_NOT_CANCELLABLE when it has already ended.",
        request=None,
        responses={200: RunStateSerializer, 202: RunStateSerializer, 409: CONFLICT},
    )
    def cancel(self, request, project_pk=None, pk=None):
        run = run_cancel(run=self.get_object())
        if run.is_terminal:
            return Response(RunStateSerializer(run).data)
        response = Response(RunStateSerializer(run).data, status=status.HTTP_202_ACCEPTED)
        response.pending_job = RunCancellation(run)
        return response

    @extend_schema(
        summary="Start a new run of the same spec (trigger: retry)",
        request=None,
        responses={201: RunDetailSerializer, 409: CONFLICT, 429: QUOTA},
    )
    def retry(self, request, project_pk=None, pk=None):
        run = run_retry(run=self.get_object())
        return Response(RunDetailSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A run's events, in seq order",
        parameters=[
            OpenApiParameter("after", int, description="Only events with a higher seq (default 0)."),
            OpenApiParameter("type", str, description=f"Only this event type: {EVENT_TYPES}."),
            OpenApiParameter("taskId", str, description="Only this task's events."),
            OpenApiParameter("limit", int, description=f"At most this many (default 100, at most {MAX_EVENTS})."),
        ],
        responses=RunEventSerializer(many=True),
    )
    def events(self, request, project_pk=None, pk=None):
        run = self.get_object()
        params = request.query_params
        events = run_event_list(
            run=run,
            after=int_param(params, "after", 0, 0, None),
            type=params.get("type"),
            task_id=params.get("taskId") or params.get("task_id"),
            limit=int_param(params, "limit", 100, 1, MAX_EVENTS),
        )
        return Response(RunEventSerializer(events, many=True).data)


def int_param(params, name: str, default: int, minimum: int, maximum: int | None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < minimum or (maximum is not None and int(raw) > maximum):
        bound = f"between {minimum} and {maximum}" if maximum else f"an integer of at least {minimum}"
        raise ValidationError({name: [f"Must be {bound}; got {raw!r}."]})
    return int(raw)


@extend_schema(parameters=[PROJECT_ID, RUN_ID])
@extend_schema_view(
    list=extend_schema(summary="A run's tasks, in sequence", responses=TaskSerializer(many=True)),
    retrieve=extend_schema(summary="One task: definition, branch, worktree, result, timings"),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Task.objects.all()
    owner_field = "run__owner"
    serializer_class = TaskSerializer
    pagination_class = None

    def scope_queryset(self, queryset):
        queryset = queryset.filter(run__project_id=self.kwargs["project_pk"], run_id=self.kwargs["run_pk"])
        if (
            self.action == "list"
            and not Run.objects.filter(
                pk=self.kwargs["run_pk"], project_id=self.kwargs["project_pk"], owner=self.request.user
            ).exists()
        ):
            raise NotFound("No such run.")
        return queryset.order_by("sequence")


class ExportViewSet(mixins.RetrieveModelMixin, ProjectChildViewSet):
    queryset = Export.objects.all()
    serializer_class = ExportSerializer

    def scope_queryset(self, queryset):
        return super().scope_queryset(queryset).select_related("project", "run")

    @extend_schema(
        summary="Archive a run's merged commit (zip or tar.gz)",
        description="202; the archive is built by a job. Poll GET /projects/{id}/exports/{exportId} for "
        "`downloadUrl`. Exports expire after EXPORT_TTL_HOURS.",
        request=ExportCreateSerializer,
        responses={202: ExportSerializer, 409: CONFLICT},
    )
    def create(self, request, project_pk=None):
        serializer = ExportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        export = export_create(project=self.project(), **serializer.validated_data)
        export.refresh_from_db()
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="An export's status, size and download URL")
    def retrieve(self, request, project_pk=None, pk=None):
        return super().retrieve(request, project_pk=project_pk, pk=pk)

    @extend_schema(
        summary="Download an export",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The archive."),
            409: CONFLICT,
        },
    )
    def download(self, request, project_pk=None, pk=None):
        export = self.get_object()
        if export.status != ExportStatus.COMPLETED:
            raise Conflict(f"The export is {export.status}.", details={"status": export.status})
        content_type = "application/zip" if export.format == "zip" else "application/gzip"
        return FileResponse(
            open(export.file_path, "rb"),
            as_attachment=True,
            filename=export_filename(export),
            content_type=content_type,
        )


class DeploymentViewSet(mixins.RetrieveModelMixin, ProjectChildViewSet):
    queryset = Deployment.objects.all()
    serializer_class = DeploymentSerializer

    @extend_schema(
        summary="Start a preview of a run's application",
        description="Provider `local` (the default) runs it on a free loopback port of the worker's machine "
        "until PREVIEW_TTL_MINUTES pass or it is deleted. Hosted providers (railway, render, fly) are not "
        "configured on this server: 400.",
        request=DeployCreateSerializer,
        responses={202: DeploymentSerializer, 409: CONFLICT},
    )
    def create(self, request, project_pk=None):
        serializer = DeployCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deployment = deployment_create(project=self.project(), **serializer.validated_data)
        deployment.refresh_from_db()
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="A deployment: status (deploying, live, failed, stopped) and URL")
    def retrieve(self, request, project_pk=None, pk=None):
        return super().retrieve(request, project_pk=project_pk, pk=pk)

    @extend_schema(summary="Stop a preview", request=None, responses={202: DeploymentSerializer})
    def destroy(self, request, project_pk=None, pk=None):
        deployment = deployment_stop_request(deployment=self.get_object())
        deployment.refresh_from_db()
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)


class ProjectFilesViewSet(ScopedViewSet):
    """Read-only files of the project repository at a ref: branch, tag, commit sha or run id."""

    queryset = Project.objects.all()
    owner_field = "owner"
    lookup_url_kwarg = "project_pk"
    REF = OpenApiParameter("ref", str, description="Branch, tag, commit sha or run id (its merged commit); main.")

    @extend_schema(
        summary="List a directory of the repository",
        parameters=[REF, OpenApiParameter("path", str, description="Directory; the root by default.")],
        responses=FileListSerializer,
    )
    def list(self, request, project_pk=None):
        listing = project_files_list(
            project=self.get_object(),
            ref=request.query_params.get("ref", ""),
            path=request.query_params.get("path", ""),
        )
        return Response(FileListSerializer(listing).data)

    @extend_schema(
        summary="Read a file of the repository",
        description="UTF-8 text as is; anything else base64 with `encoding: base64`.",
        parameters=[REF, OpenApiParameter("path", str, OpenApiParameter.PATH, description="The file's path.")],
        responses=FileContentSerializer,
    )
    def retrieve(self, request, project_pk=None, path=None):
        content = project_file_read(project=self.get_object(), ref=request.query_params.get("ref", ""), path=path)
        return Response(FileContentSerializer(content).data)


class SystemStatsView(BaseAPIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="System statistics (staff only)",
        description="Projects, runs, the job queue (from Redis) and workers (from Celery). Queue and worker "
        "figures are null when Redis is unreachable.",
        responses={200: SystemStatsSerializer, 403: error_response("FORBIDDEN: staff only.")},
    )
    def get(self, request):
        return Response(SystemStatsSerializer(system_stats()).data)
