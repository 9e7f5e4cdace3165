// Tell require.js where the widget manager lives, so that it finds its own fonts and styles
// next to it (slides/lib/html-manager/) instead of under a CDN-style @jupyter-widgets/ path.
require.config({paths: {"@jupyter-widgets/html-manager/dist": "slides/lib/html-manager"}});
