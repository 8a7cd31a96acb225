"""Adoption: is the CRM really used? Weekly measures from the statement store, early-warning
signals and what they trigger, the HR dashboard, the manager's team view, and the quarterly
governance summary."""
