"""NPM monitoring visits: planning, the team, obstruction, interviewees and reprisal
follow-up, and the visit report."""
