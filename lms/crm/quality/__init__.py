"""Data quality judged by Uptake: the rules (content/crm/data_quality.yaml) and how a CRM
record is judged by them."""
