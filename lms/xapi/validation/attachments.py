"""Whether a request carries the data of every attachment it declares (xAPI 1.0.3,
Communication 1.5.2). Pure."""

from lms.xapi.errors import XapiError
from lms.xapi.validation.checks import fail


def referenced_attachments(statement: dict) -> list[dict]:
    """The Attachment objects of a statement and of its SubStatement."""
    found = list(statement.get("attachments", ()))
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        found += target.get("attachments", ())
    return found


def check_attachment_data(
    statements: list[dict], paths: list[str], attachments: dict[str, tuple[str, bytes]] | None
) -> None:
    """A JSON request gives a fileUrl for every attachment (1.5.2.s2.b1); a multipart one
    sends the data of each attachment without a fileUrl, matched by SHA-2 (1.5.2.s3.b5),
    and no part that no attachment declares."""
    declared = set()
    for statement, path in zip(statements, paths, strict=True):
        for index, attachment in enumerate(referenced_attachments(statement)):
            declared.add(attachment["sha2"])
            if "fileUrl" in attachment:
                continue
            where = f"{path}.attachments[{index}]"
            if attachments is None:
                fail(
                    f"{where}.fileUrl",
                    "is required unless the attachment's data is sent in a multipart/mixed request",
                )
            if attachment["sha2"] not in attachments:
                fail(f"{where}.sha2", "no multipart/mixed part has this X-Experience-API-Hash")
    for sha2 in (attachments or {}).keys() - declared:
        raise XapiError(400, f"the attachment part with hash {sha2} belongs to no attachment")
