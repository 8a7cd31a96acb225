"""Content loading, curricula, enrolment, lessons, quizzes, remedial routing."""
