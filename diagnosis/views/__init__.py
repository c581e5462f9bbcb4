"""Server-rendered pages of the diagnosis app: the workspace, the public pages, and the
sections it adds to the centres' pages (centres.extensions)."""
