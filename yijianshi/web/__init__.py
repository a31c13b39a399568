"""The web pages (portal and staff pages). Thin: parse, authorise, call a selector or service, render."""
