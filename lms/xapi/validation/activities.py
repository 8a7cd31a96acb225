"""Rules for Activities and their definitions, interactions included (Data 2.4.4.1). Pure."""

from lms.xapi.validation.checks import (
    check_extensions,
    check_iri,
    check_language_map,
    check_list,
    check_object,
    check_string,
    fail,
)

ACTIVITY_KEYS = frozenset(("objectType", "id", "definition"))
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
INTERACTION_KEYS = ("interactionType", "correctResponsesPattern", *COMPONENT_LISTS)
DEFINITION_KEYS = frozenset(
    ("name", "description", "type", "moreInfo", "extensions", *INTERACTION_KEYS)
)
COMPONENT_KEYS = frozenset(("id", "description"))
# Which interaction component lists each interactionType supports (Data 2.4.4.1.s15).
LISTS_FOR_TYPE = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}


def check_activity(value, path: str) -> None:
    """An Activity has an IRI id and, optionally, a definition (Data 2.4.4.1.s1)."""
    check_object(value, path, ACTIVITY_KEYS, required=("id",))
    if value.get("objectType", "Activity") != "Activity":
        fail(f"{path}.objectType", "must be Activity")
    check_iri(value["id"], f"{path}.id")
    if "definition" in value:
        check_definition(value["definition"], f"{path}.definition")


def check_definition(value, path: str) -> None:
    """Language maps, IRIs and extensions as the Activity Definition table says; every
    property is optional, so `{}` is a definition too."""
    check_object(value, path, DEFINITION_KEYS, may_be_empty=True)
    for key in ("name", "description"):
        if key in value:
            check_language_map(value[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            check_iri(value[key], f"{path}.{key}")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")
    check_interaction(value, path)


def check_interaction(value: dict, path: str) -> None:
    """Interaction properties need a valid interactionType (Data 2.4.4.1.s13.b1), and only
    the component lists that type supports."""
    used = [key for key in INTERACTION_KEYS if key in value]
    if not used:
        return
    if "interactionType" not in value:
        fail(f"{path}.interactionType", f"is required when {used[0]} is given")
    kind = check_string(value["interactionType"], f"{path}.interactionType")
    if kind not in LISTS_FOR_TYPE:
        fail(f"{path}.interactionType", f"must be one of {', '.join(LISTS_FOR_TYPE)}")
    if "correctResponsesPattern" in value:
        where = f"{path}.correctResponsesPattern"
        for index, pattern in enumerate(check_list(value["correctResponsesPattern"], where)):
            check_string(pattern, f"{where}[{index}]")
    for key in COMPONENT_LISTS:
        if key in value:
            if key not in LISTS_FOR_TYPE[kind]:
                fail(f"{path}.{key}", f"is not used with interactionType {kind}")
            check_components(value[key], f"{path}.{key}")


def check_components(value, path: str) -> None:
    """Interaction components have string ids, distinct within their list (2.4.4.1.s16)."""
    seen = set()
    for index, component in enumerate(check_list(value, path)):
        where = f"{path}[{index}]"
        check_object(component, where, COMPONENT_KEYS, required=("id",))
        check_string(component["id"], f"{where}.id")
        if component["id"] in seen:
            fail(f"{where}.id", "interaction component ids must be distinct")
        seen.add(component["id"])
        if "description" in component:
            check_language_map(component["description"], f"{where}.description")
