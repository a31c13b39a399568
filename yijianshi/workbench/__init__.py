"""Staff workbenches (issue 5; 004 annex 3 §四, §五): the window clerk's intake, the department officer's queue,
the administrator's overview of overdue and escalated cases. Pages only: every rule is in the case services."""
