"""Third-party e-learning packages as courses: cmi5 course structures and SCORM 1.2 / 2004
content packages, imported, launched, and recorded in the built-in LRS."""
