"""The HTTP API behind `clausetrace serve`: the CLI's `--json` results over HTTP, from one index
generation per request, following new generations like the app.

Bodies are the same pydantic models the CLI prints (through ``encode.plain``); every error is one
JSON object ``{"error", "message", "status"}``: 400 bad input, 404 unknown clause or route, 413 body
too large, 422 a body or parameter of the wrong shape, 503 no usable index.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request

from clausetrace import __version__
from clausetrace.answer import Answer, ask
from clausetrace.errors import (
    ClausetraceError,
    IndexMismatchError,
    IndexMissingError,
    QuestionRejectedError,
    UnknownAnchorError,
)
from clausetrace.index import ClauseIndex, LiveIndex
from clausetrace.serve.encode import plain
from clausetrace.serve.limits import BodyLimit, error_body
from clausetrace.serve.views import clause_impact, clause_trace, register_rows, version_diff
from clausetrace.settings import Settings

GENERATION_HEADER = "X-Clausetrace-Generation"
MAX_BODY_BYTES = 16 * 1024
Short = Annotated[str | None, Query(max_length=100)]
AnchorPath = Annotated[str, PathParam(max_length=100, description="e.g. 'ESL 39.1' (URL-encoded)")]
log = logging.getLogger("uvicorn.error")


class AskRequest(BaseModel):
    """A question, with the filters of `clausetrace ask`."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question (at most settings.max_question_chars characters)")
    k: int | None = Field(default=None, ge=1, le=50, description="Clauses to retrieve (default 5)")
    doc: str | None = Field(default=None, max_length=100, description="Only this document prefix")
    version: str | None = Field(default=None, max_length=100, description="Pin a document version")
    party: str | None = Field(default=None, max_length=100, description="Only this party's clauses")


class Health(BaseModel):
    """The live index generation this server answers from."""

    status: str
    generation: str
    built_at: str
    documents: int
    clauses: int
    index: str
    clausetrace_version: str


class Service:
    """The index root being served: one LiveIndex, and a bound on concurrent answers (one per core)."""

    def __init__(self, root: Path, settings: Settings, slots: int | None = None) -> None:
        self.root, self.settings = Path(root), settings
        self.slots = threading.BoundedSemaphore(slots or os.cpu_count() or 1)
        self._live: LiveIndex | None = None
        self._opening = threading.Lock()
        self._generation = ""

    def index(self) -> ClauseIndex:
        """The generation to answer this request from (the newest published, once loaded)."""
        if self._live is None:
            with self._opening:
                if self._live is None:
                    self._live = LiveIndex(self.root)
        index = self._live.current()
        if index.generation != self._generation:
            if self._generation:
                log.info("%s", self._live.notice)
            self._generation = index.generation
        return index


def reply(data: Any, index: ClauseIndex) -> JSONResponse:
    """The JSON body of a result, naming the generation that produced it."""
    return JSONResponse(plain(data), headers={GENERATION_HEADER: index.generation})


def create_app(root: Path, settings: Settings | None = None, slots: int | None = None) -> FastAPI:
    """The API over the index at root (its live generation, followed between requests)."""
    service = Service(root, settings or Settings(), slots)
    app = FastAPI(
        title="clausetrace",
        version=__version__,
        summary="Cited answers and traceability for GB smart-metering obligations",
    )
    app.state.service = service
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    _add_error_handlers(app)
    _add_routes(app, service)
    return app


def _add_routes(app: FastAPI, service: Service) -> None:
    """The endpoints: one per CLI command, plus /health."""

    @app.post("/ask", responses={200: {"model": Answer}}, summary="Answer a question with citations")
    def ask_question(request: AskRequest) -> JSONResponse:
        index = service.index()
        with service.slots:
            answer = ask(
                request.question,
                index,
                service.settings,
                k=request.k,
                prefix=request.doc,
                version=request.version,
                party=request.party,
            )
        return reply(answer, index)

    @app.get("/clauses/{anchor}", summary="A clause: text, title path, document, version, pages")
    def show_clause(anchor: AnchorPath, version: Short = None) -> JSONResponse:
        from clausetrace.index.lookup import get_clause

        index = service.index()
        return reply(get_clause(index, anchor, version), index)

    @app.get("/obligations", summary="The obligation register")
    def obligations(party: Short = None, doc: Short = None, version: Short = None) -> JSONResponse:
        index = service.index()
        return reply(register_rows(index, party=party, prefix=doc, version=version), index)

    @app.get("/trace/{anchor}", summary="What a clause depends on and what refers to it")
    def trace(anchor: AnchorPath, version: Short = None) -> JSONResponse:
        index = service.index()
        return reply(clause_trace(index, anchor, version), index)

    @app.get("/impact/{anchor}", summary="Every clause that depends on a clause, transitively")
    def impact(anchor: AnchorPath, version: Short = None) -> JSONResponse:
        index = service.index()
        return reply(clause_impact(index, anchor, version), index)

    @app.get("/diff", summary="Clause-by-clause comparison of two versions of a document")
    def diff(
        document: Annotated[str, Query(max_length=100, description="e.g. 'ESL 48'")],
        old: Annotated[str, Query(alias="from", max_length=100)],
        new: Annotated[str, Query(alias="to", max_length=100)],
    ) -> JSONResponse:
        index = service.index()
        return reply(version_diff(index, document, old, new), index)

    @app.get("/health", response_model=Health, summary="The live index generation")
    def health() -> JSONResponse:
        index = service.index()
        m = index.manifest
        body = Health(
            status="ok",
            generation=index.generation,
            built_at=m.built_at,
            documents=m.counts.get("documents", len(m.sources)),
            clauses=m.counts.get("clauses", 0),
            index=str(service.root),
            clausetrace_version=__version__,
        )
        return reply(body, index)


STATUS_OF: list[tuple[type[ClausetraceError], int, str]] = [
    (UnknownAnchorError, 404, "unknown_clause"),
    (QuestionRejectedError, 400, "question_rejected"),
    (IndexMissingError, 503, "index_unavailable"),
    (IndexMismatchError, 503, "index_unavailable"),
    (ClausetraceError, 400, "bad_request"),
]


def _add_error_handlers(app: FastAPI) -> None:
    """One JSON error per bad request; nothing ever answers with a traceback."""

    def handler(kind: type[Exception]) -> Callable[[Callable[..., JSONResponse]], Any]:
        return app.exception_handler(kind)

    @handler(ClausetraceError)
    def domain_error(_: Request, exc: ClausetraceError) -> JSONResponse:
        status, code = next((s, c) for kind, s, c in STATUS_OF if isinstance(exc, kind))
        return error_body(status, code, str(exc))

    @handler(RequestValidationError)
    def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_body(400, "invalid_json", "the request body is not valid JSON")
        where = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}" for e in errors)
        return error_body(422, "invalid_request", where)

    @handler(HTTPException)
    def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_body(exc.status_code, code, str(exc.detail))

    @handler(Exception)
    def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")  # the traceback goes to the server log, never to a client
        return error_body(500, "internal_error", f"unexpected {type(exc).__name__}; see the server log")
