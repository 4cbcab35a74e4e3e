"""Prompt templates, shipped as data (one TOML file per template)."""
