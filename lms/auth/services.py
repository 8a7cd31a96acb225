"""Creating, changing and finding people; logging in. Never commits: the caller does."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms import events
from lms.auth import rules, throttle
from lms.auth.audit import services as audit
from lms.auth.models import Champion, Division, JobRole, User
from lms.auth.tokens import make_password_token, password_fingerprint, read_password_token
from lms.database import db
from lms.errors import DomainError, FieldError, NotAllowed

# Checked when the e-mail is unknown, so a failed log-in takes as long either way.
_DUMMY_HASH = generate_password_hash("not a real password")


class LoginRefused(DomainError):
    pass


@dataclass
class PersonDetails:
    """What an admin form or an import row says about a person."""

    email: str
    name: str
    job_role: str
    division: str | None
    manager: User | None
    hire_date: date
    roles: set[str]
    employee_id: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str, *, address: str, now: datetime) -> User:
    """The person with this e-mail and password. Failed attempts are throttled by client
    address and by e-mail (lms.auth.throttle); an address that exists and one that does not
    get the same answers, after the same work. A deactivated person cannot log in."""
    email = normalise_email(email)
    if throttle.is_throttled(email, address, now=now):
        raise LoginRefused("Too many failed log-ins. Try again in 15 minutes.")
    user = db.session.scalar(select(User).where(User.email == email))
    known = user is not None and user.password_hash
    if not check_password_hash(user.password_hash if known else _DUMMY_HASH, password) or not known:
        throttle.record_failure(email, address, now=now)
        raise LoginRefused("Wrong e-mail or password.")
    if not user.active:
        raise LoginRefused("This account has been deactivated.")
    throttle.forget_pair(email, address)
    return user


def end_sessions(user: User) -> None:
    """Log-out: every session and remember cookie this person holds stops working, on every
    device, because each names the session version they were issued with. All of them, not
    just this browser's: a person who logs out on a shared or lost device is safe everywhere."""
    user.session_version += 1


def set_password(user: User, password: str) -> None:
    problem = rules.password_problem(password, user.email)
    if problem:
        raise FieldError("password", problem)
    user.password_hash = generate_password_hash(password)
    throttle.forget_account(user.email)


def change_password(user: User, current: str, new: str) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise FieldError("current_password", "That is not your current password.")
    set_password(user, new)


def password_link_token(user: User, secret: str) -> str:
    return make_password_token(user.id, user.password_hash, secret)


def set_password_from_token(token: str, password: str, *, secret: str, max_age: int) -> User:
    """Set a password through a one-time link; the link dies as the password changes."""
    user_id, fingerprint = read_password_token(token, secret, max_age)
    user = db.session.get(User, user_id)
    if user is None or password_fingerprint(user.password_hash) != fingerprint:
        raise DomainError("This link has already been used. Ask an administrator for a new one.")
    if not user.active:
        raise DomainError("This account has been deactivated.")
    set_password(user, password)
    return user


def load_session_user(session_value: str) -> User | None:
    """The user a session or remember cookie names, unless deactivated, or their password
    changed or they logged out since it was issued (User.get_id)."""
    user_id, _, rest = session_value.partition(".")
    fingerprint, _, version = rest.partition(".")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    current = (password_fingerprint(user.password_hash), str(user.session_version))
    return user if (fingerprint, version) == current else None


# People ------------------------------------------------------------------------------------


def get_job_role(slug: str) -> JobRole:
    job_role = db.session.scalar(select(JobRole).where(JobRole.slug == slug))
    if job_role is None:
        raise FieldError("job_role", f"Unknown job role '{slug}'.")
    return job_role


def get_or_create_division(name: str | None) -> Division | None:
    name = (name or "").strip()
    if not name:
        return None
    division = db.session.scalar(select(Division).where(Division.name == name))
    if division is None:
        division = Division(name=name)
        db.session.add(division)
    return division


def check_manager(person: User, manager: User | None) -> None:
    """A person cannot manage themselves, nor be managed by someone who reports to them."""
    if manager is None:
        return
    if person.id is not None and (
        manager.id == person.id or person.id in manager.manager_chain_ids()
    ):
        raise FieldError("manager_email", "That would make a reporting loop.")


def check_employee_id(person: User, employee_id: str | None) -> None:
    """An HR id belongs to one person."""
    if not employee_id:
        return
    holder = db.session.scalar(select(User).where(User.employee_id == employee_id))
    if holder is not None and holder is not person:
        raise FieldError("employee_id", f"HR id {employee_id} belongs to {holder.email}.")


def create_person(
    details: PersonDetails, *, now: datetime, actor: User | None = None, via: str | None = None
) -> User:
    """Add a person; their role's curriculum is assigned as they join. The audit log
    records it, and any access role it grants, with `actor` (None: the command line, or
    what `via` names, such as a sign-in through the identity provider)."""
    email = normalise_email(details.email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise FieldError("email", f"{email} is already in use.")
    check_employee_id(None, details.employee_id)
    person = User(email=email, created_at=now)
    _apply_details(person, details)
    db.session.add(person)
    db.session.flush()
    audit.record_people_saved([(person, None)], actor=actor, now=now, via=via)
    events.publish(events.PeopleJoined(people=(person,), now=now))
    return person


def update_person(
    person: User,
    details: PersonDetails,
    *,
    now: datetime,
    actor: User | None = None,
    via: str | None = None,
) -> User:
    """Change a person in place; a new job role brings its curriculum. The audit log
    records what changed, and access roles granted or removed, with `actor` and `via`."""
    email = normalise_email(details.email)
    clash = db.session.scalar(select(User.id).where(User.email == email, User.id != person.id))
    if clash is not None:
        raise FieldError("email", f"{email} is already in use.")
    check_manager(person, details.manager)
    check_employee_id(person, details.employee_id)
    previous_role_id, before = person.job_role_id, audit.person_snapshot(person)
    person.email = email
    _apply_details(person, details)
    db.session.flush()
    audit.record_people_saved([(person, before)], actor=actor, now=now, via=via)
    if person.job_role_id != previous_role_id:
        events.publish(events.JobRolesChanged(people=(person,), now=now))
    return person


def change_roles(
    person: User, roles, *, now: datetime, actor: User | None = None, via: str | None = None
) -> None:
    """Grant or remove access roles (everyone stays a learner); the audit log records it."""
    wanted = set(roles) | {rules.ROLE_LEARNER}
    if wanted == set(person.roles):
        return
    before = audit.person_snapshot(person)
    person.set_roles(wanted)
    db.session.flush()
    audit.record_people_saved([(person, before)], actor=actor, now=now, via=via)


def _apply_details(person: User, details: PersonDetails) -> None:
    person.name = details.name.strip()
    person.job_role = get_job_role(details.job_role)
    person.division = get_or_create_division(details.division)
    person.manager = details.manager
    person.hire_date = details.hire_date
    person.employee_id = (details.employee_id or "").strip() or None
    person.set_roles(details.roles | {rules.ROLE_LEARNER})


def name_champion(
    division: Division, person: User, *, now: datetime, actor: User | None = None
) -> None:
    """Name a person CRM champion of a division; naming them again changes nothing."""
    if db.session.get(Champion, (division.id, person.id)) is None:
        db.session.add(Champion(division_id=division.id, user_id=person.id, named_at=now))
        db.session.flush()
        db.session.expire(division, ["champions"])
        summary = f"Named {person.name} CRM champion for {division.name}."
        details = {"division": division.name}
        audit.record_about(
            person, audit.CHAMPION_NAMED, summary, actor=actor, now=now, details=details
        )
        events.publish(events.ChampionNamed(division=division, person=person, now=now))


def remove_champion(division: Division, person: User, *, actor: User, now: datetime) -> None:
    row = db.session.get(Champion, (division.id, person.id))
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        db.session.expire(division, ["champions"])
        summary = f"{person.name} is no longer CRM champion for {division.name}."
        details = {"division": division.name}
        audit.record_about(
            person, audit.CHAMPION_REMOVED, summary, actor=actor, now=now, details=details
        )


def list_division_sizes() -> dict[int, int]:
    """Active people per division id."""
    rows = db.session.execute(
        select(User.division_id, func.count(User.id))
        .where(User.active.is_(True))
        .group_by(User.division_id)
    )
    return dict(rows.all())


def deactivate_person(
    actor: User | None, person: User, *, now: datetime, via: str | None = None
) -> None:
    """A deactivated person cannot log in; their history stays. Nobody deactivates
    themselves; `actor` None is the system (what `via` names, such as SCIM)."""
    if actor is not None and actor.id == person.id:
        raise NotAllowed("You cannot deactivate yourself.")
    person.active = False
    summary = f"Deactivated {person.name}."
    details = {"via": via} if via else None
    audit.record_about(
        person, audit.PERSON_DEACTIVATED, summary, actor=actor, now=now, details=details
    )
    events.publish(events.PersonDeactivated(person=person, now=now))


def reactivate_person(
    person: User, *, actor: User | None, now: datetime, via: str | None = None
) -> None:
    person.active = True
    throttle.forget_account(person.email)
    summary = f"Reactivated {person.name}."
    details = {"via": via} if via else None
    audit.record_about(
        person, audit.PERSON_REACTIVATED, summary, actor=actor, now=now, details=details
    )


def get_person_for(viewer: User, person_id: int) -> User | None:
    """The person if the viewer may see them, else None (the view answers 404)."""
    person = db.session.get(User, person_id)
    if person is None:
        return None
    allowed = rules.can_view_person(viewer.id, viewer.roles, person.id, person.manager_chain_ids())
    return person if allowed else None


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def search_people(*, query: str = "", division_id=None, job_role_id=None, status="active"):
    """The people directory's select, newest filters applied; ordered by name."""
    stmt = select(User).order_by(func.lower(User.name), User.id)
    if query:
        pattern = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if division_id:
        stmt = stmt.where(User.division_id == division_id)
    if job_role_id:
        stmt = stmt.where(User.job_role_id == job_role_id)
    if status in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(status == "active"))
    return stmt


def list_divisions() -> list[Division]:
    return list(db.session.scalars(select(Division).order_by(Division.name)))


def list_job_roles() -> list[JobRole]:
    return list(db.session.scalars(select(JobRole).order_by(JobRole.title)))


def list_reports_tree(manager: User) -> list[tuple[User, int]]:
    """Everyone below a manager, depth-first, as (person, depth) with depth 0 for direct
    reports. One query per level of the hierarchy; guards against loops left by bad data."""
    children: dict[int, list[User]] = {}
    seen, level = {manager.id}, [manager.id]
    while level:
        found = db.session.scalars(
            select(User).where(User.manager_id.in_(level)).order_by(func.lower(User.name), User.id)
        ).all()
        level = []
        for person in found:
            if person.id not in seen:
                seen.add(person.id)
                level.append(person.id)
                children.setdefault(person.manager_id, []).append(person)
    rows: list[tuple[User, int]] = []

    def walk(person_id: int, depth: int) -> None:
        for report in children.get(person_id, []):
            rows.append((report, depth))
            walk(report.id, depth + 1)

    walk(manager.id, 0)
    return rows
