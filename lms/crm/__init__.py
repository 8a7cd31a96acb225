"""The company's CRM, seen by Uptake: connectors that read it (live and training instances),
the people behind its users, each event as a statement of the Uptake CRM-usage xAPI profile,
and the data quality of its records judged by Uptake's own rules."""
