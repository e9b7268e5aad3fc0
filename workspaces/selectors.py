"""Reads for architecture workspaces: the architecture at a git ref, the commit history."""

import json
from pathlib import Path
from typing import Any

from runs.repositories import DEFAULT_BRANCH, CommitInfo, commit_log, read_file, resolve_commit
from workspaces.models import Workspace
from workspaces.services.workspaces import ARCHITECTURE_PATH


def architecture_at(workspace: Workspace, ref: str = DEFAULT_BRANCH) -> tuple[dict[str, Any], str] | None:
    """(architecture, commit sha) at `ref` (branch, tag or sha), or None when the ref does not exist."""
    repo = Path(workspace.repo_path)
    commit = resolve_commit(repo, ref)
    if commit is None:
        return None
    return json.loads(read_file(repo, ARCHITECTURE_PATH, commit)), commit


def workspace_commits(workspace: Workspace, limit: int = 20) -> list[CommitInfo]:
    return commit_log(Path(workspace.repo_path), DEFAULT_BRANCH, limit)
