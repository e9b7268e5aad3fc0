"""Git repositories of projects (and, later, workspaces), through the git CLI.

Each project has one bare repository under `REPOS_DIR`. Files are committed with git plumbing
(hash-object, a temporary index, write-tree, commit-tree, update-ref) so no worktree is needed,
and the branch moves with a compare-and-swap so concurrent commits cannot lose each other.
"""

import fcntl
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEFAULT_BRANCH = "main"
COMMITTER = ("Blocksmith", "blocksmith@localhost")
STALE_LOCK_SECONDS = 2.0


class RepositoryError(RuntimeError):
    pass


@dataclass(frozen=True)
class Author:
    name: str
    email: str


def repository_path(name: str) -> Path:
    return Path(settings.REPOS_DIR) / f"{name}.git"


def _git_bytes(repo: Path, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    result = subprocess.run(
        ["git", "--git-dir", str(repo), *args],
        input=input,
        capture_output=True,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        raise RepositoryError(f"git {args[0]} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def _git(repo: Path, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> str:
    return _git_bytes(repo, *args, input=input, env=env).decode()


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


def branch_name_valid(name: str) -> bool:
    """Whether git accepts `name` as a branch name (`git check-ref-format --branch`)."""
    if not name or name.startswith("-"):
        return False
    result = subprocess.run(["git", "check-ref-format", "--branch", name], capture_output=True, check=False)
    return result.returncode == 0


def branch_create(repo: Path, branch: str, start: str) -> bool:
    """Create `branch` at `start`; False when it already exists."""
    return move_branch(repo, branch, start, "0" * 40)


class StaleBranch(RepositoryError):
    """The branch is not at the commit the caller expected."""


def commit_files(
    repo: Path,
    files: dict[str, str],
    *,
    message: str,
    author: Author,
    branch: str = DEFAULT_BRANCH,
    expected_head: str | None = None,
    replace_dir: str | None = None,
) -> str:
    """Commit `files` (path → text) on top of `branch`, keeping every other file; returns the commit sha.

    With `expected_head` the commit only lands if the branch is still there (else `StaleBranch`).
    With `replace_dir` the files already under that directory are removed first. A commit that
    would change nothing is not made: the current head is returned.
    """
    parent = branch_head(repo, branch)
    if expected_head is not None and expected_head != parent:
        raise StaleBranch(f"{branch} is at {parent}, not {expected_head}.")
    with tempfile.TemporaryDirectory() as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        if parent:
            _git(repo, "read-tree", parent, env=index)
            if replace_dir:
                stale = _git(repo, "ls-tree", "-r", "-z", "--name-only", parent, "--", replace_dir).split("\0")
                stale = [path for path in stale if path]
                if stale:
                    _git(
                        repo,
                        "update-index",
                        "--force-remove",
                        "-z",
                        "--stdin",
                        input="\0".join(stale).encode(),
                        env=index,
                    )
        for path, content in sorted(files.items()):
            blob = _git(repo, "hash-object", "-w", "--stdin", input=content.encode()).strip()
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
        tree = _git(repo, "write-tree", env=index).strip()
    if parent and tree == _git(repo, "rev-parse", f"{parent}^{{tree}}").strip():
        return parent
    identity = {
        "GIT_AUTHOR_NAME": author.name,
        "GIT_AUTHOR_EMAIL": author.email,
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
    }
    commit = _git(repo, "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, env=identity).strip()
    # Compare-and-swap: fails if the branch moved since `parent` was read.
    try:
        _git(repo, "update-ref", f"refs/heads/{branch}", commit, parent or "0" * 40)
    except RepositoryError as exc:
        raise StaleBranch(f"{branch} moved while committing.") from exc
    return commit


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    message: str
    author: str
    author_email: str
    date: str


def commit_log(repo: Path, ref: str = DEFAULT_BRANCH, limit: int = 20) -> list[CommitInfo]:
    """The newest `limit` commits reachable from `ref` (newest first); [] for an empty repository."""
    if resolve_commit(repo, ref) is None:
        return []
    output = _git(repo, "log", f"--max-count={limit}", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1e", ref, "--")
    commits = []
    for record in output.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        sha, author, email, date, message = record.split("\x1f", 4)
        commits.append(CommitInfo(sha, message.strip(), author, email, date))
    return commits


def read_file(repo: Path, path: str, ref: str = DEFAULT_BRANCH) -> str:
    return _git(repo, "show", f"{ref}:{path}")


@dataclass(frozen=True)
class TreeEntry:
    name: str
    path: str
    type: str  # file, directory, symlink or submodule
    mode: str
    sha: str
    size: int | None


_ENTRY_TYPES = {"040000": "directory", "120000": "symlink", "160000": "submodule"}


def resolve_commit(repo: Path, ref: str) -> str | None:
    """The commit a branch, tag or (abbreviated) sha names, or None."""
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
    except RepositoryError:
        return None


def _entries(repo: Path, commit: str, *paths: str) -> list[TreeEntry]:
    output = _git(repo, "ls-tree", "-l", "-z", "--full-tree", commit, "--", *paths)
    entries = []
    for record in filter(None, output.split("\0")):
        meta, path = record.split("\t", 1)
        mode, _, sha, size = meta.split(maxsplit=3)
        entries.append(
            TreeEntry(
                name=path.rsplit("/", 1)[-1],
                path=path,
                type=_ENTRY_TYPES.get(mode, "file"),
                mode=mode,
                sha=sha,
                size=int(size) if size.strip().isdigit() else None,
            )
        )
    return entries


def tree_entry(repo: Path, commit: str, path: str) -> TreeEntry | None:
    """The entry at `path` (the root when empty) of `commit`'s tree, or None."""
    if not path:
        return TreeEntry(name="", path="", type="directory", mode="040000", sha="", size=None)
    found = _entries(repo, commit, path)
    return found[0] if found and found[0].path == path else None


def tree_list(repo: Path, commit: str, path: str) -> list[TreeEntry]:
    """The entries of the directory `path` (the root when empty), directories first."""
    entries = _entries(repo, commit, f"{path}/" if path else ".")
    return sorted(entries, key=lambda entry: (entry.type != "directory", entry.name))


def blob_content(repo: Path, sha: str) -> bytes:
    return _git_bytes(repo, "cat-file", "blob", sha)


def archive(repo: Path, commit: str, *, format: str, prefix: str, output: Path) -> None:
    """Write `commit`'s tree to `output` as a zip or tar.gz whose paths start with `prefix`/."""
    _git(repo, "archive", f"--format={format}", f"--prefix={prefix}/", "-o", str(output), commit)


def checkout_to(repo: Path, commit: str, directory: Path) -> None:
    """Write `commit`'s files into `directory` (no .git): a plain copy of the tree."""
    directory.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(_git_bytes(repo, "archive", "--format=tar", commit))) as bundle:
        bundle.extractall(directory, filter="data")


@contextmanager
def repository_lock(repo: Path):
    """Serialises changes to a repository's worktree bookkeeping across worker processes."""
    with open(repo / "blocksmith.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _discard_worktree(repo: Path, path: Path) -> None:
    """Remove the worktree at `path`, also one a killed process left locked or half made."""
    if not path.exists():
        return
    try:
        # Twice --force: a worktree whose `git worktree add` was killed stays locked ("initializing").
        _git(repo, "worktree", "remove", "--force", "--force", str(path))
    except RepositoryError:
        shutil.rmtree(path, ignore_errors=True)
    _git(repo, "worktree", "prune")


def _clear_stale_ref_locks(repo: Path, branch: str) -> None:
    """Remove ref locks a killed git process left behind (git holds them for milliseconds)."""
    now = time.time()
    for lock in (repo / "refs" / "heads" / f"{branch}.lock", repo / "packed-refs.lock"):
        try:
            if now - lock.stat().st_mtime > STALE_LOCK_SECONDS:
                lock.unlink()
        except FileNotFoundError:
            pass


def worktree_add(repo: Path, path: Path, branch: str, start: str) -> None:
    """A worktree at `path` on `branch`, (re)set to `start`: doing it again starts the branch over."""
    with repository_lock(repo):
        _discard_worktree(repo, path)
        _clear_stale_ref_locks(repo, branch)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Twice --force: also over a registration left locked by a killed process.
        _git(repo, "worktree", "add", "--force", "--force", "-B", branch, str(path), start)


def worktree_remove(repo: Path, path: Path) -> None:
    with repository_lock(repo):
        _discard_worktree(repo, path)


def _work(path: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["git", "-C", str(path), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})},
        check=False,
    )
    if check and result.returncode != 0:
        raise RepositoryError(f"git {args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def changed_paths(path: Path) -> list[str]:
    """Paths added, modified or deleted in a worktree since its last commit."""
    output = _work(path, "status", "--porcelain", "--untracked-files=all", "-z").stdout
    return sorted(entry[3:] for entry in output.split("\0") if entry)


def commit_worktree(path: Path, *, message: str, author: Author) -> str:
    _work(path, "add", "--all")
    identity = {
        "GIT_AUTHOR_NAME": author.name,
        "GIT_AUTHOR_EMAIL": author.email,
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
    }
    _work(path, "commit", "--allow-empty", "--no-verify", "-m", message, env=identity)
    return _work(path, "rev-parse", "HEAD").stdout.strip()


def merge_branch(path: Path, branch: str, *, message: str) -> list[str]:
    """Merge `branch` into the worktree's branch; returns the conflicting paths (the merge is undone) or []."""
    identity = {
        "GIT_AUTHOR_NAME": COMMITTER[0],
        "GIT_AUTHOR_EMAIL": COMMITTER[1],
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
    }
    result = _work(path, "merge", "--no-ff", "--no-edit", "-m", message, branch, env=identity, check=False)
    if result.returncode == 0:
        return []
    conflicts = _work(path, "diff", "--name-only", "--diff-filter=U").stdout.split()
    _work(path, "merge", "--abort", check=False)
    if not conflicts:
        raise RepositoryError(f"git merge failed: {result.stderr.strip() or result.stdout.strip()}")
    return conflicts


def move_branch(repo: Path, branch: str, new: str, expected: str) -> bool:
    """Point `branch` at `new` if it is still at `expected`; False when it moved in between."""
    try:
        _git(repo, "update-ref", f"refs/heads/{branch}", new, expected)
    except RepositoryError:
        return False
    return True
