"""Reading a deploy's body: a multipart bundle (one ``file`` part per diagram, decision table and
form, plus ``note``) or a raw BPMN document (``?note=``). Kept apart from the routes so deploy and
validate read the same body forms."""

from __future__ import annotations

from flask import request

from app.errors import BadRequest
from app.http import runtime
from app.services.bundles import Bundle, BundleFile, read_bundle, read_note


def bundle_from_request() -> Bundle:
    """The request's bundle; 400 for a multipart body without files, 422 naming each bad file."""
    if request.mimetype == "multipart/form-data":
        uploads = [f for f in request.files.getlist("file") if f.filename or f.content_length]
        if not uploads:
            raise BadRequest(
                "multipart upload needs a 'file' field",
                code="missing_file",
                details=[{"field": "file", "message": "required"}],
            )
        return read_bundle(
            ((u.filename or "", u.read()) for u in uploads),
            note=request.form.get("note"),
            max_xml_bytes=runtime().settings.max_bpmn_bytes,
        )
    return Bundle(diagrams=(BundleFile("", request.get_data()),), note=read_note(request.args.get("note")))
