"""Forms of the package admin pages (CSRF-protected, as every form in Uptake). Admin pages
are in English, as the other admin forms are."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from lms.courses.packages.launching import WAIVE_REASONS
from lms.courses.rules import KIND_LABELS
from lms.form_fields import CheckboxesField


class RequiredRoleForm(Form):
    """One row of "required for": a job role, whether it requires the course, and when."""

    role_id = HiddenField()
    required = BooleanField("Required")
    due_days = IntegerField(
        "Due days after hire",
        validators=[Optional(), NumberRange(0, 365, "Between 0 and 365 days.")],
    )

    def validate_due_days(self, field) -> None:
        if self.required.data and field.data is None:
            raise ValidationError("Give the days after hire it is due.")


class CourseDetailsForm(FlaskForm):
    """What an admin says about the course a package becomes (importing.CourseDetails)."""

    kind = SelectField("Kind", choices=[SelectChoice(k, label) for k, label in KIND_LABELS.items()])
    minutes = IntegerField(
        "Minutes it takes",
        validators=[
            DataRequired("Say how many minutes it takes."),
            NumberRange(1, 600, "Between 1 and 600 minutes."),
        ],
    )
    title = StringField(
        "Title",
        validators=[Optional(), Length(max=200)],
        description="Leave empty to use the package's own title.",
    )
    summary = TextAreaField(
        "Summary",
        validators=[Optional(), Length(max=2000)],
        description="Leave empty to use the package's own description.",
    )
    all_roles = BooleanField("Offered to every job role")
    job_roles = CheckboxesField("Offered to these job roles", coerce=int)
    skills = CheckboxesField("Skills it teaches", coerce=int)
    required = FieldList(FormField(RequiredRoleForm), label="Required for")
    remedial = SelectField(
        "Refresher if a part is failed",
        coerce=int,
        default=0,  # none
        description=(
            "The course a learner is put on after failing a part of this one twice without "
            "passing, as after two failed quiz attempts."
        ),
    )


class UploadForm(CourseDetailsForm):
    file = FileField(
        "Package",
        validators=[FileRequired("Choose a package: a zip, or a cmi5.xml.")],
        description="A zip with cmi5.xml or imsmanifest.xml at its root, or a bare cmi5.xml.",
    )
    slug = StringField(
        "Slug",
        validators=[DataRequired("Give the course a slug."), Length(max=80)],
        description="Its address: lower-case letters, digits and hyphens, e.g. fire-safety.",
    )


class EditForm(CourseDetailsForm):
    file = FileField(
        "New version (optional)",
        description="Units are matched by their id: progress on a unit that stays is kept.",
    )


class WaiveForm(FlaskForm):
    email = EmailField(
        "Learner's e-mail",
        validators=[DataRequired("Give the learner's e-mail."), Length(max=254)],
    )
    unit_id = SelectField("Unit", coerce=int)
    reason = SelectField("Reason", choices=[SelectChoice(r, r) for r in WAIVE_REASONS])


class ButtonForm(FlaskForm):
    """A button that changes something: just the CSRF token."""
