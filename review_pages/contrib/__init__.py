"""Optional parts of the plugin, each an app a host adds when it wants it."""
