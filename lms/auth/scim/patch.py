"""PATCH (RFC 7644 §3.5.2) applied to a resource's SCIM JSON, giving the JSON a PUT would
have sent; the caller then saves it as it saves a PUT. Pure: no app, no database.

Identity providers' ways are accepted: operation names in any case ("Replace", Entra ID),
`replace` without a path whose value holds dotted or schema-prefixed names (Entra ID:
{"name.givenName": "Ann"}), and a value path with no match for `replace`, which adds the
value (Entra ID: `emails[type eq "work"].value` on a person with no work e-mail)."""

import copy

from lms.auth.scim import filters
from lms.auth.scim.rules import ScimError, invalid_value

READ_ONLY = {"id", "meta", "groups"}


def no_target(detail: str) -> ScimError:
    return ScimError(400, detail, "noTarget")


def apply_patch(resource: dict, operations) -> dict:
    """The resource with every operation applied in order; nothing changes if one fails."""
    if not isinstance(operations, list) or not operations:
        raise invalid_value("Operations must be a list of at least one operation.")
    patched = copy.deepcopy(resource)
    for number, operation in enumerate(operations, start=1):
        if not isinstance(operation, dict):
            raise invalid_value(f"Operations[{number}] must be an object.")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise invalid_value(f"Operations[{number}].op must be add, replace or remove.")
        path, value = operation.get("path"), operation.get("value")
        if path:
            _apply_at(patched, op, str(path), value, resource)
        elif op == "remove":
            raise no_target(f"Operations[{number}]: remove needs a path.")
        elif isinstance(value, dict):
            _apply_without_path(patched, op, value, resource)
        else:
            raise invalid_value(f"Operations[{number}]: {op} without a path needs an object.")
    return patched


def _apply_without_path(patched: dict, op: str, value: dict, original: dict) -> None:
    for name, item in value.items():
        if name == "schemas":
            continue
        if name.lower().startswith("urn:") and isinstance(item, dict):
            for sub, sub_value in item.items():
                _apply_at(patched, op, f"{name}:{sub}", sub_value, original)
        else:
            _apply_at(patched, op, name, item, original)


def _apply_at(patched: dict, op: str, path: str, value, original: dict) -> None:
    attribute, value_filter, sub = _split(path)
    names = _names(patched, attribute)
    _check_writable(names, value, original, path)
    if value_filter is not None:
        _apply_to_matching(patched, op, names, value_filter, sub, value, path)
        return
    parent = _parent(patched, names[:-1], create=op != "remove")
    if parent is None:
        return
    key = _key(parent, names[-1])
    if op == "remove":
        _remove(parent, key, value)
    elif op == "add" and isinstance(parent.get(key), list):
        parent[key] = _merged_list(parent[key], value)
    elif op == "add" and isinstance(parent.get(key), dict) and isinstance(value, dict):
        parent[key] = parent[key] | value
    else:
        parent[key] = value


def _split(path: str):
    """(attribute, filter or None, sub-attribute or None) of `emails[type eq "work"].value`."""
    if "[" not in path:
        return path, None, None
    attribute, _, rest = path.partition("[")
    inner, bracket, after = rest.rpartition("]")
    if not bracket or (after and not after.startswith(".")):
        raise ScimError(400, f"Cannot read the path {path!r}.", "invalidPath")
    return attribute, filters.parse(inner), after[1:] or None


def _names(resource: dict, attribute: str) -> list[str]:
    """The names along a path; a schema URN alone names the whole extension, and the core
    schema's URN before an attribute names the attribute itself."""
    schemas = [*resource.get("schemas", []), *(key for key in resource if key.startswith("urn:"))]
    for schema in schemas:
        if schema.lower() == attribute.lower():
            return [schema]
    names = filters.split_path(attribute)
    core = (resource.get("schemas") or [""])[0]
    return names[1:] if names[0].lower() == core.lower() else names  # the core's, in full


def _check_writable(names: list[str], value, original: dict, path: str) -> None:
    """id, meta and groups are the service's own; sending back what they hold is harmless."""
    if names[0].lower() in READ_ONLY and (
        value is None or filters.get_ignoring_case(original, names[0]) != value
    ):
        raise ScimError(400, f"{path} is read-only.", "mutability")


def _parent(resource: dict, names: list[str], *, create: bool) -> dict | None:
    current = resource
    for name in names:
        key = _key(current, name)
        if not isinstance(current.get(key), dict):
            if not create:
                return None
            current[key] = {}
        current = current[key]
    return current


def _key(mapping: dict, name: str) -> str:
    """The key already used for this name, whatever its case; else the name."""
    return next((key for key in mapping if key.lower() == name.lower()), name)


def _remove(parent: dict, key: str, value) -> None:
    """Remove the attribute; with a list value (Entra ID removing members), only those."""
    if isinstance(value, list) and isinstance(parent.get(key), list):
        unwanted = [_identity(item) for item in value]
        parent[key] = [item for item in parent[key] if _identity(item) not in unwanted]
    else:
        parent.pop(key, None)


def _identity(item):
    return item.get("value") if isinstance(item, dict) else item


def _merged_list(current: list, value) -> list:
    added = value if isinstance(value, list) else [value]
    merged = list(current)
    for item in added:
        if not any(_identity(item) == _identity(known) for known in merged):
            merged.append(item)
    return merged


def _apply_to_matching(patched, op, names, value_filter, sub, value, path) -> None:
    parent = _parent(patched, names[:-1], create=op != "remove")
    if parent is None:
        return
    key = _key(parent, names[-1])
    elements = parent.get(key) if isinstance(parent.get(key), list) else []
    chosen = [e for e in elements if isinstance(e, dict) and filters.matches(value_filter, e)]
    if op == "remove":
        parent[key] = [e for e in elements if e not in chosen or sub]
        for element in chosen if sub else []:
            element.pop(_key(element, sub), None)
        return
    if not chosen:
        added = _element_from_filter(value_filter, path)
        elements.append(added)
        parent[key] = elements
        chosen = [added]
    for element in chosen:
        if sub:
            element[_key(element, sub)] = value
        elif isinstance(value, dict):
            element.update(value)
        else:
            raise invalid_value(f"{path} needs an object as its value.")


def _element_from_filter(value_filter, path: str) -> dict:
    """The element a filter such as `type eq "work"` describes, for a value path with no match."""
    if isinstance(value_filter, filters.Compare) and value_filter.operator == "eq":
        return {value_filter.path: value_filter.value}
    raise no_target(f"Nothing matches {path}.")
