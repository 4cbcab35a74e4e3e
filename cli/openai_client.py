"""Talking to an OpenAI-compatible chat server (vLLM, Ollama, llama.cpp's server, LM
Studio, ``transformers serve``, hosted APIs): its model listing, and chat completions
with retries.

A request that fails for a reason that passes (the connection, a timeout, 429, a 5xx)
is tried again after an exponentially growing, jittered pause, or after the server's own
``Retry-After``; after ``retries`` more tries it fails its document (``ServerGone``, a
``DocumentError``), and the run goes on. Once a request has used all its tries on a
server that cannot be reached, the next ones try once each until one gets through: a
server that has gone away fails the rest of a run in seconds, not in minutes per
document, and rerunning the same command does them.

The key is read from the environment variable the settings name and sent as a bearer
token; it is kept out of every message this module makes (``scrub``), and the server's
URL is shown without credentials (``serveropts.public_url``).
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass

import httpx2 as httpx

from .errors import DocumentError, UsageError
from .serveropts import ServerOptions, public_url

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
MAX_PAUSE = 60.0  # seconds: the longest pause between two tries, Retry-After included
PREFLIGHT_TIMEOUT = 1.5  # seconds for the model listing before a run


class ServerGone(DocumentError):
    """A document's request failed after every try (the server unreachable, or still
    answering 429/5xx): the document fails, the run goes on, a rerun does it."""


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    system_fingerprint: str | None


class ServerClient:
    """One server's HTTP client, shared by every request of a run (threads included)."""

    def __init__(self, options: ServerOptions, transport: httpx.BaseTransport | None = None,
                 first_pause: float = 1.0, sleep=time.sleep):
        if not options.api_base:
            raise UsageError("--backend openai needs --api-base URL (the server's API, e.g. "
                             "http://127.0.0.1:8000/v1), or api_base under [server] in a "
                             "config file")
        self.options = options
        self.url = public_url(options.api_base)
        self.key = os.environ.get(options.api_key_env) or None
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        timeout = httpx.Timeout(options.request_timeout, connect=min(10.0,
                                                                    options.request_timeout))
        limits = httpx.Limits(max_connections=options.concurrency,
                              max_keepalive_connections=options.concurrency)
        self.http = httpx.Client(base_url=options.api_base.rstrip("/") + "/", headers=headers,
                                 timeout=timeout, limits=limits, transport=transport,
                                 trust_env=False)
        self.first_pause, self.sleep = first_pause, sleep
        self._lock = threading.Lock()
        self._unreachable = False  # the last request used every try and never got through
        self.in_flight = 0
        self.most_in_flight = 0
        self.tokens_written = 0
        self._started: float | None = None
        self.fingerprints: set[str] = set()

    def scrub(self, text: str) -> str:
        """``text`` without the key, in case a library or a server repeats it."""
        text = " ".join(str(text).split())
        if self.key:
            text = text.replace(self.key, "***")
        raw = self.options.api_base or ""
        return text.replace(raw, self.url or "") if raw else text

    # ------------------------------------------------------------------ the listing

    def models(self, timeout: float = PREFLIGHT_TIMEOUT) -> list[dict]:
        """The server's ``/models`` listing (one try, a short timeout: it runs before the
        run, and a server that is not there must be said in a second)."""
        try:
            response = self.http.get("models", timeout=timeout)
        except httpx.HTTPError as exc:
            raise UsageError(f"--api-base {self.url}: no answer ({type(exc).__name__}: "
                             f"{self.scrub(exc) or 'no message'}); start the server or "
                             "correct the URL") from None
        if response.status_code in (401, 403):
            raise UsageError(self._refused_key(response.status_code)) from None
        if response.status_code != 200:
            raise UsageError(f"--api-base {self.url}: GET models answered "
                             f"{response.status_code}; is it an OpenAI-compatible API "
                             "(a URL ending in /v1)?")
        try:
            data = response.json()["data"]
            return [m for m in data if isinstance(m, dict) and "id" in m]
        except (ValueError, KeyError, TypeError):
            raise UsageError(f"--api-base {self.url}: GET models did not answer an "
                             "OpenAI model list; is it an OpenAI-compatible API (a URL "
                             "ending in /v1)?") from None

    def _refused_key(self, status: int) -> str:
        where = f"${self.options.api_key_env}"
        if not self.key:
            return (f"--api-base {self.url} wants an API key ({status}); put it in {where}, "
                    "or name another variable with --api-key-env")
        return f"--api-base {self.url} refused the key in {where} ({status}); check it"

    # ------------------------------------------------------------------ chat

    def chat(self, payload: dict) -> Completion:
        """One chat completion, tried again on what passes (see the module's docstring)."""
        tries = 1 + max(0, self.options.retries)
        for attempt in range(tries):
            pause = None
            try:
                response = self._post(payload)
            except httpx.TransportError as exc:  # refused, reset, timed out
                why = f"{type(exc).__name__}: {self.scrub(exc) or 'no message'}"
                unreachable = True
            else:
                if response.status_code == 200:
                    with self._lock:
                        self._unreachable = False
                    return self._completion(response)
                if response.status_code in (401, 403):
                    raise UsageError(self._refused_key(response.status_code))
                if response.status_code not in RETRY_STATUS:
                    raise DocumentError(f"the server at {self.url} refused the request "
                                        f"({response.status_code}: "
                                        f"{self._error_text(response)})")
                why = f"HTTP {response.status_code}: {self._error_text(response)}"
                unreachable = False
                pause = retry_after(response.headers.get("retry-after"))
            if unreachable and self._unreachable:
                break  # known to be gone: one try each until it answers again
            if attempt + 1 < tries:
                self.sleep(min(MAX_PAUSE, pause if pause is not None else self._backoff(attempt)))
        if unreachable:
            with self._lock:
                self._unreachable = True
        tried = f"{attempt + 1} tr{'y' if attempt == 0 else 'ies'}"
        raise ServerGone(f"the server at {self.url} did not answer ({why}) after {tried}; "
                         "rerun the same command to do this document")

    def _post(self, payload: dict) -> httpx.Response:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            if self._started is None:
                self._started = time.monotonic()
        try:
            return self.http.post("chat/completions", json=payload)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _backoff(self, attempt: int) -> float:
        """Exponential, with jitter so that requests that failed together spread out."""
        return min(MAX_PAUSE, self.first_pause * 2 ** attempt) * random.uniform(0.5, 1.0)

    def _error_text(self, response: httpx.Response) -> str:
        try:
            error = response.json().get("error", response.text)
            message = error.get("message", error) if isinstance(error, dict) else error
        except (ValueError, AttributeError):
            message = response.text
        return self.scrub(str(message))[:200] or "no message"

    def _completion(self, response: httpx.Response) -> Completion:
        try:
            data = response.json()
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise DocumentError(f"the server at {self.url} answered something that is no "
                                "chat completion") from None
        usage = data.get("usage") or {}
        fingerprint = data.get("system_fingerprint")
        with self._lock:
            self.tokens_written += int(usage.get("completion_tokens") or 0)
            if fingerprint:
                self.fingerprints.add(str(fingerprint))
        return Completion(text=text, finish_reason=choice.get("finish_reason"),
                          prompt_tokens=usage.get("prompt_tokens"),
                          completion_tokens=usage.get("completion_tokens"),
                          system_fingerprint=fingerprint)

    def ask_all(self, payloads: list[dict],
                note: Callable[[str], None] | None = None) -> list[Completion]:
        """Every payload's completion, in order, ``concurrency`` requests in flight at
        once; the first request that fails raises, and no more are sent. ``note`` hears,
        each second, the requests in flight and the tokens per second."""
        pool = ThreadPoolExecutor(max_workers=self.options.concurrency,
                                  thread_name_prefix="summarise-request")
        try:
            futures = [pool.submit(self.chat, payload) for payload in payloads]
            pending = futures
            while pending:
                done, pending = wait(pending, timeout=1.0, return_when=FIRST_EXCEPTION)
                if any(f.exception() for f in done):
                    break
                if note and pending:
                    note(f"{self.status()}; {len(futures) - len(pending)} of {len(futures)} "
                         "requests of this batch answered")
            return [future.result() for future in futures]
        finally:  # a failed request, or Ctrl-C: send no more of this batch's requests
            pool.shutdown(wait=True, cancel_futures=True)

    def status(self) -> str:
        """Requests in flight and tokens written per second, for the progress line."""
        with self._lock:
            elapsed = time.monotonic() - self._started if self._started else 0.0
            rate = self.tokens_written / elapsed if elapsed > 0 else 0.0
            return f"{self.in_flight} request(s) in flight, {rate:.1f} tokens/s"

    def close(self) -> None:
        self.http.close()


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
