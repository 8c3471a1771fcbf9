"""casework: complaints and requests to a Quebec public body, with deadlines in business days."""

__version__ = "0.1.0"
