"""The sidebar: the display settings (language, presenter mode, colours: `display`), the
scene's controls (`controls`), the file a user brings (`data_file`) and the Limits
expander (`limits`)."""
