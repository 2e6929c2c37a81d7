"""The Jinja prompt templates of the openai engine, installed as the package `briefing.prompts`.

Their text is part of the cache key: editing a prompt re-extracts.
"""
