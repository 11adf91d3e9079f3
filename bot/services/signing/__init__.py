"""Signing on for an organization: the form and its checks (form), signing, editing, withdrawing and confirming
(signing), duplicates and merges (duplicates), and reading sign-ons (queries)."""
