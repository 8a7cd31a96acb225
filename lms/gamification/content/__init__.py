"""Reading content/gamification/ (points rules, levels, badges, example contests) without a
database, every problem named by file, line and field."""
