"""The xAPI 1.0.3 statement rules, pure: whether a statement is valid — every structural rule
of the Data part (actor, verb, object, result, context, attachments, signatures) and the
lexical formats of its values — what the LRS makes of a valid statement before storing it,
and when two statements are the same. Documents in; values, or `StatementInvalid` naming the
property path, out. No app, no database."""
