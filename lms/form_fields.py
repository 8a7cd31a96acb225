"""Form fields more than one domain's forms use."""

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes, each beside its label (a long <select
    multiple> is hard to use); templates give the list the class `checkboxes`."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
