"""What people read: one record's problems, and sentences about several records, the most
common first."""

from lms.crm.quality import rules as q


def test_sentences_say_what_to_fix_most_common_first(rules):
    sentences = q.summarise(
        {"lead.email.email": 1, "contact.phone.present": 3, "contact.duplicate.email": 2}, rules
    )
    assert sentences == [
        "3 of your contacts have no phone number",
        "2 of your contacts have the same e-mail address as another contact",
        "1 of your leads has an e-mail address that is not valid",
    ]


def test_one_record_has_and_several_have(rules):
    assert q.summarise({"opportunity.close_date.present": 1}, rules) == [
        "1 of your opportunities has no close date"
    ]
    assert q.summarise({"opportunity.close_date.present": 2}, rules) == [
        "2 of your opportunities have no close date"
    ]


def test_equal_counts_go_by_key_and_unknown_or_zero_counts_are_left_out(rules):
    failed = {
        "task.due_date.present": 2,
        "case.subject.present": 2,
        "lead.fax.present": 9,  # a check the rules no longer have
        "lead.phone.present": 0,
    }
    assert q.summarise(failed, rules) == [
        "2 of your cases have no subject",
        "2 of your tasks have no due date",
    ]
    assert q.summarise({}, rules) == []


def test_one_record_s_problems_in_words(rules):
    assert q.check_message(rules, "contact.phone.phone_e164") == (
        "a phone number not in international form (+44 20 …)"
    )
    assert q.check_message(rules, "account.postcode.postcode") == (
        "a postcode that is not valid for its country"
    )
    assert q.check_message(rules, "contact.title.present") == "no job title"  # field_names
    assert q.check_message(rules, "lead.duplicate.company+name") == (
        "the same company and name as another lead"
    )
    assert q.check_message(rules, "lead.fax.present") == "lead.fax.present"  # no longer a check


def test_a_picklist_names_its_values_and_a_long_one_only_the_first(rules):
    assert q.check_message(rules, "lead.status.picklist") == (
        "a status that is not one of: Open, Contacted, Working, Nurturing, Qualified, "
        "Unqualified, Converted"
    )
    assert q.check_message(rules, "account.industry.picklist") == (
        "an industry that is not one of: Agriculture, Construction, Education, Energy, "
        "Finance, Government, Healthcare, Hospitality, …"
    )


def test_the_file_may_word_a_check_itself(rules):
    assert q.summarise({"lead.source.present": 4}, rules) == [
        "4 of your leads have no lead source (where the lead came from)"
    ]
