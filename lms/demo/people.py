"""The demo organisation: Northwind's people (roles, divisions, managers, hire dates and how
far each has got), its CRM champions, and how far their managers have coached them."""

from dataclasses import dataclass

DEMO_PASSWORD = "uptake-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    job_role: str
    division: str
    manager: str | None
    hired_days_ago: int
    roles: frozenset = frozenset()
    courses_done: int = 0  # how many of their required courses to complete
    lessons_into_next: int = 0  # lessons done in the course after those
    fails_next_quiz: bool = False  # fail the next course's quiz twice (remedial training)


DEMO_ADMIN = "admin@northwind.example"

PEOPLE = (
    DemoPerson(
        DEMO_ADMIN,
        "Alex Morgan",
        "crm_administrator",
        "Head office",
        None,
        400,
        frozenset({"admin"}),
        courses_done=3,
    ),
    DemoPerson(
        "hr@northwind.example",
        "Hannah Reed",
        "hr_partner",
        "Head office",
        None,
        700,
        frozenset({"hr"}),
        courses_done=3,
    ),
    DemoPerson(
        "maria.lopez@northwind.example",
        "Maria Lopez",
        "sales_manager",
        "North",
        None,
        500,
        courses_done=99,  # managers take the application training first
    ),
    DemoPerson(
        "tom.becker@northwind.example",
        "Tom Becker",
        "sales_manager",
        "South",
        None,
        350,
        courses_done=99,  # managers take the application training first
    ),
    DemoPerson(
        "aisha.khan@northwind.example",
        "Aisha Khan",
        "service_manager",
        "South",
        None,
        420,
        courses_done=99,  # managers take the application training first
    ),
    DemoPerson(
        "liam.obrien@northwind.example",
        "Liam O'Brien",
        "sales_rep",
        "North",
        "maria.lopez@northwind.example",
        2,
    ),
    DemoPerson(
        "sofia.rossi@northwind.example",
        "Sofia Rossi",
        "sales_rep",
        "North",
        "maria.lopez@northwind.example",
        12,
        courses_done=2,
        lessons_into_next=2,
    ),
    DemoPerson(
        "noah.schmidt@northwind.example",
        "Noah Schmidt",
        "sales_rep",
        "North",
        "maria.lopez@northwind.example",
        30,
        courses_done=3,
        fails_next_quiz=True,
    ),
    DemoPerson(
        "emma.janssen@northwind.example",
        "Emma Janssen",
        "sales_rep",
        "North",
        "maria.lopez@northwind.example",
        75,
        courses_done=99,
    ),
    DemoPerson(
        "oliver.nguyen@northwind.example",
        "Oliver Nguyen",
        "marketing",
        "North",
        "maria.lopez@northwind.example",
        40,
        courses_done=1,
    ),
    DemoPerson(
        "mia.andersen@northwind.example",
        "Mia Andersen",
        "sales_rep",
        "South",
        "tom.becker@northwind.example",
        60,
    ),
    DemoPerson(
        "lucas.martin@northwind.example",
        "Lucas Martin",
        "sales_rep",
        "South",
        "tom.becker@northwind.example",
        20,
        courses_done=4,
        lessons_into_next=1,
    ),
    DemoPerson(
        "chloe.dubois@northwind.example",
        "Chloé Dubois",
        "sales_rep",
        "South",
        "tom.becker@northwind.example",
        5,
        courses_done=1,
    ),
    DemoPerson(
        "ethan.walker@northwind.example",
        "Ethan Walker",
        "customer_service_rep",
        "South",
        "aisha.khan@northwind.example",
        25,
        courses_done=3,
        fails_next_quiz=True,
    ),
    DemoPerson(
        "zoe.fischer@northwind.example",
        "Zoe Fischer",
        "customer_service_rep",
        "South",
        "aisha.khan@northwind.example",
        90,
        courses_done=99,
    ),
    DemoPerson(
        "ben.kowalski@northwind.example",
        "Ben Kowalski",
        "customer_service_rep",
        "South",
        "aisha.khan@northwind.example",
        50,
        courses_done=2,
    ),
)
CHAMPIONS = {"North": "emma.janssen@northwind.example", "South": "zoe.fischer@northwind.example"}


# (learner, how many of their required skills to coach, up to which step): managers sign
# every step for one rep per team, who is then onboarded, and part of the way for others.
COACHING = {
    "emma.janssen@northwind.example": (99, 4),
    "zoe.fischer@northwind.example": (99, 4),
    "sofia.rossi@northwind.example": (1, 2),
    "noah.schmidt@northwind.example": (2, 1),
    "lucas.martin@northwind.example": (1, 3),
    "ben.kowalski@northwind.example": (1, 1),
}
NOTES = {
    1: "Showed the whole flow on a live record, one to one.",
    2: "Did it together on a real customer; needed a hint on the required fields.",
    3: "Practised three cases in the training environment; all correct.",
    4: "Watched it in day-to-day work this week: complete, timely, no rework needed.",
}
