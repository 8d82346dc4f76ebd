"""Use cases: `verb_noun(session, actor, ...)`, one transaction each, shared by web, API and CLI.

Services never read the request or the signed-in user; they take what they need as arguments
and raise the typed errors of `services.errors`.
"""
