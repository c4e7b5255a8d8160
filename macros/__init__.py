"""The site's core, a pipeline: load (yamlfile.py) → check (schema.py, vocabulary.py,
model.py) → derive (derive.py) → view (view.py) → templates (templates.py, templates/) →
pages (publish.py, render.py). Plain Python; only mkdocs_glue.py knows about MkDocs.

mkdocs-macros imports this package (`module_name: macros`) and calls `define_env`.
"""


def define_env(env):  # mkdocs-macros entry point
    from .mkdocs_glue import define_env as _define_env

    _define_env(env)
