"""Users and sign-in, the review desk (roles, versions, decisions), the queue model."""
