"""Forwarding to an enterprise LRS: a durable outbox filled in the transaction that stores
statements, workers that claim its items under a lease and send them in batches after commit,
what the remote said, dead letters, and the admin page and commands that show and retry them."""
