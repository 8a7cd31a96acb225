"""Practice tasks: hands-on tasks per CRM skill, checked against the company's training CRM
(a connection with purpose "training"), that coaching's practice step rests on."""
