"""Serve stage: what every front end returns (views, shared with the CLI) and the HTTP API.

``views`` holds the command results the CLI prints with ``--json`` and the API returns;
``encode.plain`` turns them into JSON data; ``api.create_app`` is the FastAPI application behind
``clausetrace serve``.
"""
