"""SCIM 2.0 provisioning (RFC 7643, 7644): an identity provider creates, changes and
deactivates people through the same services as the CSV import."""
