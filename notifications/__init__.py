"""Notifications: the outbox, the templates and their rendering in French and English, the
channels (SMTP email, .eml files, the in-app inbox), and the delivery pass (DESIGN §2.4, §3)."""
