"""Accounts and roles: applicant (a person, or an enterprise's representative), window clerk, department
officer, administrator, auditor. Every object is checked against the actor (standing rule 4)."""
