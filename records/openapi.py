"""The OpenAPI operations of the records API (`records/api.py`), kept out of the view module.

apispec's Flask plugin reads a view's operations from the YAML after `---` in its docstring;
`documented` puts them there from `OPERATIONS`, keyed by the view function's name. The schema
names refer to `records.schemas` (every schema there is a component of the document).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

OPERATIONS: dict[str, Any] = yaml.safe_load(
    """
meeting_minutes:
  get:
    tags: [records]
    summary: Minutes of a closed meeting (drafted when the session closed, or on first access)
    parameters:
      - {in: path, name: meeting_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: MinutesDetailSchema
      409:
        description: "The session is not closed yet"

minutes_detail:
  get:
    tags: [records]
    summary: The minutes with their comments and revisions
    parameters:
      - {in: path, name: minutes_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: MinutesDetailSchema

save_minutes:
  put:
    tags: [records]
    summary: Save changed fields as a new revision (409 when someone saved in between)
    parameters:
      - {in: path, name: minutes_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: MinutesSaveSchema
    responses:
      200:
        content:
          application/json:
            schema: MinutesDetailSchema
      409:
        description: "Edit conflict; the body lists the other editor's changes (their_changes)"

finalize_minutes:
  post:
    tags: [records]
    summary: Freeze the minutes, take their register number and render the PDF to be signed
    parameters:
      - {in: path, name: minutes_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: MinutesDetailSchema
      409:
        description: "Not a draft or circulated, or the session has no chair"
      422:
        description: "No item has a conclusion or a decision (code minutes.no_conclusions, fields name each item's conclusion); nothing is stored"

comment_minutes:
  post:
    tags: [records]
    summary: A member present proposes a correction on one item (sent live to the meeting room)
    parameters:
      - {in: path, name: minutes_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: MinutesCommentInputSchema
    responses:
      201:
        description: "The comment"
        content:
          application/json:
            schema: MinutesCommentSchema

resolve_comment:
  post:
    tags: [records]
    summary: The secretariat marks a correction as handled
    parameters:
      - {in: path, name: comment_id, required: true, schema: {type: integer}}
    responses:
      200:
        description: "The comment"
        content:
          application/json:
            schema: MinutesCommentSchema

sign_minutes:
  post:
    tags: [records]
    summary: The secretary (first) or the chair (after) signs with their signing passphrase
    parameters:
      - {in: path, name: minutes_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: SignInputSchema
    responses:
      200:
        description: "Signed; the new state and the signature"
        content:
          application/json:
            schema: SignResultSchema
      403:
        description: "Not a signer of this record"
      409:
        description: "Out of order, not final, wrong passphrase"

decision_detail:
  get:
    tags: [records]
    summary: A resolution or ballot decision record
    parameters:
      - {in: path, name: record_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: DecisionSchema

update_decision:
  put:
    tags: [records]
    summary: Edit summary, bases, articles or recipients of a draft (version-checked)
    parameters:
      - {in: path, name: record_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: DecisionUpdateSchema
    responses:
      200:
        content:
          application/json:
            schema: DecisionSchema
      409:
        description: "Edit conflict or not a draft"

sign_decision:
  post:
    tags: [records]
    summary: The secretary (first) or the chair (after) signs with their signing passphrase
    parameters:
      - {in: path, name: record_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: SignInputSchema
    responses:
      200:
        description: "Signed; the new state and the signature"
        content:
          application/json:
            schema: SignResultSchema

verify:
  post:
    tags: [records]
    summary: Upload a PDF (multipart field "file") or name a stored record (JSON)
    requestBody:
      content:
        multipart/form-data:
          schema:
            type: object
            properties:
              file: {type: string, format: binary}
        application/json:
          schema: VerifyRecordSchema
    responses:
      200:
        content:
          application/json:
            schema: VerificationSchema
"""
)


def documented(view: Callable) -> Callable:
    """Append `view`'s OpenAPI operations to its docstring (a view without any is an error)."""
    operations = yaml.safe_dump(OPERATIONS[view.__name__], allow_unicode=True, sort_keys=False)
    view.__doc__ = f"{(view.__doc__ or '').strip()}\n---\n{operations}"
    return view
