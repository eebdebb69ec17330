"""Template filters of the pages: `{% load archive %}`."""
