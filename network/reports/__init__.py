"""Reports of the network: the centres' statutory reports (``centre``) and their exports."""
