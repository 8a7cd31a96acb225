"""Courses: content/ read, checked and synced (content/), each role's curriculum, enrolment,
lessons, quizzes, remedial routing, and the learner's plan."""
