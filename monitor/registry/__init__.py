"""The registry of agencies, ASN and their accounts, and the election registry in the database."""
