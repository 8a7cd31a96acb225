"""One module per CRM behind one small interface (`base.Connector`); `registry` builds one
from a connection's settings."""
