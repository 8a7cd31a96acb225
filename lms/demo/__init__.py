"""`lms demo`: the demo organisation to click through — its people, their progress, the demo
CRM's three weeks of use and the incentives HR has granted. Nothing imports this package but
the application's command line."""
