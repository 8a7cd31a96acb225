"""What HR does with the boards: rewards granted once per board and period, the audit of
manual points and revocations, suspicious bursts, and HR's incentive pages."""
