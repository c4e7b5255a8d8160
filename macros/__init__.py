"""The site's core: load, validate, derive, render. Plain Python; nothing here imports mkdocs.

mkdocs-macros imports this package (`module_name: macros`) and calls `define_env`;
`mkdocs_hooks.py` is the only module that knows about MkDocs.
"""


def define_env(env):  # mkdocs-macros entry point
    from .glue import define_env as _define_env

    _define_env(env)
