"""Browser tests (Playwright + Debian's Chromium): the portal and the workbenches as people use them."""
