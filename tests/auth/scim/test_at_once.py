"""An identity provider sends requests in parallel: the same person created twice at once is
made once, and the other request is told so (409), never a 500."""

from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.scim.tokens import create_token
from lms.database import db
from tests.auth.scim.conftest import new_user
from tests.conftest import T0, app_of_its_own, load_reference_data, run_at_once


def test_the_same_person_posted_at_once_is_made_once(tmp_path):
    made = {}

    def seed():
        load_reference_data()
        made["token"] = create_token("Entra ID", now=T0, actor=None)[1]

    with app_of_its_own(tmp_path, seed) as app:
        statuses = []
        headers = {"Authorization": f"Bearer {made['token']}"}

        def post(_n, start):
            client = app.test_client()
            start.wait()
            response = client.post("/scim/v2/Users", json=new_user(), headers=headers)
            statuses.append(response.status_code)

        run_at_once(post, 4)
        assert sorted(statuses) == [201, 409, 409, 409]
        with app.app_context():
            query = select(func.count()).where(User.email == "ann.lee@example.com")
            assert db.session.scalar(query) == 1
