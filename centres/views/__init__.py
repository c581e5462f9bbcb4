"""Server-rendered pages of the centres app: one module per area."""
