"""Open Badges 2.0 documents, pure: the hosted Issuer profile, a BadgeClass per badge, an
Assertion per award, and the answer for a revoked one. Values in, JSON-LD dicts out; the
addresses are made here from BASE_URL, and badges/views.py serves them at exactly these paths
(a test checks the two agree), so a document's `id` is where it is hosted.

Hosted verification (OB 2.0): a verifier fetches the Assertion's `id` and compares; the
recipient is `sha256$` + sha256(e-mail + salt), so the e-mail itself is never published."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from lms.gamification.badges.rules import BadgeSpec

CONTEXT = "https://w3id.org/openbadges/v2"
JSON_LD = "application/ld+json"


@dataclass(frozen=True)
class Issuer:
    """Who issues the badges: the company of the rollout, at BASE_URL."""

    name: str
    base_url: str
    email: str | None = None


def issuer_url(base_url: str) -> str:
    return f"{base_url}/badges/issuer.json"


def badge_class_url(base_url: str, key: str) -> str:
    return f"{base_url}/badges/{key}/class.json"


def badge_page_url(base_url: str, key: str) -> str:
    return f"{base_url}/badges/{key}"


def image_url(base_url: str, key: str) -> str:
    return f"{base_url}/badges/{key}/image.png"


def assertion_url(base_url: str, uuid: str) -> str:
    return f"{base_url}/badges/assertions/{uuid}.json"


def baked_url(base_url: str, uuid: str) -> str:
    return f"{base_url}/badges/awards/{uuid}/baked.png"


def issuer_profile(issuer: Issuer) -> dict:
    profile = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(issuer.base_url),
        "name": issuer.name,
        "url": issuer.base_url,
    }
    if issuer.email:
        profile["email"] = issuer.email
    return profile


def badge_class(badge: BadgeSpec, base_url: str) -> dict:
    """The badge as a BadgeClass; its criteria are the words people read on its page."""
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(base_url, badge.key),
        "name": badge.name,
        "description": badge.description,
        "image": image_url(base_url, badge.key),
        "criteria": {"id": badge_page_url(base_url, badge.key), "narrative": badge.criteria},
        "issuer": issuer_url(base_url),
    }


def hashed_identity(email: str, salt: str) -> str:
    """OB 2.0 recipient identity: "sha256$" + hex sha256 of the e-mail then the salt. The
    e-mail is compared lower-case, as Uptake stores it."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


def issued_on(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z; Uptake's times are naive UTC."""
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


@dataclass(frozen=True)
class AwardFacts:
    """What an Assertion says about one award."""

    uuid: str
    badge_key: str
    email: str
    salt: str
    awarded_at: datetime
    evidence: str


def assertion(award: AwardFacts, base_url: str) -> dict:
    """A hosted Assertion: its `id` is its own address. Its image is the badge's public
    image: the baked PNG is for the holder (and HR) to download, and a verifier reads the
    assertion here."""
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(base_url, award.uuid),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": hashed_identity(award.email, award.salt),
        },
        "badge": badge_class_url(base_url, award.badge_key),
        "verification": {"type": "hosted"},
        "issuedOn": issued_on(award.awarded_at),
        "image": image_url(base_url, award.badge_key),
    }
    if award.evidence:
        document["evidence"] = {"type": "Evidence", "narrative": award.evidence}
    return document


def revoked(uuid: str, base_url: str) -> dict:
    """What a revoked assertion answers (with HTTP 410 Gone): that it was revoked, and no
    more. OB 2.0 makes `revocationReason` optional, and the reason is about a person (HR's
    to read on the badge pages), so the public document leaves it out."""
    return {"@context": CONTEXT, "id": assertion_url(base_url, uuid), "revoked": True}
