"""The xAPI 1.0.3 LRS interface under /xapi/, as HTTP: client authentication, the version
header, CORS and JSON errors; the Statement, About, State, Activity Profile, Agent Profile,
Activities and Agents resources; their parameters, multipart bodies, response formats and the
alternate request syntax. Resources load, check scopes, call the store, and answer."""
