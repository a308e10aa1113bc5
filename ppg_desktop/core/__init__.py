"""The whole product without Qt: schema, stores, tagging, analysis, reports, import/export.

Nothing in this package may import PySide6 (checked by import-linter in CI), so the CLI, the
tests and scripts can use it directly.
"""
