"""The site's date and number formats (FORMAT_MODULE_PATH): one of each on every page."""
