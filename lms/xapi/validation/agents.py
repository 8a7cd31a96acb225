"""Rules for Agents, Groups and Accounts (xAPI 1.0.3, Data 2.4.2). Pure."""

from lms.xapi.validation import formats
from lms.xapi.validation.checks import check_iri, check_list, check_object, check_string, fail

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = frozenset(("objectType", "name", *IFIS))
GROUP_KEYS = frozenset(("objectType", "name", "member", *IFIS))
ACCOUNT_KEYS = frozenset(("homePage", "name"))


def check_actor(value, path: str) -> None:
    """An actor is an Agent or a Group; objectType, when given, says which."""
    if isinstance(value, dict) and value.get("objectType") == "Group":
        check_group(value, path)
    else:
        check_agent(value, path)


def check_agent(value, path: str) -> None:
    """An Agent has exactly one inverse functional identifier (Data 2.4.2.1.s2.b1, b2)."""
    check_object(value, path, AGENT_KEYS)
    if value.get("objectType", "Agent") != "Agent":
        fail(f"{path}.objectType", "must be Agent")
    if "name" in value:
        check_string(value["name"], f"{path}.name")
    ifis = [key for key in IFIS if key in value]
    if len(ifis) != 1:
        fail(path, "an Agent must have exactly one of mbox, mbox_sha1sum, openid, account")
    check_ifi(value, ifis[0], path)


def check_group(value, path: str) -> None:
    """A Group is anonymous (members, no identifier) or identified (exactly one identifier);
    its members are Agents, never Groups (Data 2.4.2.2.s4, s5)."""
    check_object(value, path, GROUP_KEYS, required=("objectType",))
    if value["objectType"] != "Group":
        fail(f"{path}.objectType", "must be Group")
    if "name" in value:
        check_string(value["name"], f"{path}.name")
    ifis = [key for key in IFIS if key in value]
    if len(ifis) > 1:
        fail(path, "an identified Group must have exactly one inverse functional identifier")
    if ifis:
        check_ifi(value, ifis[0], path)
    elif "member" not in value:
        fail(f"{path}.member", "an anonymous Group must list its members")
    if "member" in value:
        check_members(value["member"], f"{path}.member", anonymous=not ifis)


def check_members(members, path: str, *, anonymous: bool) -> None:
    check_list(members, path)
    if anonymous and not members:
        fail(path, "an anonymous Group must have at least one member")
    for index, member in enumerate(members):
        if isinstance(member, dict) and member.get("objectType") == "Group":
            fail(f"{path}[{index}]", "a Group must not contain Groups")
        check_agent(member, f"{path}[{index}]")


def check_ifi(value: dict, ifi: str, path: str) -> None:
    """The format each inverse functional identifier must have (Data 2.4.2.3)."""
    item, where = value[ifi], f"{path}.{ifi}"
    if ifi == "mbox":
        if not formats.is_mailto(check_string(item, where)):
            fail(where, 'must be a mailto IRI ("mailto:name@example.com")')
    elif ifi == "mbox_sha1sum":
        if not formats.is_sha1_hex(check_string(item, where)):
            fail(where, "must be the hex SHA-1 of a mailto IRI")
    elif ifi == "openid":
        check_iri(item, where)
    else:
        check_object(item, where, ACCOUNT_KEYS, required=("homePage", "name"))
        check_iri(item["homePage"], f"{where}.homePage")
        check_string(item["name"], f"{where}.name")


def check_authority(value, path: str) -> None:
    """An authority is an Agent, or (3-legged OAuth) an anonymous Group of exactly two
    Agents: the application and the user (Data 2.4.9.s3.b1)."""
    if isinstance(value, dict) and value.get("objectType") == "Group":
        check_group(value, path)
        if any(key in value for key in IFIS):
            fail(path, "an authority Group is anonymous: an application and a user")
        if len(value["member"]) != 2:
            fail(f"{path}.member", "an authority Group must have exactly two Agents")
    else:
        check_agent(value, path)
