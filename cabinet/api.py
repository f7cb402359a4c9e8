"""The JSON API under /api/v1: core endpoints and the OpenAPI document built from every package.

Each view's docstring carries its OpenAPI operation (YAML after `---`); schemas are the
marshmallow classes in each registered package's `schemas` module.
"""

from __future__ import annotations

import importlib
import inspect

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, current_app, jsonify, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from cabinet.audit.models import AuditEntry
from cabinet.audit.services import describe, verify_chain
from cabinet.db import db, get_or_404
from cabinet.permissions import login_required_route, public_route, roles_required
from cabinet.schemas import ProblemSchema, UserSchema, json_body, load_or_raise
from cabinet.users import current_person
from cabinet.users.models import Role, User
from cabinet.users.services import create_user, set_user_active, set_user_roles

bp = Blueprint("core_api", __name__, url_prefix="/api/v1")

ROLE_VALUES = [r.value for r in Role]


class UserCreateSchema(Schema):
    """A new account."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10))
    title = fields.String(load_default="")
    ministry = fields.String(load_default="")
    locale = fields.String(load_default="vi", validate=validate.OneOf(["vi", "en"]))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLE_VALUES)), load_default=list)


class UserUpdateSchema(Schema):
    """Changes to an account's roles or activation."""

    roles = fields.List(fields.String(validate=validate.OneOf(ROLE_VALUES)))
    active = fields.Boolean()


class AuditEntrySchema(Schema):
    """One audit entry."""

    seq = fields.Integer()
    at = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String()
    action = fields.String()
    object_type = fields.String(allow_none=True)
    object_id = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    data = fields.Dict()
    hash = fields.String()


@bp.route("/me")
@login_required_route
def me():
    """The signed-in person.
    ---
    get:
      summary: The signed-in person
      tags: [core]
      responses:
        200:
          content:
            application/json:
              schema: UserSchema
        401:
          $ref: '#/components/responses/Problem'
    """
    return jsonify(UserSchema().dump(current_person()))


@bp.route("/users", methods=["GET"])
@roles_required(Role.ADMIN)
def list_users():
    """Every account.
    ---
    get:
      summary: List accounts (admin)
      tags: [core]
      responses:
        200:
          content:
            application/json:
              schema:
                type: array
                items: UserSchema
        403:
          $ref: '#/components/responses/Problem'
    """
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return jsonify(UserSchema(many=True).dump(users))


@bp.route("/users", methods=["POST"])
@roles_required(Role.ADMIN)
def post_user():
    """Create an account.
    ---
    post:
      summary: Create an account (admin)
      tags: [core]
      requestBody:
        required: true
        content:
          application/json:
            schema: UserCreateSchema
      responses:
        201:
          content:
            application/json:
              schema: UserSchema
        409:
          $ref: '#/components/responses/Problem'
        422:
          $ref: '#/components/responses/Problem'
    """
    data = load_or_raise(UserCreateSchema(), json_body())
    user = create_user(
        **{k: v for k, v in data.items() if k != "roles"},
        roles={Role(r) for r in data["roles"]},
        actor=current_person(),
    )
    return jsonify(UserSchema().dump(user)), 201


@bp.route("/users/<int:user_id>", methods=["PATCH"])
@roles_required(Role.ADMIN)
def patch_user(user_id: int):
    """Change roles or activation.
    ---
    patch:
      summary: Change an account's roles or activation (admin)
      tags: [core]
      parameters:
        - in: path
          name: user_id
          schema: {type: integer}
          required: true
      requestBody:
        required: true
        content:
          application/json:
            schema: UserUpdateSchema
      responses:
        200:
          content:
            application/json:
              schema: UserSchema
        404:
          $ref: '#/components/responses/Problem'
        422:
          $ref: '#/components/responses/Problem'
    """
    user = get_or_404(User, user_id)
    data = load_or_raise(UserUpdateSchema(), json_body())
    actor = current_person()
    if "roles" in data:
        set_user_roles(user, {Role(r) for r in data["roles"]}, actor=actor)
    if "active" in data:
        set_user_active(user, data["active"], actor=actor)
    return jsonify(UserSchema().dump(user))


@bp.route("/audit", methods=["GET"])
@roles_required(Role.ADMIN)
def audit_log():
    """Audit entries after a sequence number.
    ---
    get:
      summary: Read the audit log (admin), oldest first
      tags: [core]
      parameters:
        - in: query
          name: after
          schema: {type: integer, default: 0}
        - in: query
          name: limit
          schema: {type: integer, default: 200, maximum: 1000}
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  entries:
                    type: array
                    items: AuditEntrySchema
                  chain_ok: {type: boolean}
    """
    after = request.args.get("after", 0, type=int)
    limit = min(request.args.get("limit", 200, type=int), 1000)
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    )
    return jsonify(entries=[describe(e) for e in rows], chain_ok=verify_chain(db.session).ok)


@bp.route("/openapi.json")
@public_route
def openapi():
    """The OpenAPI 3 document of the whole API."""
    return jsonify(build_spec(current_app).to_dict())


def _schema_classes(module_name: str) -> list[type[Schema]]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return []
        raise
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Schema) and obj is not Schema and obj.__module__ == module.__name__
    ]


def build_spec(app: Flask) -> APISpec:
    """Collect every /api/v1 route and every package schema into one OpenAPI 3 document."""
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(
        title="e-Cabinet API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), marshmallow_plugin],
        info={"description": "Cabinet sessions, votes, opinion ballots and signed records."},
    )
    spec.components.security_scheme(
        "session",
        {"type": "apiKey", "in": "cookie", "name": "session", "description": "Signed-in session"},
    )
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.response(
        "Problem",
        {
            "description": "RFC 9457 problem details",
            "content": {"application/problem+json": {"schema": "Problem"}},
        },
    )
    seen: set[str] = {"ProblemSchema"}
    modules = [
        "cabinet.schemas",
        "cabinet.api",
        *(f"{pkg}.schemas" for pkg in app.extensions["ecabinet.features"]),
    ]
    modules += [f"{pkg}.api" for pkg in app.extensions["ecabinet.features"]]
    for module_name in modules:
        for cls in _schema_classes(module_name):
            already = any(key[0] is cls for key in marshmallow_plugin.converter.refs)  # nested ones
            if cls.__name__ not in seen and not already:
                seen.add(cls.__name__)
                spec.components.schema(cls.__name__, schema=cls)
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.rule.startswith("/api/v1/") and rule.endpoint != "core_api.openapi":
                spec.path(view=app.view_functions[rule.endpoint], app=app)
    return spec
