"""The CRM-usage profile: statements built from events, stable ids, and the published
profile document agreeing with the code."""

import json
import uuid
from datetime import datetime

from lms.config import PROJECT_ROOT
from lms.crm import profile
from lms.crm.connectors.base import CrmEvent
from lms.xapi.validation.statements import validate_statement

CRM = "https://acme.my.salesforce.com"
ACTOR = {"objectType": "Agent", "mbox": "mailto:ann@acme.test"}
EVENT = CrmEvent(
    event_id="Lead/00Q1/2026-11-30T10:15:00Z",
    action="created",
    at=datetime(2026, 11, 30, 10, 15),
    user_id="005A",
    object="lead",
    record_id="00Q1",
    record_name="Harbour Cement",
    native_type="Lead",
    url="https://acme.lightning.force.com/lightning/r/Lead/00Q1/view",
    fields={"email": "x@harbour.test"},
)


def build(event=EVENT, **options):
    return profile.build_statement(
        event,
        actor=ACTOR,
        actor_key="agent|mbox|mailto:ann@acme.test",
        crm_base_url=CRM,
        crm_title="Salesforce",
        **options,
    )


def test_a_record_event_becomes_a_valid_statement_of_the_profile():
    statement = build(score=0.75, failed_checks=("lead.phone.present",))
    validate_statement(statement, "statement")
    assert statement["verb"]["id"] == "http://activitystrea.ms/schema/1.0/create"
    assert statement["object"]["id"] == f"{CRM}/lead/00Q1"
    assert statement["object"]["definition"]["type"] == profile.activity_type("lead")
    assert statement["object"]["definition"]["moreInfo"] == EVENT.url
    assert statement["result"]["score"] == {"scaled": 0.75}
    failed = statement["result"]["extensions"][profile.EXTENSION_FAILED_CHECKS]
    assert failed == ["lead.phone.present"]
    extensions = statement["context"]["extensions"]
    assert extensions[profile.EXTENSION_EVENT_ID] == EVENT.event_id
    assert extensions[profile.EXTENSION_CRM_USER] == "005A"
    assert statement["timestamp"] == "2026-11-30T10:15:00.000Z"


def test_the_same_event_and_actor_always_get_the_same_id_and_another_actor_another():
    assert build()["id"] == build(score=0.5)["id"]
    other = profile.statement_id(CRM, EVENT.event_id, "agent|account|https://x|005A")
    assert other != build()["id"]
    # a trailing slash on the CRM's address names the same CRM
    assert profile.statement_id(CRM + "/", EVENT.event_id, "k") == profile.statement_id(
        CRM, EVENT.event_id, "k"
    )


def test_statement_ids_are_rfc_4122_name_based_uuids_under_the_profiles_namespace():
    for actor_key in ("k", "agent|mbox|mailto:ann@example.com", "é" * 300):
        name = "\n".join((CRM, EVENT.event_id, actor_key))
        expected = str(uuid.uuid5(profile.STATEMENT_NAMESPACE, name))
        assert profile.statement_id(CRM, EVENT.event_id, actor_key) == expected


def test_a_log_in_is_about_the_crm_itself_and_a_report_view_has_its_own_verb():
    login = build(CrmEvent("L1", "logged_in", datetime(2026, 11, 30, 8), "005A"))
    assert login["object"]["id"] == CRM
    assert login["object"]["definition"]["type"] == profile.activity_type("application")
    assert "result" not in login
    report = build(CrmEvent("R1", "viewed", datetime(2026, 11, 30), "005A", "report", "00O9"))
    assert report["verb"]["id"] == f"{profile.PROFILE}/verbs/viewed-report"
    assert report["object"]["id"] == f"{CRM}/report/00O9"


def test_record_ids_are_escaped_into_the_activity_iri():
    event = CrmEvent("E", "updated", datetime(2026, 1, 1), "u", "contact", "a/b c")
    assert build(event)["object"]["id"] == f"{CRM}/contact/a%2Fb%20c"


def test_the_published_profile_defines_every_iri_of_the_profile_the_code_uses():
    document = json.loads((PROJECT_ROOT / "content/crm/crm-usage-profile.jsonld").read_text())
    assert document["id"] == profile.PROFILE
    defined = {c["id"] for c in document["concepts"]}
    own_verbs = {verb for verb, _ in profile.VERBS.values() if verb.startswith(profile.PROFILE)}
    kinds = ("lead", "contact", "account", "opportunity", "case", "task", "report", "application")
    used = (
        own_verbs
        | {profile.activity_type(k) for k in kinds}
        | {
            profile.EXTENSION_EVENT_ID,
            profile.EXTENSION_CRM_USER,
            profile.EXTENSION_NATIVE_TYPE,
            profile.EXTENSION_FAILED_CHECKS,
        }
    )
    assert defined == used
    assert {t["verb"] for t in document["templates"]} == {v for v, _ in profile.VERBS.values()}
