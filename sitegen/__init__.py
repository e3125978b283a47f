"""A static-site generator for bilingual news and official results."""

__version__ = "0.1.0"
