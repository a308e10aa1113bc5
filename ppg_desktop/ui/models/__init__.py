"""Qt item models over core results (tables are models, never hand-filled widgets)."""
