"""Mail leaving the outbox: composing it in the recipient's language and handing it to an SMTP
server, or to .eml files when no server is configured. Only the worker command uses this."""
