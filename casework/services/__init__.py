"""Service commands: one unit of work each, keyword-only arguments, no HTTP or CLI concerns."""
