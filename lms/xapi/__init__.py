"""The learning record store: statements built from domain events, the xAPI 1.0.3 LRS
interface under /xapi/, LRS client credentials, and forwarding to an enterprise LRS."""
