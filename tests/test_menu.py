"""The main menu: one line on a laptop whatever the person's roles, so the person's own pages
sit under their name, HR's directory under Organisation, an admin's under Admin."""

from lms.pages import account_links_for, menu_groups_for, navigation_for


def labels(links):
    return [label for _endpoint, label in links]


def test_a_learners_own_pages_are_under_their_name(make_user):
    learner = make_user()
    assert labels(navigation_for(learner)) == ["My plan", "Catalogue", "Leaderboards", "Badges"]
    assert labels(account_links_for(learner, 3)) == ["Notifications (3)", "Feedback", "Account"]
    assert menu_groups_for(learner) == []


def test_hr_finds_the_directory_under_organisation(make_user):
    hr = make_user(roles=["hr"])
    assert "Adoption" in labels(navigation_for(hr))
    assert "People" not in labels(navigation_for(hr))
    [(group, links)] = menu_groups_for(hr)
    assert (group, labels(links)) == ("Organisation", ["People", "Divisions"])


def test_an_admin_finds_the_directory_with_their_tools(make_user):
    [(group, links)] = menu_groups_for(make_user(roles=["admin"]))
    assert group == "Admin"
    assert labels(links)[:3] == ["People", "Divisions", "Import people"]
