"""The SCIM 2.0 endpoints (RFC 7644) under /scim/v2/, for identity providers. A bearer
token (lms.auth.scim.tokens) instead of a session, so no CSRF token; every answer, errors
included, is application/scim+json. Views read the request, call one service, answer."""

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from lms.auth.models import JobRole
from lms.auth.rules import ROLE_ADMIN, ROLE_HR
from lms.auth.scim import discovery, filters, groups, services, tokens
from lms.auth.scim.mapping import ScimSettings, read_user
from lms.auth.scim.patch import apply_patch
from lms.auth.scim.responses import answer, error_answer
from lms.auth.scim.rules import (
    LIST_RESPONSE,
    PATCH_OP,
    ScimError,
    invalid_value,
    names_list,
    page_bounds,
    project,
)
from lms.clock import utcnow
from lms.database import db

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")


def settings() -> ScimSettings:
    config = current_app.config
    return ScimSettings(
        base_url=config["BASE_URL"] + bp.url_prefix,
        job_role_attribute=config["SCIM_JOB_ROLE_ATTRIBUTE"],
        hire_date_attribute=config["SCIM_HIRE_DATE_ATTRIBUTE"],
        role_groups=(
            (ROLE_HR, frozenset(name.lower() for name in config["SCIM_HR_GROUPS"])),
            (ROLE_ADMIN, frozenset(name.lower() for name in config["SCIM_ADMIN_GROUPS"])),
        ),
    )


@bp.errorhandler(ScimError)
def _scim_error(error: ScimError):
    db.session.rollback()
    return error_answer(error)


@bp.errorhandler(IntegrityError)
def _clash(_error: IntegrityError):
    """Two requests making the same person or group at once: the second is told, as SCIM says."""
    db.session.rollback()
    return error_answer(ScimError(409, "Another request has just made the same.", "uniqueness"))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """Werkzeug's own refusals (a body too large, a method not allowed) in SCIM's words."""
    db.session.rollback()
    return error_answer(ScimError(error.code or 500, error.description or error.name))


@bp.before_request
def _authenticate():
    """A live bearer token, else 401; and no body larger than SCIM's own limit."""
    limit = current_app.config["SCIM_MAX_REQUEST_BYTES"]
    request.max_content_length = limit  # a body sent without Content-Length stops there
    if (request.content_length or 0) > limit:
        raise ScimError(413, f"The body is larger than {limit // 1024} KB.")
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    token = tokens.authenticate_token(presented.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise ScimError(401, "A valid SCIM bearer token is required.")
    g.scim_token_name = token.name


def _via() -> str:
    """How the audit log says a change came: through SCIM, with which token."""
    return f"SCIM ({g.scim_token_name})"


def _body() -> dict:
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    if "\\u0000" in request.get_data(as_text=True):  # no database column can hold one
        raise invalid_value("The body holds a NUL character (\\u0000).")
    return body


def _shown(resource: dict, params=None) -> dict:
    """What the attributes and excludedAttributes parameters ask to see."""
    params = request.args if params is None else params
    attributes, excluded = params.get("attributes"), params.get("excludedAttributes")
    return project(resource, _names(attributes), _names(excluded))


def _names(given) -> list[str]:
    """Attribute paths, as a search's list or a URL's comma-separated text."""
    return [str(name) for name in given] if isinstance(given, list) else names_list(given)


def _check_version(resource: dict) -> None:
    """If-Match: change only the version the client read (412 otherwise)."""
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and resource["meta"]["version"] not in wanted:
        raise ScimError(412, "The resource changed since it was read (If-Match).")


def _list_answer(total: int, resources: list[dict], offset: int, params=None) -> Response:
    return answer(
        {
            "schemas": [LIST_RESPONSE],
            "totalResults": total,
            "startIndex": offset + 1,
            "itemsPerPage": len(resources),
            "Resources": [_shown(resource, params) for resource in resources],
        }
    )


def _filter_tree(text: str | None):
    return filters.parse(text) if text else None


# Discovery ---------------------------------------------------------------------------------


@bp.get("/ServiceProviderConfig")
def service_provider_config():
    return answer(discovery.service_provider_config(settings()))


@bp.get("/Schemas")
def list_schemas():
    found = discovery.schemas(settings(), _job_role_slugs())
    return _list_answer(len(found), found, 0)


@bp.get("/Schemas/<path:schema_id>")
def get_schema(schema_id):
    for schema in discovery.schemas(settings(), _job_role_slugs()):
        if schema["id"] == schema_id:
            return answer(schema)
    raise services.not_found("Schema", schema_id)


@bp.get("/ResourceTypes")
def list_resource_types():
    found = discovery.resource_types(settings())
    return _list_answer(len(found), found, 0)


@bp.get("/ResourceTypes/<name>")
def get_resource_type(name):
    for resource_type in discovery.resource_types(settings()):
        if resource_type["id"] == name:
            return answer(resource_type)
    raise services.not_found("ResourceType", name)


@bp.post("/.search")
def search_everything():
    """A search of every resource type (RFC 7644 §3.4.3): the Users, then the Groups."""
    params = _body()
    offset, limit = page_bounds(_text(params.get("startIndex")), _text(params.get("count")))
    tree = _filter_tree(params.get("filter"))
    user_total, users = services.list_users(tree, offset, limit, settings())
    found_groups = groups.list_groups(tree, settings())
    first_group = max(offset - user_total, 0)
    page = users + found_groups[first_group : first_group + limit - len(users)]
    return _list_answer(user_total + len(found_groups), page, offset, params)


def _job_role_slugs() -> list[str]:
    return list(db.session.scalars(select(JobRole.slug).order_by(JobRole.slug)))


# Users -------------------------------------------------------------------------------------


@bp.get("/Users")
def list_users():
    return _search_users(request.args)


@bp.post("/Users/.search")
def search_users():
    """A search sends in its body what a GET sends in the address (RFC 7644 §3.4.3)."""
    return _search_users(_body())


def _search_users(params) -> Response:
    start, count = params.get("startIndex"), params.get("count")
    offset, limit = page_bounds(_text(start), _text(count))
    tree = _filter_tree(params.get("filter"))
    total, resources = services.list_users(tree, offset, limit, settings())
    return _list_answer(total, resources, offset, params)


def _text(value) -> str | None:
    return None if value is None else str(value)


@bp.get("/Users/<user_id>")
def get_user(user_id):
    return answer(_shown(_user(user_id)))


@bp.post("/Users")
def create_user():
    fields = read_user(_body(), settings())
    person = services.create_user(fields, settings(), now=utcnow(), via=_via())
    resource = _committed_user(person)
    return answer(resource, 201, headers={"Location": resource["meta"]["location"]})


@bp.put("/Users/<user_id>")
def replace_user(user_id):
    person, identity = services.get_user(user_id)
    _check_version(services.user_json(person, identity, settings()))
    services.replace_user(
        person, read_user(_body(), settings()), settings(), now=utcnow(), via=_via()
    )
    return answer(_shown(_committed_user(person)))


@bp.patch("/Users/<user_id>")
def patch_user(user_id):
    person, identity = services.get_user(user_id)
    current = services.user_json(person, identity, settings())
    _check_version(current)
    patched = apply_patch(current, _operations())
    services.replace_user(
        person, read_user(patched, settings()), settings(), now=utcnow(), via=_via()
    )
    return answer(_shown(_committed_user(person)))


@bp.delete("/Users/<user_id>")
def delete_user(user_id):
    person, identity = services.get_user(user_id)
    _check_version(services.user_json(person, identity, settings()))
    services.deprovision_user(person, now=utcnow(), via=_via())
    db.session.commit()
    return answer(None, 204)


def _user(user_id: str) -> dict:
    person, identity = services.get_user(user_id)
    return services.user_json(person, identity, settings())


def _committed_user(person) -> dict:
    db.session.commit()
    return _user(str(person.id))


def _operations() -> list:
    body = _body()
    schemas = body.get("schemas", [PATCH_OP])
    if not isinstance(schemas, list) or PATCH_OP not in schemas:
        raise invalid_value(f"A PATCH body's schemas must name {PATCH_OP}.")
    return body.get("Operations")


# Groups ------------------------------------------------------------------------------------


@bp.get("/Groups")
def list_groups():
    offset, limit = page_bounds(request.args.get("startIndex"), request.args.get("count"))
    found = groups.list_groups(_filter_tree(request.args.get("filter")), settings())
    return _list_answer(len(found), found[offset : offset + limit], offset)


@bp.get("/Groups/<group_id>")
def get_group(group_id):
    return answer(_shown(groups.group_json(groups.get_group(group_id), settings())))


@bp.post("/Groups")
def create_group():
    group = groups.create_group(_body(), settings(), now=utcnow(), via=_via())
    db.session.commit()
    resource = groups.group_json(group, settings())
    return answer(resource, 201, headers={"Location": resource["meta"]["location"]})


@bp.put("/Groups/<group_id>")
def replace_group(group_id):
    group = groups.get_group(group_id)
    _check_version(groups.group_json(group, settings()))
    groups.replace_group(group, _body(), settings(), now=utcnow(), via=_via())
    db.session.commit()
    return answer(_shown(groups.group_json(group, settings())))


@bp.patch("/Groups/<group_id>")
def patch_group(group_id):
    group = groups.get_group(group_id)
    current = groups.group_json(group, settings())
    _check_version(current)
    patched = apply_patch(current, _operations())
    groups.replace_group(group, patched, settings(), now=utcnow(), via=_via())
    db.session.commit()
    return answer(_shown(groups.group_json(group, settings())))


@bp.delete("/Groups/<group_id>")
def delete_group(group_id):
    group = groups.get_group(group_id)
    _check_version(groups.group_json(group, settings()))
    groups.delete_group(group, settings(), now=utcnow(), via=_via())
    db.session.commit()
    return answer(None, 204)
