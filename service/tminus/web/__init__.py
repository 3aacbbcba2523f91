"""The planner's dashboard: one HTML page at ``/`` with its scripts and stylesheet.

Plain HTML, JavaScript modules (one a section) and CSS shipped as package data in ``static/``:
no front-end build, no CDN, so the page works from a browser without network access. It reads
everything through the service's own JSON API (``/v1/...``) and draws its charts as inline SVG.
"""
