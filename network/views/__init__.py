"""Pages of the network app, one module per area (meetings, practices, consultations,
self-assessment, the public good practices; the dashboard is its own module)."""
