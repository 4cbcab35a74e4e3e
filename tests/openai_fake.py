"""A tiny OpenAI-compatible chat server on loopback, written for the tests: it answers
``/v1/models`` and ``/v1/chat/completions`` with fixed text, can be told to fail (a
status with headers, a hang, a dropped connection) for the next requests, counts the
requests in flight at once, and keeps every request it got (headers and body)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWERS = {"de": "Die Band wurde gegründet. Sie spielte Rock.",
           "en": "The band was founded. It played rock."}


class FakeServer:
    def __init__(self, models=("tiny-chat",), delay: float = 0.0, listing_extra=None,
                 port: int = 0):
        self.models, self.delay = list(models), delay
        self.listing_extra = listing_extra or {}
        self.faults: list[tuple] = []  # for the next requests: ("status", code, headers)...
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake.requests.append({"path": self.path, "headers": dict(self.headers)})
                if self.path.rstrip("/") != "/v1/models":
                    return self._send(404, {"error": {"message": "no such path"}})
                data = [{"id": m, "object": "model", **fake.listing_extra} for m in fake.models]
                self._send(200, {"object": "list", "data": data})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    fake.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body})
                    fault = fake.faults.pop(0) if fake.faults else None
                    fake.in_flight += 1
                    fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
                try:
                    time.sleep(fake.delay)
                    if fault and fault[0] == "status":
                        return self._send(fault[1], {"error": {"message": "try later"}},
                                          fault[2] if len(fault) > 2 else {})
                    if fault and fault[0] == "hang":
                        time.sleep(fault[1])
                    if fault and fault[0] == "drop":
                        self.close_connection = True
                        return
                    text = ANSWERS["de" if "Deutsch" in json.dumps(body, ensure_ascii=False)
                                   else "en"]
                    self._send(200, {"id": "x", "object": "chat.completion",
                                     "model": body["model"], "system_fingerprint": "fp_test",
                                     "choices": [{"index": 0, "finish_reason": "stop",
                                                  "message": {"role": "assistant",
                                                              "content": text}}],
                                     "usage": {"prompt_tokens": 50, "completion_tokens": 9}})
                finally:
                    with fake.lock:
                        fake.in_flight -= 1

            def _send(self, code, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def chats(self) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class CountingProxy:
    """A loopback proxy in front of a real server that counts the requests open through
    it at once: what the server has in flight."""

    def __init__(self, target: str):
        import httpx2

        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()
        proxy = self
        client = httpx2.Client(timeout=600, trust_env=False)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._forward(None)

            def do_POST(self):
                self._forward(self.rfile.read(int(self.headers["Content-Length"])))

            def _forward(self, body):
                with proxy.lock:
                    proxy.in_flight += 1
                    proxy.most_in_flight = max(proxy.most_in_flight, proxy.in_flight)
                try:
                    url = target.rstrip("/") + self.path.removeprefix("/v1")
                    answer = client.request(self.command, url, content=body,
                                            headers={"Content-Type": "application/json"})
                finally:
                    with proxy.lock:
                        proxy.in_flight -= 1
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
