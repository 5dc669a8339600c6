"""A small local server that speaks enough of the OpenAI HTTP API for the real ``openai`` client (AI-2, STYLE 16).

It serves, on 127.0.0.1 and a random port:

* ``POST /v1/chat/completions`` and ``POST /v1/audio/transcriptions`` (multipart), OpenAI style, authenticated with
  ``Authorization: Bearer <api_key>``;
* ``POST /openai/deployments/<deployment>/chat/completions`` and ``…/audio/transcriptions``, Azure OpenAI style,
  authenticated with an ``api-key`` header and requiring an ``api-version`` query parameter.

Each test scripts the answers: ``server.push(Reply(...), ...)`` queues canned behaviours (a JSON body, a status
code, extra headers such as ``Retry-After``, a raw malformed body, a delay longer than the client's timeout) that are
served in order, one per authenticated request. Every request that reaches the server is recorded
(``server.requests``: path, query, headers, parsed JSON or multipart form) so tests can assert on what was sent.
With nothing queued the server answers 418, which the provider treats as a non-retryable client error, so a test
that forgot to script a reply fails fast and visibly; or, when the server was given a ``responder``, whatever that
function builds from the request (a reply computed from what was sent, for runs of many calls such as the golden set).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "test-key"
OPENAI_ROUTES = {"/v1/chat/completions": "chat", "/v1/audio/transcriptions": "transcription"}
AZURE_PREFIX = "/openai/deployments/"
AZURE_ROUTES = {"chat/completions": "chat", "audio/transcriptions": "transcription"}


@dataclass(frozen=True)
class Reply:
    """One canned behaviour: ``json`` (or a raw ``body``), ``status``, extra ``headers``, and a ``delay_s``."""

    json: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # sent as-is instead of ``json`` (a malformed response)
    delay_s: float = 0.0  # wait before answering (longer than the client's timeout: a timeout)


@dataclass(frozen=True)
class RecordedRequest:
    """What the client sent: enough to assert on headers, the JSON payload or the multipart form."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    json: Any = None
    form: dict[str, list[str]] = field(default_factory=dict)  # multipart text fields
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # multipart files: (filename, content)
    route: str = ""  # "chat", "transcription" or "" (unknown)
    deployment: str | None = None  # the Azure deployment in the path

    @property
    def text(self) -> str:
        """The whole request (headers and body) as text, for "this never appears in what was sent" assertions."""
        head = "\n".join(f"{name}: {value}" for name, value in self.headers.items())
        return f"{self.method} {self.path}\n{head}\n\n{self.body.decode('utf-8', errors='replace')}"


def chat_completion(
    content: str | dict | list | None,
    *,
    prompt_tokens: int = 120,
    completion_tokens: int = 40,
    finish_reason: str = "stop",
    model: str = "fake-model",
    refusal: str | None = None,
) -> dict[str, Any]:
    """A chat completion body; ``content`` that is not a string is JSON-encoded (structured output)."""
    if content is not None and not isinstance(content, str):
        content = json.dumps(content)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def transcription(
    segments: list[tuple[float, float, str]], *, duration: float | None = None, language: str = "english"
) -> dict[str, Any]:
    """A ``verbose_json`` transcription body with segment timestamps, as whisper-1 returns it."""
    duration = duration if duration is not None else (segments[-1][1] if segments else 0.0)
    return {
        "task": "transcribe",
        "language": language,
        "duration": duration,
        "text": " ".join(text.strip() for _, _, text in segments),
        "segments": [
            {
                "id": number,
                "seek": 0,
                "start": start,
                "end": end,
                "text": text,
                "tokens": [],
                "temperature": 0.0,
                "avg_logprob": -0.2,
                "compression_ratio": 1.2,
                "no_speech_prob": 0.01,
            }
            for number, (start, end, text) in enumerate(segments)
        ],
        "usage": {"type": "duration", "seconds": duration},
    }


def error_body(message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, tuple[str, bytes]]]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    form: dict[str, list[str]] = {}
    files: dict[str, tuple[str, bytes]] = {}
    parts: list[Message] = message.get_payload() if message.is_multipart() else []  # type: ignore[assignment]
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[str(name)] = (filename, payload)
        else:
            form.setdefault(str(name), []).append(payload.decode())
    return form, files


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        body = self._read_body()
        headers = {name.lower(): value for name, value in self.headers.items()}
        route, deployment = "", None
        if url.path in OPENAI_ROUTES:
            route = OPENAI_ROUTES[url.path]
        elif url.path.startswith(AZURE_PREFIX):
            deployment, _, rest = url.path[len(AZURE_PREFIX) :].partition("/")
            route = AZURE_ROUTES.get(rest, "")
        parsed_json, form, files = None, {}, {}
        content_type = headers.get("content-type", "")
        if content_type.startswith("application/json"):
            parsed_json = json.loads(body or b"null")
        elif content_type.startswith("multipart/form-data"):
            form, files = _parse_multipart(content_type, body)
        request = RecordedRequest(
            method="POST",
            path=url.path,
            query=parse_qs(url.query),
            headers=headers,
            body=body,
            json=parsed_json,
            form=form,
            files=files,
            route=route,
            deployment=deployment,
        )
        self.server.owner.record(request)

        if not route:
            self._send(Reply(error_body(f"no route {url.path}"), status=404))
            return
        if deployment is None and headers.get("authorization") != f"Bearer {self.server.owner.api_key}":
            self._send(Reply(error_body("bad api key", "invalid_api_key"), status=401))
            return
        entra = self.server.owner.entra_token
        azure_authorized = headers.get("api-key") == self.server.owner.api_key or (
            entra is not None and headers.get("authorization") == f"Bearer {entra}"
        )
        if deployment is not None and (not azure_authorized or not request.query.get("api-version")):
            self._send(Reply(error_body("bad api-key header or missing api-version", "invalid_api_key"), status=401))
            return
        self._send(self.server.owner.next_reply(request))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """App Service's managed-identity endpoint (``IDENTITY_ENDPOINT``/``IDENTITY_HEADER``), as azure-identity's
        ManagedIdentityCredential calls it: the header must match, the token is for the resource asked."""
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        owner = self.server.owner
        if url.path != "/msi/token" or owner.entra_token is None:
            self._send(Reply(error_body(f"no route {url.path}"), status=404))
            return
        owner.identity_requests.append({"query": query, "headers": dict(self.headers.items())})
        if self.headers.get("X-IDENTITY-HEADER") != owner.identity_header:
            self._send(Reply({"error": "invalid identity header"}, status=401))
            return
        self._send(
            Reply(
                {
                    "access_token": owner.entra_token,
                    "expires_on": str(int(time.time()) + 3600),
                    "resource": (query.get("resource") or [""])[0],
                    "token_type": "Bearer",
                }
            )
        )

    def _send(self, reply: Reply) -> None:
        if reply.delay_s:
            self.server.owner.released.wait(reply.delay_s)
        payload = reply.body if reply.body is not None else json.dumps(reply.json).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: FakeOpenAIServer


class FakeOpenAIServer:
    """The scriptable server; use as a context manager or call ``start()``/``stop()``."""

    def __init__(
        self,
        api_key: str = API_KEY,
        entra_token: str | None = None,
        responder: Callable[[RecordedRequest], Reply] | None = None,
    ):
        self.api_key = api_key
        self.responder = responder  # answers authenticated requests when nothing is queued
        # With ``entra_token``, Azure routes also accept ``Authorization: Bearer <entra_token>`` and ``GET /msi/token``
        # hands that token out as App Service's managed-identity endpoint does (``identity_endpoint``).
        self.entra_token = entra_token
        self.identity_header = "identity-header-secret"
        self.identity_requests: list[dict] = []
        self.requests: list[RecordedRequest] = []
        self.released = threading.Event()  # set on stop: delayed replies end at once
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (``OPENAI_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def endpoint(self) -> str:
        """The Azure-style resource endpoint (``AZURE_OPENAI_ENDPOINT``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def identity_endpoint(self) -> str:
        """For ``IDENTITY_ENDPOINT``: the managed-identity token endpoint."""
        return f"http://127.0.0.1:{self.port}/msi/token"

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        if self.responder is not None:
            return self.responder(request)
        return Reply(error_body(f"fake server: no scripted reply for POST {request.path}"), status=418)

    @property
    def pending(self) -> int:
        """Replies scripted but not served yet."""
        with self._lock:
            return len(self._replies)

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
