"""The smallest Hugging Face Hub that ``huggingface_hub`` downloads from: loopback only.

No package serves local repositories offline (olah, the self-hosted mirror on PyPI, caches
what it fetches from an upstream hub), so this speaks the endpoints ``huggingface_hub`` 2.x
calls, read from its source (``hf_api.py``, ``file_download.py``, ``_snapshot_download.py``):

- ``GET /api/models/{repo}[/revision/{rev}]``  repo info: ``sha``, ``siblings``
- ``GET /api/models/{repo}/tree/{rev}``        file listing (snapshot_download)
- ``GET /api/models/{repo}/commits/{rev}``     history, newest first (list_repo_commits)
- ``GET /api/models/{repo}/discussions``       pull requests (get_repo_discussions)
- ``HEAD|GET /{repo}/resolve/{rev}/{file}``    a file, with ``X-Repo-Commit``, ``ETag``,
  ``Content-Length``

A revision is a branch, ``refs/pr/N`` or a full commit; unknown ones get the ``X-Error-Code``
the real hub sends, so the client raises its own errors. Every request path is recorded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


@dataclass
class Commit:
    sha: str
    files: dict[str, bytes]
    parent: str | None = None
    title: str = "commit"
    author: str = "system"


@dataclass
class Repo:
    """Commits by sha; refs ("main", "refs/pr/6") name commits; pull requests by number."""

    commits: dict[str, Commit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    pulls: list[dict] = field(default_factory=list)

    def add(self, commit: Commit, *refs: str) -> Commit:
        self.commits[commit.sha] = commit
        for ref in refs:
            self.refs[ref] = commit.sha
        return commit

    def pull_request(self, num: int, commit: Commit, author: str, title: str,
                     status: str = "open") -> None:
        self.add(commit, f"refs/pr/{num}")
        self.pulls.append({"num": num, "title": title, "author": {"name": author},
                           "status": status, "isPullRequest": True,
                           "createdAt": "2023-08-16T00:00:00.000Z"})

    def resolve(self, revision: str) -> Commit | None:
        sha = self.refs.get(revision, revision)
        return self.commits.get(sha)

    def history(self, commit: Commit) -> list[Commit]:
        out = [commit]
        while out[-1].parent:
            out.append(self.commits[out[-1].parent])
        return out


def fake_sha(text: str) -> str:
    """A 40-hex id for a commit we invent (the stored pages do not show it)."""
    return hashlib.sha1(text.encode()).hexdigest()


class HubServer:
    """``with HubServer(repos) as hub:`` serves ``repos`` at ``hub.url`` (HF_ENDPOINT)."""

    def __init__(self, repos: dict[str, Repo]):
        self.repos = repos
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def downloaded(self) -> list[str]:
        """File names fetched with GET through ``resolve`` (not HEAD)."""
        return [p.rsplit("/", 1)[-1] for p in self.requests
                if p.startswith("GET ") and "/resolve/" in p]


def _handler(hub: HubServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet test output
            pass

        def do_HEAD(self) -> None:
            self._route(body=False)

        def do_GET(self) -> None:
            self._route(body=True)

        def _route(self, body: bool) -> None:
            hub.requests.append(f"{self.command} {urlsplit(self.path).path}")
            parts = [unquote(p) for p in urlsplit(self.path).path.strip("/").split("/")]
            if parts[:2] == ["api", "models"] and len(parts) >= 4:
                self._api("/".join(parts[2:4]), parts[4:])
            elif len(parts) >= 5 and parts[2] == "resolve":
                self._file("/".join(parts[:2]), parts[3], "/".join(parts[4:]), body)
            else:
                self._error(404, "RepoNotFound")

        def _api(self, name: str, rest: list[str]) -> None:
            repo = hub.repos.get(name)
            if repo is None:
                return self._error(404, "RepoNotFound")
            if rest == ["discussions"]:
                pulls = [{**p, "repo": {"name": name, "type": "model"}} for p in repo.pulls]
                return self._json({"discussions": pulls, "count": len(pulls), "start": 0})
            kind, revision = (rest[0], "/".join(rest[1:]) or "main") if rest else ("", "main")
            commit = repo.resolve(revision)
            if commit is None:
                return self._error(404, "RevisionNotFound")
            if kind in ("", "revision"):
                return self._json({"id": name, "modelId": name, "sha": commit.sha,
                                   "private": False, "siblings": [{"rfilename": f}
                                                                  for f in commit.files]})
            if kind == "tree":
                return self._json([{"type": "file", "path": f, "size": len(data),
                                    "oid": hashlib.sha1(data).hexdigest()}
                                   for f, data in commit.files.items()])
            if kind == "commits":
                return self._json([{"id": c.sha, "title": c.title, "message": "",
                                    "authors": [{"user": c.author}],
                                    "date": "2023-08-16T00:00:00.000Z"}
                                   for c in repo.history(commit)])
            return self._error(404, "EntryNotFound")

        def _file(self, name: str, revision: str, path: str, body: bool) -> None:
            repo = hub.repos.get(name)
            if repo is None:
                return self._error(404, "RepoNotFound")
            commit = repo.resolve(revision)
            if commit is None:
                return self._error(404, "RevisionNotFound")
            if path not in commit.files:
                return self._error(404, "EntryNotFound")
            data = commit.files[path]
            self.send_response(200)
            self.send_header("X-Repo-Commit", commit.sha)
            self.send_header("ETag", f'"{hashlib.sha1(data).hexdigest()}"')
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _json(self, data) -> None:
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _error(self, status: int, code: str) -> None:
            payload = json.dumps({"error": code}).encode()
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

    return Handler
