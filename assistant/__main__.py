"""`python -m assistant ...` is the same program as `stride ...`."""

from assistant.cli import main

if __name__ == "__main__":
    main()
