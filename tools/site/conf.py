"""Sphinx configuration of the course website (``make site`` runs ``python -m tools.site``).

Sphinx + MyST-NB + sphinx-book-theme render the staged notebooks without executing them. Every
script, style sheet and font is local: MathJax 2 and the Jupyter widgets manager come from the
slide decks' ``slides/lib/`` (copied into the site from ``node_modules/``), the theme ships its
own fonts and icons.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tools.site import BRANCH, SITE_TITLE, repository_url  # noqa: E402

project = SITE_TITLE
author = "the course authors"
copyright = "the course authors, MIT licence"  # noqa: A001 - Sphinx's name
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
language = "en"

# The stored outputs are the verified ones: never execute.
nb_execution_mode = "off"
# Progress bars and warnings go to stderr; the slides hide them too.
nb_output_stderr = "remove"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# Paths below are relative to _static/; the decks (and their libraries) are in slides/ next to it.
_LIB = "../slides/lib"
mathjax_path = f"{_LIB}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
mathjax2_config = {
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                "processEscapes": True, "processClass": "math|output_area",
                "ignoreClass": "document"},
    "messageStyle": "none",
    "CommonHTML": {"linebreaks": {"automatic": True}},
}
# Stored widget state is drawn by the local widget manager (MyST-NB's default loads a CDN copy).
nb_ipywidgets_js = {
    f"{_LIB}/require.js": {},
    "widgets-config.js": {},
    f"{_LIB}/html-manager/embed-amd.js": {},
}

html_theme = "sphinx_book_theme"
html_title = SITE_TITLE
html_static_path = ["_static"]
# the theme's search button, with an accessible name that matches its visible text
templates_path = ["_templates"]
html_css_files = ["course.css"]
html_js_files = ["course.js"]
html_copy_source = False
# The search page works from the built files; its summaries would fetch() each page, which a
# browser refuses for file:// pages.
html_show_search_summary = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": repository_url(),
    "repository_branch": BRANCH,
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # one search field (the sidebar's), not a second one in an otherwise empty header bar
    "navbar_persistent": [],
    "launch_buttons": {"colab_url": "https://colab.research.google.com",
                       "binderhub_url": "https://mybinder.org",
                       "notebook_interface": "jupyterlab"},
}
