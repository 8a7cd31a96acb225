"""The learning record store. validation/ says whether a statement is valid xAPI 1.0.3;
store/ keeps statements and documents and reads them back; lrs/ is the xAPI interface under
/xapi/; recording/ turns domain events into Uptake's own statements; forwarding/ sends
everything on to an enterprise LRS. Here: the models, LRS client credentials, the vocabulary
Uptake's statements use, the LRS settings and errors, and the people-facing LRS pages."""
