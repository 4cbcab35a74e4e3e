"""Settings of a model server (``--backend openai``), and the server's address as a run
records it.

Light on purpose: the config schema and ``Settings`` read it at ``--help`` time; the HTTP
client lives in ``openai_client`` and is imported only when a run talks to a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
# --translator de-en=server: the server's model (the summariser) translates too.
SERVER_TRANSLATOR = "server"
# A local server (vLLM, Ollama, llama.cpp, transformers serve) batches what arrives at
# once; four requests in flight keep one busy without queueing a whole corpus on it.
DEFAULT_CONCURRENCY = 4
DEFAULT_REQUEST_TIMEOUT = 300.0  # seconds: a long summary from a big model on a busy box
DEFAULT_RETRIES = 4


@dataclass(frozen=True)
class ServerOptions:
    """Where the summariser runs when ``--backend openai``: the API's base URL (ending
    in ``/v1``), the environment variable holding its key (the key itself is never a
    setting, so it is never written anywhere), and how the run talks to it."""

    api_base: str | None = None
    api_key_env: str = DEFAULT_API_KEY_ENV
    concurrency: int = DEFAULT_CONCURRENCY
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    retries: int = DEFAULT_RETRIES
    context_window: int | None = None  # tokens; None: from the server's model listing

    def recorded(self) -> dict:
        """These settings as ``run.json`` keeps them: the URL without credentials."""
        return {"api_base": public_url(self.api_base), "api_key_env": self.api_key_env,
                "concurrency": self.concurrency, "request_timeout": self.request_timeout,
                "retries": self.retries, "context_window": self.context_window}


# Query parameters that carry credentials in some hosted APIs (Azure's api-key, ...).
SECRET_QUERY_WORDS = ("key", "token", "secret", "sig", "password", "auth")


def public_url(url: str | None) -> str | None:
    """``url`` safe to show and record: no user or password, and no query parameter
    whose name looks like a credential (their values become ``REDACTED``)."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # not a URL at all: say nothing of it but that
        return "(an invalid URL)"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    query = "&".join(_redacted(pair) for pair in parts.query.split("&") if pair)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _redacted(pair: str) -> str:
    name, sep, _value = pair.partition("=")
    if sep and any(word in name.lower() for word in SECRET_QUERY_WORDS):
        return f"{name}=REDACTED"
    return pair
