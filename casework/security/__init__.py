"""Who may do what: passwords, sessions, authentication, the authorization policy.

docs/security.md describes the whole; `policy` holds the permission table, the one place where
the rules are written.
"""
