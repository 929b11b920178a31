"""Date formats that read better than Django's defaults (FORMAT_MODULE_PATH in imogen/settings.py)."""
