"""Starting the worker and the web app: building their parts from the settings, logging, local services."""
