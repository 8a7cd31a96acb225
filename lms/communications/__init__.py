"""The communication plan: in-app notifications, e-mail, and what is sent when."""
