"""Helpers for testing and benchmarking briefing without network: a fake OpenAI server."""
