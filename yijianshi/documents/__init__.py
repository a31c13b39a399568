"""Documents of the case workflow (receipts, notices, decisions) rendered as PDF; see `render`."""
