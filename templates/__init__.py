"""The Jinja output templates (Markdown, HTML, text), installed as the package `briefing.templates`."""
