"""Coaching: the four sign-off steps per skill, and the onboarding gate they close."""
