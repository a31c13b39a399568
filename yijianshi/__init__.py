"""yijianshi (一件事): a platform on which a county, a city or a province runs the "高效办成一件事" reform."""

__version__ = "0.1.0"
