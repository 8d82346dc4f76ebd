"""GovWiki: a civic wiki for participatory policy drafting."""

from __future__ import annotations

from flask import Flask

from govwiki.config import instance_path, load_config


def create_app(test_config: dict | None = None, *, instance: str | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, error handlers. No database I/O."""
    app = Flask(
        __name__,
        instance_path=instance or instance_path(),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    load_config(app, test_config)

    from govwiki import database, errors, http_cache, i18n, security

    database.init_app(app)
    _init_search(app)
    security.init_app(app)
    i18n.init_app(app)
    _register_blueprints(app)
    errors.init_app(app)
    http_cache.init_app(app)

    from govwiki.cli import govwiki_cli

    app.cli.add_command(govwiki_cli)
    return app


def _init_search(app: Flask) -> None:
    """One search index per process (opened on first use). Importing the queue registers the
    flush listener that queues every change of searchable text."""
    from govwiki.search.analysis import use_cache_folder
    from govwiki.search.index import SearchIndex
    from govwiki.services import search_queue  # noqa: F401

    use_cache_folder(app.instance_path)
    app.extensions["govwiki_search"] = SearchIndex(app.config["INDEX_DIR"])
    app.after_request(search_queue.drain_after_response)
    app.teardown_appcontext(search_queue.drain_after_request)


def _register_blueprints(app: Flask) -> None:
    from govwiki.api import api
    from govwiki.web.admin import admin
    from govwiki.web.auth import auth
    from govwiki.web.comments import comments
    from govwiki.web.consultations import consultations
    from govwiki.web.devices import devices
    from govwiki.web.inbox import inbox
    from govwiki.web.invitations import invitations
    from govwiki.web.mail_settings import mail_settings
    from govwiki.web.moderation import moderation
    from govwiki.web.notifications import notifications
    from govwiki.web.people import people_pages
    from govwiki.web.pages import pages
    from govwiki.web.proposals import proposals
    from govwiki.web.records import records
    from govwiki.web.search import search
    from govwiki.web.settings import settings

    for blueprint in (
        auth,
        mail_settings,
        settings,
        consultations,
        pages,
        proposals,
        comments,
        records,
        people_pages,
        notifications,
        inbox,
        invitations,
        moderation,
        admin,
        search,
        devices,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(api, url_prefix="/api/v1")
