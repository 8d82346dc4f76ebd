"""HTML pages: thin views over the services.

Three blueprints (`auth`, `consultations`, `pages`) share the helpers of `views` (loading,
pagination, permission flags), the forms of `forms`, the translated labels of `labels`, and the
template helpers of `templating`, which each blueprint installs when it is registered.
"""
