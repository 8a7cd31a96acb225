"""SCIM's plain rules: its error, how loose values from identity providers are read, and
paging. Pure: plain values in, answers out."""

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class ScimError(Exception):
    """A request SCIM refuses: `status`, a `scim_type` (RFC 7644 §3.12) and a detail that
    names the attribute."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def body(self) -> dict:
        body = {"schemas": [ERROR_SCHEMA], "status": str(self.status), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def read_bool(value, attribute: str) -> bool:
    """A boolean as identity providers send it: Entra ID sends "True" and "False" as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid_value(f"{attribute} must be true or false, not {value!r}.")


def page_bounds(start_index: str | None, count: str | None) -> tuple[int, int]:
    """(offset, limit) from SCIM's 1-based startIndex and count (RFC 7644 §3.4.2.4): a
    startIndex below 1 means 1, a negative count means 0; count is capped at MAX_PAGE_SIZE."""
    start = _integer(start_index, "startIndex", default=1)
    size = _integer(count, "count", default=DEFAULT_PAGE_SIZE)
    return max(start, 1) - 1, min(max(size, 0), MAX_PAGE_SIZE)


def _integer(text: str | None, name: str, *, default: int) -> int:
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise invalid_value(f"{name} must be a whole number, not {text!r}.") from None


def etag_for(representation_digest: str) -> str:
    """The weak entity tag of a resource whose representation hashes to this digest."""
    return f'W/"{representation_digest}"'


ALWAYS_RETURNED = {"id", "schemas"}


def project(resource: dict, attributes: list[str], excluded: list[str]) -> dict:
    """The resource with only the `attributes` asked for, or without the `excluded` ones
    (RFC 7644 §3.9); names regardless of case, with a schema URN or a sub-attribute.
    id and schemas are always returned."""
    if attributes:
        wanted = [_path_names(resource, path) for path in attributes]
        return {
            key: _kept(value, [names[1:] for names in wanted if names[0] == key.lower()])
            for key, value in resource.items()
            if key in ALWAYS_RETURNED or any(names[0] == key.lower() for names in wanted)
        }
    unwanted = [_path_names(resource, path) for path in excluded]
    return _dropped(resource, unwanted)


def _path_names(resource: dict, path: str) -> list[str]:
    """["urn:…:user", "manager"] for an extension attribute; a core attribute named with
    its schema's URN loses the URN."""
    path = path.strip()
    for key in resource:
        if key.lower().startswith("urn:") and path.lower().startswith(key.lower() + ":"):
            return [key.lower(), *path[len(key) + 1 :].lower().split(".")]
    for schema in resource.get("schemas", []):
        if path.lower().startswith(schema.lower() + ":"):
            path = path[len(schema) + 1 :]
    return path.lower().split(".")


def _kept(value, sub_paths: list[list[str]]):
    if any(not names for names in sub_paths) or not isinstance(value, dict | list):
        return value
    if isinstance(value, list):
        return [_kept(item, sub_paths) for item in value]
    return {
        key: _kept(item, [names[1:] for names in sub_paths if names[0] == key.lower()])
        for key, item in value.items()
        if any(names[0] == key.lower() for names in sub_paths)
    }


def _dropped(value, unwanted: list[list[str]]):
    if isinstance(value, list):
        return [_dropped(item, unwanted) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {}
    for key, item in value.items():
        if key in ALWAYS_RETURNED or [key.lower()] not in unwanted:
            below = [names[1:] for names in unwanted if len(names) > 1 and names[0] == key.lower()]
            kept[key] = _dropped(item, below) if below else item
    return kept


def names_list(text: str | None) -> list[str]:
    """ "userName, name.givenName" as a list of attribute paths."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]
