"""Git repositories of projects (and, later, workspaces), through the git CLI.

Each project has one bare repository under `REPOS_DIR`. Files are committed with git plumbing
(hash-object, a temporary index, write-tree, commit-tree, update-ref) so no worktree is needed,
and the branch moves with a compare-and-swap so concurrent commits cannot lose each other.
"""

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULT_BRANCH = "main"
COMMITTER = ("Blocksmith", "blocksmith@localhost")


class RepositoryError(RuntimeError):
    pass


@dataclass(frozen=True)
class Author:
    name: str
    email: str


def repository_path(name: str) -> Path:
    return Path(settings.REPOS_DIR) / f"{name}.git"


def _git(repo: Path, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", "--git-dir", str(repo), *args],
        input=input,
        capture_output=True,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        raise RepositoryError(f"git {args[0]} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode()


def repository_create(name: str) -> Path:
    path = repository_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["git", "init", "--bare", "--quiet", f"--initial-branch={DEFAULT_BRANCH}", str(path)],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise RepositoryError(f"git init failed: {result.stderr.decode(errors='replace').strip()}")
    return path


def branch_head(repo: Path, branch: str = DEFAULT_BRANCH) -> str | None:
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").strip()
    except RepositoryError:
        return None


def commit_files(
    repo: Path, files: dict[str, str], *, message: str, author: Author, branch: str = DEFAULT_BRANCH
) -> str:
    """Commit `files` (path → text) on top of `branch`, keeping every other file; returns the commit sha."""
    parent = branch_head(repo, branch)
    with tempfile.TemporaryDirectory() as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        if parent:
            _git(repo, "read-tree", parent, env=index)
        for path, content in sorted(files.items()):
            blob = _git(repo, "hash-object", "-w", "--stdin", input=content.encode()).strip()
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
        tree = _git(repo, "write-tree", env=index).strip()
    identity = {
        "GIT_AUTHOR_NAME": author.name,
        "GIT_AUTHOR_EMAIL": author.email,
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
    }
    commit = _git(repo, "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, env=identity).strip()
    # Compare-and-swap: fails if the branch moved since `parent` was read.
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, parent or "0" * 40)
    return commit


def read_file(repo: Path, path: str, ref: str = DEFAULT_BRANCH) -> str:
    return _git(repo, "show", f"{ref}:{path}")
