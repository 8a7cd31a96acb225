"""Whether a statement is valid xAPI 1.0.3: every structural rule of the Data part (actor,
verb, object, result, context, attachments, signatures) and the lexical formats of its values.
Pure: documents in, `StatementInvalid` naming the property path out; no app, no database."""
