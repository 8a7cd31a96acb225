"""The page listing the people a CRM champion supports."""

from flask import abort, render_template
from flask_login import current_user, login_required

from lms.auth import champions, rules
from lms.auth.views import bp


@bp.get("/champions/<int:person_id>")
@login_required
def champion_people(person_id):
    champion = champions.get_champion_for(current_user, person_id) or abort(404)
    return _render(champion)


@bp.get("/me/people-i-support")
@login_required
def my_supported_people():
    if not champions.is_champion(current_user):
        abort(404)
    return _render(current_user)


def _render(champion):
    return render_template(
        "auth/champion_people.html",
        champion=champion,
        own=champion.id == current_user.id,
        supported=champions.list_supported(champion),
        can_open_people=rules.can_list_people(current_user.roles),
    )
