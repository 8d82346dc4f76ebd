"""Routes a module declares beside its views, added to a blueprint by an explicit call.

Importing a module of views registers nothing: the module that owns a blueprint calls
`routes.register_on(blueprint)` for each module whose routes belong on it, so a reader sees
where every route comes from, and view modules never import their blueprint's owner.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint


class Routes:
    """A list of (rule, view, options), declared with `@routes.get(...)` and the like."""

    def __init__(self) -> None:
        self._rules: list[tuple[str, Callable, dict]] = []

    def route(self, rule: str, **options) -> Callable[[Callable], Callable]:
        """Declare `rule` for the decorated view (options as for `Blueprint.add_url_rule`)."""

        def declare(view: Callable) -> Callable:
            self._rules.append((rule, view, options))
            return view

        return declare

    def get(self, rule: str, **options):
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options):
        return self.route(rule, methods=["POST"], **options)

    def put(self, rule: str, **options):
        return self.route(rule, methods=["PUT"], **options)

    def patch(self, rule: str, **options):
        return self.route(rule, methods=["PATCH"], **options)

    def delete(self, rule: str, **options):
        return self.route(rule, methods=["DELETE"], **options)

    def register_on(self, blueprint: Blueprint) -> None:
        """Add every declared route to `blueprint`."""
        for rule, view, options in self._rules:
            blueprint.add_url_rule(rule, view_func=view, **options)
