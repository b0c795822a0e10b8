"""Client reviews and NPS (SPEC 8): services, selectors, the one-time link, the NPS report and the desk."""
